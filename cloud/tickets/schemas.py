"""What the API says about maintenance tickets, and what a client may send."""

from __future__ import annotations

import enum
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cloud.text import Text
from cloud.tickets.models import TicketKind, TicketOutcome, TicketPriority, TicketStatus
from cloud.timerange import UtcDatetime
from contract.payloads import FAULT_NAME_PATTERN

# The page size is capped so one request cannot make the API serialise the whole history.
MAX_PAGE = 200
DEFAULT_PAGE = 100
MAX_COMMENT_CHARS = 4000
MAX_TEXT_CHARS = 500


class TicketDriver(BaseModel):
    """A window feature far from the machine type's healthy baseline (``z`` spreads away)."""

    feature: str
    value: float
    baseline_mean: float
    baseline_std: float
    z: float
    kind: str


class SignalDriver(BaseModel):
    """A driving signal in plant units: its window mean against the type's normal, and its trend."""

    signal: str
    label: str
    unit: str
    value: float | None
    normal_mean: float | None
    normal_std: float | None
    # Least-squares slope of the readings before the prediction, per hour of event time.
    trend_per_hour: float | None
    # The feature that made it a driver ("vibration_slope") and how many spreads away it was.
    feature: str
    z: float | None


class FiredPolicy(BaseModel):
    """The rule that opened the ticket: N of the last M verdicts at or above ``enter``."""

    enter: float
    n_of_m: tuple[int, int]


class BaselineRef(BaseModel):
    """What the drivers were compared with: recent low-risk predictions of machines of this type."""

    machine_type: str
    predictions: int


class TicketReason(BaseModel):
    """Why the ticket exists: the prediction that tripped the policy and what drove it.

    Tickets opened before a field existed lack it (null / empty).
    """

    model_version: str
    failure_prob: float
    anomaly_score: float
    prediction_ts: UtcDatetime
    features: dict[str, float] | None = None
    fault: str | None = None
    confirmed_risk: float | None = None
    policy: FiredPolicy | None = None
    drivers: list[TicketDriver] = []
    signals: list[SignalDriver] = []
    baseline: BaselineRef | None = None
    # When the model's horizon says the failure is expected (opened + horizon); the time left counts down.
    failure_expected_by: UtcDatetime | None = None


class Aftercare(BaseModel):
    """What followed a resolution: the repair command sent to the gateway, and the machine's recovery.

    Gateways do not acknowledge maintenance commands, so ``repair_sent_at`` is when the API handed the
    command to its broker link (``repair_queued``: the link was down and it waits in the client's queue).
    ``back_to_normal_at`` is the first prediction after the resolution below the policy's exit level.
    """

    gateway_id: str | None
    repair_sent_at: UtcDatetime | None
    repair_queued: bool
    exit_threshold: float
    back_to_normal_at: UtcDatetime | None
    back_to_normal_risk: float | None


class PullForward(BaseModel):
    """The prediction that moved a preventive work order earlier, and by how much."""

    prediction_ts: UtcDatetime
    failure_prob: float
    model_version: str
    threshold: float
    planned_due_at: UtcDatetime
    days_earlier: float


class PreventiveInfo(BaseModel):
    """What a preventive work order is for."""

    schedule_id: uuid.UUID | None
    schedule_name: str
    due_at: UtcDatetime | None
    pulled_forward: PullForward | None = None


class TicketRead(BaseModel):
    """A maintenance ticket; ``reason`` is null for a ticket made by hand."""

    id: uuid.UUID
    machine_id: uuid.UUID
    machine_name: str
    title: str
    status: TicketStatus
    priority: TicketPriority
    kind: TicketKind
    technician_id: uuid.UUID | None
    technician_name: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    resolved_at: UtcDatetime | None
    reason: TicketReason | None
    fault: str
    outcome: TicketOutcome | None
    root_cause: str | None
    found_fault: str | None
    # A preventive work order: its schedule, due date and (when a risk pulled it forward) the prediction.
    pm: PreventiveInfo | None = None
    cancel_reason: str | None = None
    # Only on one ticket (GET /tickets/{id}, PATCH) once it is resolved; null in lists.
    aftercare: Aftercare | None = None


class TicketPage(BaseModel):
    """One page of tickets and how many match in all."""

    items: list[TicketRead]
    total: int
    limit: int
    offset: int


class TicketSort(enum.StrEnum):
    """Orders of the ticket list; a leading '-' means descending."""

    CREATED_AT = "created_at"
    CREATED_AT_DESC = "-created_at"
    UPDATED_AT = "updated_at"
    UPDATED_AT_DESC = "-updated_at"
    PRIORITY = "priority"
    PRIORITY_DESC = "-priority"


class TicketCreate(BaseModel):
    """A ticket made by hand (engineers and admins)."""

    model_config = ConfigDict(extra="forbid")

    machine_id: uuid.UUID
    title: Text = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    priority: TicketPriority
    fault: Text = Field(default="manual", min_length=1, max_length=100)
    technician_id: uuid.UUID | None = None
    # A failure a person reports is CORRECTIVE; PREDICTIVE and PREVENTIVE come from the engine and schedules.
    kind: TicketKind = TicketKind.CORRECTIVE

    @field_validator("kind")
    @classmethod
    def _by_hand(cls, kind: TicketKind) -> TicketKind:
        if kind not in (TicketKind.CORRECTIVE, TicketKind.SENSOR):
            raise ValueError("tickets made by hand are CORRECTIVE or SENSOR work")
        return kind


class TicketUpdate(BaseModel):
    """A change: one lifecycle step (with the outcome when resolving), assignment and/or priority."""

    model_config = ConfigDict(extra="forbid")

    status: TicketStatus | None = None
    technician_id: uuid.UUID | None = None
    priority: TicketPriority | None = None
    outcome: TicketOutcome | None = None
    root_cause: Text | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    # On a confirmed fault: the failure mode found, named as the model names modes ("bearing_wear").
    found_fault: str | None = Field(default=None, pattern=FAULT_NAME_PATTERN, max_length=64)


class ReopenRequest(BaseModel):
    """Why a resolved ticket is opened again (required: the trail must say)."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, max_length=MAX_TEXT_CHARS)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, reason: str) -> str:
        if not reason.strip():
            raise ValueError("the reason must not be blank")
        return reason.strip()


class CancelRequest(ReopenRequest):
    """Why an unresolved ticket is closed without the work being done."""


class CommentCreate(BaseModel):
    """A note on a ticket."""

    model_config = ConfigDict(extra="forbid")

    text: Text = Field(min_length=1, max_length=MAX_COMMENT_CHARS)


class TicketEventRead(BaseModel):
    """One entry of a ticket's audit trail; ``actor_id`` null means the ticket engine."""

    id: int
    ticket_id: uuid.UUID
    at: UtcDatetime
    actor_id: uuid.UUID | None
    actor_name: str | None
    kind: str
    data: dict[str, Any]
