"""The ticket policy: when a machine's predictions justify a ticket, and how urgent it is.

Pure logic, no I/O, so every rule is unit-tested on plain values and the offline fleet evaluation
(``cloud.engine.fleet_eval``) runs exactly this code on a simulated clock. The runner hands it the
last M predictions of one machine (by event time) and what the database knows about that machine's tickets.

Rules (invariant 6, "tickets come from a policy, not a threshold"):
- N-of-M with hysteresis: a ticket opens when N of the last M verdicts reach the *enter* level; after a
  ticket is resolved the machine is re-armed only once a verdict falls below the lower *exit* level, so a
  machine hovering around the threshold does not open ticket after ticket.
- Freshness: the newest prediction must have arrived recently (ingestion time, the cloud's clock) and have
  been recent when it arrived (its event time corrected by the gateway's measured clock offset), so
  predictions replayed after an outage never open (or escalate) tickets for the past, while a gateway whose
  clock runs slow delays no ticket. Without an ingestion time (the offline fleet evaluation) event time is
  the only clock.
- De-duplication: at most one OPEN / IN_PROGRESS ticket per machine and fault (the database's partial unique
  index backs this); a worsening situation raises its priority instead, and a priority is never lowered.
  While a machine has an open ticket, its verdicts count towards that ticket whatever fault they name: a
  fault classifier that wavers between two modes for an hour or two (measured on the simulated fleets)
  must not hand the technician a second ticket for the failure they are already working on. A different
  fault gets its own ticket once the first is resolved.
- Escalation LOW -> HIGH -> CRITICAL as the confirmed risk rises or the estimated time to failure shrinks:
  the model answers "failure within the horizon H?", so a risk state that began at t0 leaves about
  H - (now - t0) before the failure.
- Cooldown: after a resolution the machine gets time to show the repair worked.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cloud.engine import knobs

# The fault of a ticket when the model does not say which failure mode it sees.
DEFAULT_FAULT = "failure_risk"


class Priority(enum.IntEnum):
    """Ticket urgency, ordered so that escalation is a comparison."""

    LOW = 1
    HIGH = 2
    CRITICAL = 3


def _number(name: str) -> float:
    return knobs.BY_NAME[name].default


def _span(name: str) -> timedelta:
    span = knobs.BY_NAME[name].to_config(knobs.BY_NAME[name].default)
    assert isinstance(span, timedelta)
    return span


# The durations' defaults (module constants: a dataclass default is evaluated once anyway).
_MAX_AGE = _span("max_age_s")
_COOLDOWN = _span("cooldown_s")
_HORIZON = _span("horizon_h")
_HIGH_TTF = _span("high_ttf_h")
_CRITICAL_TTF = _span("critical_ttf_h")


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    """The knobs of the ticket policy; their bounds, defaults and rules are declared in ``knobs``."""

    enter_threshold: float = _number("enter_threshold")
    # A resolved machine is re-armed (may get a new ticket) only after a verdict below this level.
    exit_threshold: float = _number("exit_threshold")
    # N of the last M verdicts: one spike never opens a ticket.
    required: int = int(_number("required"))
    window: int = int(_number("window"))
    # Older than this, a risky prediction is history (a replay after an outage), not a reason to act now.
    max_age: timedelta = _MAX_AGE
    # Time after a resolution for a repaired machine's risk to come down before it can be ticketed again.
    cooldown: timedelta = _COOLDOWN
    high_threshold: float = _number("high_threshold")
    critical_threshold: float = _number("critical_threshold")
    # The model's horizon: a confirmed risk means "failure within this long" (the manifest's horizon_s).
    horizon: timedelta = _HORIZON
    # Escalate when the estimated time to failure falls to these levels.
    high_ttf: timedelta = _HIGH_TTF
    critical_ttf: timedelta = _CRITICAL_TTF

    def __post_init__(self) -> None:
        # The same bounds and rules as the settings and the API, so no config the engine runs on can be
        # one that the API then fails to show.
        found = knobs.problem(knobs.wire_values(self))
        if found is not None:
            raise ValueError(found.for_api())


@dataclass(frozen=True, slots=True)
class Observation:
    """One prediction as the policy sees it."""

    ts: datetime
    failure_prob: float
    anomaly_score: float
    model_version: str
    features: Mapping[str, float] | None = None
    # The failure mode the model names, when it has a fault classifier; None = it does not say.
    fault: str | None = None
    # When the cloud stored it (None: not known, as in the offline evaluation) and how far its gateway's
    # clock ran ahead of the cloud's (cloud.ingestion.clock).
    ingested_at: datetime | None = None
    clock_offset: timedelta = timedelta(0)

    def is_fresh(self, now: datetime, max_age: timedelta) -> bool:
        """Whether this verdict is about the present: arrived within ``max_age`` and was recent then."""
        if self.ingested_at is None:
            return now - self.ts <= max_age
        # Spans, not corrected datetimes: any stored time stays clear of datetime's limits.
        age_on_arrival = (self.ingested_at - self.ts) + self.clock_offset
        return now - self.ingested_at <= max_age and age_on_arrival <= max_age

    def reason(self) -> dict[str, Any]:
        """The ticket's ``reason`` document for a ticket this prediction tripped."""
        return {
            "model_version": self.model_version,
            "failure_prob": self.failure_prob,
            "anomaly_score": self.anomaly_score,
            "prediction_ts": self.ts.astimezone(UTC).isoformat(),
            "features": dict(self.features) if self.features is not None else None,
        }


