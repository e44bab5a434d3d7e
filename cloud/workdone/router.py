"""HTTP routes of work done on tickets (time, parts, checklist, attachments), the parts catalogue and notices.

Reading follows the ticket (anyone signed in reads tickets); writing follows comments (engineers and admins,
or the technician the ticket is assigned to); the catalogue is changed by engineers and admins.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from cloud.api.deps import BlobsDep, CurrentUser, EngineerUser, SessionDep, SettingsDep
from cloud.text import Text
from cloud.workdone import attachments, parts, service
from cloud.workdone.schemas import (
    AttachmentRead,
    ChecklistResultIn,
    NoticeRead,
    PartIn,
    PartRead,
    PartUseIn,
    TimeEntryIn,
    WorkDone,
)

router = APIRouter(prefix="/tickets/{ticket_id}", tags=["work done"])
parts_router = APIRouter(prefix="/parts", tags=["parts"])
notices_router = APIRouter(prefix="/notices", tags=["notices"])

# The upload route, for the body-size middleware's own (larger) limit.
ATTACHMENT_UPLOAD_PATH = re.compile(r"/api/tickets/[^/]+/attachments")


@router.get("/work", response_model=WorkDone)
def work_done(ticket_id: uuid.UUID, db_session: SessionDep, user: CurrentUser) -> WorkDone:
    """Time, parts, checklist and attachments recorded on the ticket."""
    return service.read(db_session=db_session, ticket_id=ticket_id)


@router.post("/time", response_model=WorkDone, status_code=status.HTTP_201_CREATED)
def add_time(ticket_id: uuid.UUID, body: TimeEntryIn, db_session: SessionDep, user: CurrentUser) -> WorkDone:
    """Record minutes you spent on the ticket."""
    return service.add_time(db_session=db_session, ticket_id=ticket_id, entry=body, actor=user)


@router.post("/parts", response_model=WorkDone, status_code=status.HTTP_201_CREATED)
def use_part(ticket_id: uuid.UUID, body: PartUseIn, db_session: SessionDep, user: CurrentUser) -> WorkDone:
    """Take parts from stock for the ticket (409 when the stock is short)."""
    return parts.use_part(db_session=db_session, ticket_id=ticket_id, use=body, actor=user)


@router.put("/checklist/{position}", response_model=WorkDone)
def set_checklist(
    ticket_id: uuid.UUID,
    position: Annotated[int, Path(ge=0, le=10_000)],
    body: ChecklistResultIn,
    db_session: SessionDep,
    user: CurrentUser,
) -> WorkDone:
    """Record the result of one checklist item (done, not done, not applicable) and a note."""
    return service.set_checklist(
        db_session=db_session, ticket_id=ticket_id, position=position, result_in=body, actor=user
    )


@router.post("/attachments", response_model=AttachmentRead, status_code=status.HTTP_201_CREATED)
async def upload_attachment(
    ticket_id: uuid.UUID,
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    blobs: BlobsDep,
    user: CurrentUser,
    filename: Annotated[Text, Query(min_length=1, max_length=1000)] = "file",
) -> AttachmentRead:
    """Attach a photo or file: the raw bytes as the body, its name in ``filename`` (shown only). The type is
    judged from the bytes (JPEG, PNG, GIF, WebP, HEIC, PDF or plain text), never the name or Content-Type."""
    data = await request.body()
    return await run_in_threadpool(
        attachments.upload,
        db_session=db_session,
        store=blobs,
        ticket_id=ticket_id,
        filename=filename,
        data=data,
        max_bytes=settings.attachment_max_bytes,
        actor=user,
    )


@router.get("/attachments/{attachment_id}", response_class=Response)
def download_attachment(
    ticket_id: uuid.UUID, attachment_id: uuid.UUID, db_session: SessionDep, blobs: BlobsDep, user: CurrentUser
) -> Response:
    """The attached file's bytes, with the type found at upload."""
    record, data = attachments.download(
        db_session=db_session, store=blobs, ticket_id=ticket_id, attachment_id=attachment_id
    )
    disposition = "inline" if record.content_type.startswith("image/") else "attachment"
    ascii_name = record.filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    encoded = quote(record.filename)
    headers = {
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}",
        # The browser must not second-guess the type we checked.
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
    }
    return Response(content=data, media_type=record.content_type, headers=headers)


@parts_router.get("", response_model=list[PartRead])
def list_parts(db_session: SessionDep, user: CurrentUser) -> list[PartRead]:
    """The parts catalogue with stock (those below their minimum first)."""
    return parts.list_parts(db_session=db_session)


@parts_router.post("", response_model=PartRead, status_code=status.HTTP_201_CREATED)
def create_part(body: PartIn, db_session: SessionDep, user: EngineerUser) -> PartRead:
    """Add a part to the catalogue."""
    return parts.create_part(db_session=db_session, part_in=body)


@parts_router.put("/{part_id}", response_model=PartRead)
def replace_part(part_id: uuid.UUID, body: PartIn, db_session: SessionDep, user: EngineerUser) -> PartRead:
    """Change a part: a stock count, a new minimum."""
    return parts.replace_part(db_session=db_session, part_id=part_id, part_in=body)


@notices_router.get("", response_model=list[NoticeRead])
def list_notices(
    db_session: SessionDep, user: CurrentUser, include_acknowledged: bool = False
) -> list[NoticeRead]:
    """Notices such as a part below its minimum, newest first."""
    return parts.list_notices(db_session=db_session, include_acknowledged=include_acknowledged)


@notices_router.post("/{notice_id}/acknowledge", response_model=NoticeRead)
def acknowledge_notice(
    notice_id: Annotated[int, Path(ge=1, le=2**63 - 1)], db_session: SessionDep, user: EngineerUser
) -> NoticeRead:
    """Mark a notice as seen."""
    return parts.acknowledge(db_session=db_session, notice_id=notice_id, actor=user)
