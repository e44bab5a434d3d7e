"""What the API says about maintenance tickets, and what a client may change."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from cloud.api.timerange import UtcDatetime
from cloud.tickets.models import TicketPriority, TicketStatus


class TicketReason(BaseModel):
    """Why the ticket exists: the prediction that tripped the policy."""

    model_version: str
    failure_prob: float
    anomaly_score: float
    prediction_ts: UtcDatetime
    features: dict[str, float] | None = None


class TicketRead(BaseModel):
    """A maintenance ticket."""

    id: uuid.UUID
    machine_id: uuid.UUID
    machine_name: str
    title: str
    status: TicketStatus
    priority: TicketPriority
    technician_id: uuid.UUID | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    resolved_at: UtcDatetime | None
    reason: TicketReason


class TicketUpdate(BaseModel):
    """A change to a ticket: move it one step forward and/or (un)assign a technician."""

    model_config = ConfigDict(extra="forbid")

    status: TicketStatus | None = None
    technician_id: uuid.UUID | None = None