@dataclass(frozen=True, slots=True)
class MachineTickets:
    """What the database knows about one machine's tickets for one fault."""

    open_priority: Priority | None = None  # the OPEN / IN_PROGRESS ticket's priority, if there is one
    open_since: datetime | None = None  # when that ticket (its risk state) began
    last_resolved_at: datetime | None = None
    # True when a verdict below the exit level came after the last resolution (hysteresis re-arm).
    cleared_since_resolution: bool = True


@dataclass(frozen=True, slots=True)
class Assessment:
    """A machine whose recent predictions meet the rule: its confirmed risk and the prediction behind it."""

    risk: float
    trigger: Observation
    fault: str


@dataclass(frozen=True, slots=True)
class OpenTicket:
    """Decision: open a ticket."""

    priority: Priority
    trigger: Observation
    fault: str = DEFAULT_FAULT
    risk: float = 0.0

    def title(self, machine_name: str) -> str:
        """A title naming the fault and the machine, e.g. "Bearing wear on Pump 03".

        No risk figure: a title is written once, while the risk and the priority badge live on; an opening
        "74%" beside a CRITICAL badge reads as a contradiction.
        """
        what = "Failure risk" if self.fault == DEFAULT_FAULT else self.fault.replace("_", " ").capitalize()
        return f"{what} on {machine_name}"


@dataclass(frozen=True, slots=True)
class Escalate:
    """Decision: raise the open ticket's priority."""

    priority: Priority
    trigger: Observation
    fault: str = DEFAULT_FAULT
    risk: float = 0.0


Decision = OpenTicket | Escalate


def fault_of(window: Sequence[Observation], enter_threshold: float) -> str:
    """The fault a window points at: the mode most of its risky verdicts name, else ``DEFAULT_FAULT``."""
    named = Counter(o.fault for o in window if o.fault and o.failure_prob >= enter_threshold)
    return named.most_common(1)[0][0] if named else DEFAULT_FAULT


def fault_to_decide(window: Sequence[Observation], enter_threshold: float, open_faults: Sequence[str]) -> str:
    """Which of a machine's faults its window is judged for: an open ticket's (the one the window names
    most when it has several), else the fault the window points at."""
    if not open_faults:
        return fault_of(window, enter_threshold)
    named = Counter(
        o.fault for o in window if o.fault and o.fault in open_faults and o.failure_prob >= enter_threshold
    )
    return named.most_common(1)[0][0] if named else sorted(open_faults)[0]


@dataclass(frozen=True, slots=True)
class TicketPolicy:
    """The ticket rule; ``decide`` is called with one machine's recent predictions."""

    config: PolicyConfig = field(default_factory=PolicyConfig)

    def priority_for(self, failure_prob: float, estimated_ttf: timedelta | None = None) -> Priority:
        """Priority a ticket of this risk (and estimated time to failure, when known) deserves."""
        c = self.config
        if failure_prob >= c.critical_threshold or (
            estimated_ttf is not None and estimated_ttf <= c.critical_ttf
        ):
            return Priority.CRITICAL
        if failure_prob >= c.high_threshold or (estimated_ttf is not None and estimated_ttf <= c.high_ttf):
            return Priority.HIGH
        return Priority.LOW

    def estimated_ttf(self, risk_since: datetime, now: datetime) -> timedelta:
        """Time left before the failure the model foresaw when the risk state began (never negative)."""
        return max(self.config.horizon - (now - risk_since), timedelta(0))

    def assess(
        self, recent: Sequence[Observation], now: datetime, level: float | None = None
    ) -> Assessment | None:
        """The confirmed risk of one machine and the prediction behind it, or None when the rule is not met.

        The confirmed risk is the level at least N of the last M predictions reach (the N-th highest), so a
        single spike neither opens nor escalates a ticket; the trigger is the newest prediction at that level.
        ``level`` is the bar (default: the enter threshold).
        """
        c = self.config
        window = sorted(recent, key=lambda o: o.ts)[-c.window :]
        if len(window) < c.required or not window[-1].is_fresh(now, c.max_age):
            return None
        risk = sorted((o.failure_prob for o in window), reverse=True)[c.required - 1]
        if risk < (c.enter_threshold if level is None else level):
            return None
        trigger = next(o for o in reversed(window) if o.failure_prob >= risk)
        return Assessment(risk, trigger, fault_of(window, c.enter_threshold))

    def decide(
        self, *, recent: Sequence[Observation], tickets: MachineTickets, now: datetime
    ) -> Decision | None:
        """What to do about one machine (and the fault its window points at) now."""
        c = self.config
        if tickets.open_priority is not None:
            # Hysteresis: an open ticket's risk state holds until the risk falls below the exit level, so
            # escalation keeps going while the risk hovers between exit and enter.
            held = self.assess(recent, now, level=c.exit_threshold)
            if held is None:
                return None
            ttf = self.estimated_ttf(tickets.open_since, now) if tickets.open_since is not None else None
            priority = self.priority_for(held.risk, ttf)
            # A worse situation raises the priority, never lowers it.
            if priority > tickets.open_priority:
                return Escalate(priority, held.trigger, held.fault, held.risk)
            return None
        assessment = self.assess(recent, now)
        if assessment is None:
            return None
        resolved = tickets.last_resolved_at
        if resolved is not None and (now - resolved < c.cooldown or not tickets.cleared_since_resolution):
            return None
        priority = self.priority_for(assessment.risk)
        return OpenTicket(priority, assessment.trigger, assessment.fault, assessment.risk)
