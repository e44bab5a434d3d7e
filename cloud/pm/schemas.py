"""What the API says about PM schedules and what a client may send: the trigger rule is a tagged union."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cloud.text import Text
from cloud.tickets.models import TicketPriority
from cloud.tickets.schemas import PullForward
from cloud.timerange import UtcDatetime

# Bounds that keep every date computed from a schedule far inside what datetime and PostgreSQL hold.
MAX_INTERVAL_DAYS = 3660
MAX_LEAD_DAYS = 365.0
MAX_CHECKLIST_ITEMS = 100
MAX_ITEM_CHARS = 300
# A meter's interval: up to a million hours / starts / counts between services.
MAX_METER_EVERY = 1e6
# Signals stored per reading (``sensor_data`` columns) that a meter may count.
METER_SIGNALS = ("rpm", "temperature", "vibration")

Signal = Literal["rpm", "temperature", "vibration"]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EveryRule(_Rule):
    """Due ``every`` days or weeks after the baseline (the last completed PM)."""

    kind: Literal["every"] = "every"
    every: int = Field(ge=1, le=MAX_INTERVAL_DAYS)
    unit: Literal["days", "weeks"] = "days"

    @model_validator(mode="after")
    def _bounded(self) -> EveryRule:
        if self.unit == "weeks" and self.every * 7 > MAX_INTERVAL_DAYS:
            raise ValueError(f"every {self.every} weeks is longer than {MAX_INTERVAL_DAYS} days")
        return self


class MonthDayRule(_Rule):
    """Due on this day of every month after the baseline (the month's last day when it is shorter)."""

    kind: Literal["day_of_month"] = "day_of_month"
    day: int = Field(ge=1, le=31)


class RunningHoursRule(_Rule):
    """Due every ``every`` hours of running: time with ``signal`` above ``threshold`` (rpm by default)."""

    kind: Literal["running_hours"] = "running_hours"
    every: float = Field(gt=0, le=MAX_METER_EVERY, allow_inf_nan=False)
    signal: Signal = "rpm"
    threshold: float = Field(default=0.0, allow_inf_nan=False)


class StartsRule(_Rule):
    """Due every ``every`` starts: ``signal`` crossing ``threshold`` upwards."""

    kind: Literal["starts"] = "starts"
    every: float = Field(gt=0, le=MAX_METER_EVERY, allow_inf_nan=False)
    signal: Signal = "rpm"
    threshold: float = Field(default=0.0, allow_inf_nan=False)


class CounterRule(_Rule):
    """Due every ``every`` counts of a counter signal (cycles, strokes); a drop is a counter reset."""

    kind: Literal["counter"] = "counter"
    every: float = Field(gt=0, le=MAX_METER_EVERY, allow_inf_nan=False)
    signal: Signal


Rule = Annotated[
    EveryRule | MonthDayRule | RunningHoursRule | StartsRule | CounterRule, Field(discriminator="kind")
]
MeterRule = RunningHoursRule | StartsRule | CounterRule
ChecklistText = Annotated[Text, Field(min_length=1, max_length=MAX_ITEM_CHARS)]


class PmScheduleIn(BaseModel):
    """A schedule to create or replace: for one machine or every machine of a type."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=200)
    machine_id: uuid.UUID | None = None
    machine_type: Text | None = Field(default=None, min_length=1, max_length=100)
    rule: Rule
    lead_days: float = Field(default=0.0, ge=0, le=MAX_LEAD_DAYS, allow_inf_nan=False)
    max_pull_forward_days: float = Field(default=0.0, ge=0, le=MAX_INTERVAL_DAYS, allow_inf_nan=False)
    risk_threshold: float | None = Field(default=None, gt=0, le=1, allow_inf_nan=False)
    priority: TicketPriority = TicketPriority.LOW
    checklist: list[ChecklistText] = Field(default_factory=list, max_length=MAX_CHECKLIST_ITEMS)
    active: bool = True

    @model_validator(mode="after")
    def _one_target(self) -> PmScheduleIn:
        if (self.machine_id is None) == (self.machine_type is None):
            raise ValueError(
                "give exactly one of machine_id (one machine) and machine_type (all machines of a type)"
            )
        if any(not item.strip() for item in self.checklist):
            raise ValueError("checklist items must not be blank")
        return self


class PmMachineState(BaseModel):
    """Where one machine stands against the schedule."""

    machine_id: uuid.UUID
    machine_name: str
    baseline_at: UtcDatetime
    meter: float | None
    due_at: UtcDatetime | None
    pulled_forward: PullForward | None
    open_ticket_id: uuid.UUID | None


class PmScheduleRead(BaseModel):
    """A schedule with each of its machines' state; ``next_due_at`` is the earliest of them."""

    id: uuid.UUID
    name: str
    machine_id: uuid.UUID | None
    machine_type: str | None
    rule: Rule
    lead_days: float
    max_pull_forward_days: float
    risk_threshold: float | None
    priority: TicketPriority
    checklist: list[str]
    active: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime
    next_due_at: UtcDatetime | None
    pulled_forward: bool
    machines: list[PmMachineState]
