"""What the API says about work done on a ticket, the parts catalogue and notices, and what clients send."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cloud.text import Text
from cloud.timerange import UtcDatetime
from cloud.workdone.models import ChecklistResult

# A week of minutes: one entry is a stint of work, not a month's total.
MAX_MINUTES = 7 * 24 * 60
MAX_NOTE_CHARS = 2000
# Stock counts in the part's unit; a billion of anything is a typo.
MAX_STOCK = 1_000_000_000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TimeEntryIn(_In):
    """Minutes spent on the ticket by the caller."""

    minutes: int = Field(ge=1, le=MAX_MINUTES)
    note: Text | None = Field(default=None, max_length=MAX_NOTE_CHARS)


class TimeEntryRead(BaseModel):
    """One time entry."""

    id: int
    user_id: uuid.UUID
    user_name: str | None
    minutes: int
    note: str | None
    created_at: UtcDatetime


class PartIn(_In):
    """A part of the catalogue as an engineer defines it (stock set by counting the shelf)."""

    sku: Text = Field(min_length=1, max_length=64, pattern=r"^\S(.*\S)?$")
    name: Text = Field(min_length=1, max_length=200)
    unit: Text = Field(default="pcs", min_length=1, max_length=16)
    stock: int = Field(ge=0, le=MAX_STOCK)
    min_stock: int = Field(default=0, ge=0, le=MAX_STOCK)


class PartRead(BaseModel):
    """A part and whether its stock is below the minimum."""

    id: uuid.UUID
    sku: str
    name: str
    unit: str
    stock: int
    min_stock: int
    below_minimum: bool
    updated_at: UtcDatetime


class PartUseIn(_In):
    """Parts taken from stock for this ticket."""

    part_id: uuid.UUID
    quantity: int = Field(ge=1, le=MAX_STOCK)


class PartUsageRead(BaseModel):
    """Parts used on a ticket."""

    id: int
    part_id: uuid.UUID
    sku: str
    name: str
    unit: str
    quantity: int
    user_id: uuid.UUID
    user_name: str | None
    created_at: UtcDatetime


class ChecklistResultIn(_In):
    """The result of one checklist item (null result: not answered yet) and a note."""

    result: ChecklistResult | None
    note: Text | None = Field(default=None, max_length=MAX_NOTE_CHARS)


class ChecklistItemRead(BaseModel):
    """One checklist item and its result."""

    position: int
    text: str
    result: ChecklistResult | None
    note: str | None
    updated_by: uuid.UUID | None
    updated_at: UtcDatetime | None


class AttachmentRead(BaseModel):
    """A file attached to a ticket; download it from ``/api/tickets/{ticket_id}/attachments/{id}``."""

    id: uuid.UUID
    ticket_id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    user_id: uuid.UUID
    user_name: str | None
    created_at: UtcDatetime


class WorkDone(BaseModel):
    """Everything recorded as work on one ticket (notes are the ticket's comments)."""

    ticket_id: uuid.UUID
    minutes_total: int
    time: list[TimeEntryRead]
    parts: list[PartUsageRead]
    checklist: list[ChecklistItemRead]
    attachments: list[AttachmentRead]


class NoticeRead(BaseModel):
    """A notice, e.g. ``part_below_minimum`` with the part's stock in ``data``."""

    id: int
    kind: str
    part_id: uuid.UUID | None
    ticket_id: uuid.UUID | None
    data: dict[str, Any]
    created_at: UtcDatetime
    acknowledged_at: UtcDatetime | None
