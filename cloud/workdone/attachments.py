"""Photos and files attached to tickets: checked by size and by their bytes, kept in the blob store.

The row is written after the bytes are stored, in one transaction with the ticket event; a failure after the
upload deletes the object again, so the store holds no file the database does not know (a crash in between
can leave an orphan object, never a row without its file).
"""

from __future__ import annotations

import hashlib
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.errors import InvalidRequestError, NotFoundError
from cloud.tickets import service as tickets
from cloud.users.models import User
from cloud.workdone.models import Attachment
from cloud.workdone.schemas import AttachmentRead
from cloud.workdone.service import attachment_schema
from cloud.workdone.sniff import display_name, sniff
from cloud.workdone.storage import BlobStore
from contract import new_id


def upload(
    *,
    db_session: Session,
    store: BlobStore,
    ticket_id: uuid.UUID,
    filename: str,
    data: bytes,
    max_bytes: int,
    actor: User,
) -> AttachmentRead:
    """Attach ``data`` to the ticket; InvalidRequestError when it is too large or of a type not allowed."""
    ticket = tickets.locked(db_session, ticket_id)
    tickets.check_may_work(actor, ticket)
    if len(data) > max_bytes:
        raise InvalidRequestError(
            f"the file is {len(data)} bytes, more than the limit of {max_bytes}", ("body",)
        )
    content_type = sniff(data)
    attachment_id = new_id()
    key = f"{ticket.id}/{attachment_id}"
    store.put(key, data, content_type)
    try:
        attachment = Attachment(
            id=attachment_id,
            ticket_id=ticket.id,
            filename=display_name(filename),
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            storage_key=key,
            user_id=actor.id,
        )
        db_session.add(attachment)
        tickets.record(db_session, ticket, actor, "attachment", attachment_id=str(attachment_id),
                       filename=attachment.filename, content_type=content_type, size=len(data))  # fmt: skip
        db_session.commit()
    except BaseException:
        store.delete(key)
        raise
    return attachment_schema(attachment, actor.full_name)


def download(
    *, db_session: Session, store: BlobStore, ticket_id: uuid.UUID, attachment_id: uuid.UUID
) -> tuple[AttachmentRead, bytes]:
    """The attachment's record and bytes; NotFoundError unless it belongs to that ticket."""
    row = db_session.execute(
        sa.select(Attachment, User.full_name)
        .join(User, User.id == Attachment.user_id)
        .where(Attachment.id == attachment_id, Attachment.ticket_id == ticket_id)
    ).first()
    if row is None:
        raise NotFoundError(f"ticket {ticket_id} has no attachment {attachment_id}")
    return attachment_schema(row[0], row[1]), store.get(row[0].storage_key)
