"""The ticket policy: when a machine's predictions justify a ticket, and how urgent it is.

Pure logic, no I/O, so every rule is unit-tested on plain values. The runner hands it the last M
predictions of one machine (by event time) and what the database knows about the machine's tickets.

Rules (invariant 6, "tickets come from a policy, not a threshold"):
- N-of-M with an enter threshold: one spike never opens a ticket, a machine hovering around the
  threshold opens one only once most of its recent verdicts agree.
- Freshness: the newest prediction must be recent, so predictions replayed after an outage never open
  tickets for the past.
- De-duplication: at most one OPEN / IN_PROGRESS ticket per machine (the database's partial unique index
  backs this); a worsening risk raises its priority instead, and a priority is never lowered.
- Cooldown: after a ticket is resolved, the machine gets time to show the repair worked.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any


class Priority(enum.IntEnum):
    """Ticket urgency, ordered so that escalation is a comparison."""

    LOW = 1
    HIGH = 2
    CRITICAL = 3


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    """The knobs of the first ticket rule."""

    enter_threshold: float = 0.7
    # 3 of the last 5 verdicts: at 1 prediction per second a ticket needs ~3 s of sustained risk.
    required: int = 3
    window: int = 5
    # Older than this, a risky prediction is history (a replay after an outage), not a reason to act now.
    max_age: timedelta = timedelta(minutes=10)
    # Time after a resolution for a repaired machine's risk to come down before it can be ticketed again.
    cooldown: timedelta = timedelta(minutes=5)
    high_threshold: float = 0.8
    critical_threshold: float = 0.9

    def __post_init__(self) -> None:
        if not 1 <= self.required <= self.window:
            raise ValueError(f"required ({self.required}) must be between 1 and window ({self.window})")
        if not 0.0 <= self.enter_threshold <= self.high_threshold <= self.critical_threshold <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= enter <= high <= critical <= 1")


@dataclass(frozen=True, slots=True)
class Observation:
    """One prediction as the policy sees it."""

    ts: datetime
    failure_prob: float
    anomaly_score: float
    model_version: str
    features: Mapping[str, float] | None = None

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
    """What the database knows about one machine's tickets."""

    open_priority: Priority | None = None  # the OPEN / IN_PROGRESS ticket's priority, if there is one
    last_resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """A machine whose recent predictions meet the rule: its confirmed risk and the prediction behind it."""

    risk: float
    trigger: Observation


@dataclass(frozen=True, slots=True)
class OpenTicket:
    """Decision: open a ticket."""

    priority: Priority
    trigger: Observation

    def title(self, machine_name: str) -> str:
        """A title a technician reads at a glance, e.g. "Failure risk 87% on Pump 03"."""
        return f"Failure risk {self.trigger.failure_prob:.0%} on {machine_name}"


@dataclass(frozen=True, slots=True)
class Escalate:
    """Decision: raise the open ticket's priority."""

    priority: Priority
    trigger: Observation


Decision = OpenTicket | Escalate


@dataclass(frozen=True, slots=True)
class TicketPolicy:
    """The first ticket rule; ``decide`` is called with one machine's recent predictions."""

    config: PolicyConfig = field(default_factory=PolicyConfig)

    def priority_for(self, failure_prob: float) -> Priority:
        """Priority a ticket of this risk deserves."""
        if failure_prob >= self.config.critical_threshold:
            return Priority.CRITICAL
        if failure_prob >= self.config.high_threshold:
            return Priority.HIGH
        return Priority.LOW

    def assess(self, recent: Sequence[Observation], now: datetime) -> Assessment | None:
        """The confirmed risk of one machine and the prediction behind it, or None when the rule is not met.

        The confirmed risk is the level at least N of the last M predictions reach (the N-th highest), so a
        single spike neither opens nor escalates a ticket; the trigger is the newest prediction at that level.
        """
        window = sorted(recent, key=lambda o: o.ts)[-self.config.window :]
        if len(window) < self.config.required or now - window[-1].ts > self.config.max_age:
            return None
        risk = sorted((o.failure_prob for o in window), reverse=True)[self.config.required - 1]
        if risk < self.config.enter_threshold:
            return None
        trigger = next(o for o in reversed(window) if o.failure_prob >= risk)
        return Assessment(risk, trigger)

    def decide(
        self, *, recent: Sequence[Observation], tickets: MachineTickets, now: datetime
    ) -> Decision | None:
        """What to do about one machine now, given its recent predictions (any order) and its tickets."""
        assessment = self.assess(recent, now)
        if assessment is None:
            return None
        priority = self.priority_for(assessment.risk)
        trigger = assessment.trigger
        if tickets.open_priority is not None:
            # One open ticket per machine: a worse risk raises its priority, never lowers it.
            return Escalate(priority, trigger) if priority > tickets.open_priority else None
        if tickets.last_resolved_at is not None and now - tickets.last_resolved_at < self.config.cooldown:
            return None
        return OpenTicket(priority, trigger)
