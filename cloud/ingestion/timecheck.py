"""The event-time check: what a gateway says happened when, held against the cloud's clock.

Event time comes from the edge (invariant 7), so a wrong gateway clock or a forged payload can carry any
time the contract can parse: year 1 to 9999 with any offset, some of which UTC cannot even represent
(``9999-12-31T23:59:59-01:00`` is year 10000 in UTC). Such a time must never reach PostgreSQL or Python
arithmetic. A representable time is judged against a window around the cloud's clock (``TimeWindow``):
too old or too far ahead is dead-lettered, old but inside the window is stored and counted as late.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import msgspec

from cloud.config import Settings
from contract.payloads import (
    DeploymentReport,
    GatewayStatus,
    Prediction,
    PredictionBatch,
    Reading,
    TelemetryBatch,
)

# A dead letter names at most this many refused records; the count says how many more there were.
_NAMED_AT_MOST = 5


class Verdict(enum.Enum):
    """Where one event time falls."""

    ON_TIME = "on_time"
    LATE = "late"
    OUTSIDE = "outside"


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """The plausible event times around ``now`` (settings ``MAINTAINX_INGEST_MAX_AGE_S`` and friends)."""

    max_age: timedelta = timedelta(days=30)
    max_ahead: timedelta = timedelta(minutes=5)
    late_after: timedelta = timedelta(hours=1)

    @classmethod
    def from_settings(cls, settings: Settings) -> TimeWindow:
        """The window the cloud settings describe."""
        return cls(
            max_age=timedelta(seconds=settings.ingest_max_age_s),
            max_ahead=timedelta(seconds=settings.ingest_max_ahead_s),
            late_after=timedelta(seconds=settings.ingest_late_after_s),
        )

    def bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """The oldest and the newest event time accepted at ``now``."""
        return now - self.max_age, now + self.max_ahead

    def describe(self, now: datetime) -> str:
        """The window at ``now`` in words, for dead letters and logs."""
        low, high = self.bounds(now)
        return (
            f"{_iso(low)} .. {_iso(high)} (MAINTAINX_INGEST_MAX_AGE_S={_seconds(self.max_age)}, "
            f"MAINTAINX_INGEST_MAX_AHEAD_S={_seconds(self.max_ahead)})"
        )

    def judge(self, ts: datetime, now: datetime) -> Verdict:
        """Whether ``ts`` is on time, late (stored, counted) or outside the window (dead-lettered)."""
        utc = as_utc(ts)
        if utc is None:
            return Verdict.OUTSIDE
        low, high = self.bounds(now)
        if not low <= utc <= high:
            return Verdict.OUTSIDE
        return Verdict.LATE if now - utc > self.late_after else Verdict.ON_TIME


def as_utc(value: datetime) -> datetime | None:
    """``value`` in UTC, or None when UTC cannot represent it (year 10000 or year 0 after conversion)."""
    if value.tzinfo is UTC:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


def pg_time(ts: datetime) -> str:
    """``ts`` as PostgreSQL takes it: in UTC, for it refuses offsets beyond ±15:59 that RFC 3339 allows.

    Routing has refused every time UTC cannot represent, so the conversion cannot overflow here.
    """
    return (ts if ts.tzinfo is UTC else ts.astimezone(UTC)).isoformat()


def clock_offset_s(sent_at: datetime, received_at: datetime) -> float | None:
    """How far the sender's clock runs ahead of ours (negative: behind), less transit; None if unknowable."""
    sent = as_utc(sent_at)
    return None if sent is None else (sent - received_at).total_seconds()


def status_time_problem(
    status: GatewayStatus | DeploymentReport, now: datetime, window: TimeWindow | None
) -> str | None:
    """Why a status or deployment report cannot be taken at ``now`` because of its time, or None.

    Only a time ahead of the window is refused: an old status or report (a retained copy redelivered to a
    restarted worker, a last will stamped when its gateway connected weeks ago) is true and harmless, since
    the stored state wins over an older one; refusing it would dead-letter it again on every restart. One
    from the future would win over every later one, so it is refused.
    """
    what = "status" if isinstance(status, GatewayStatus) else "report"
    utc = as_utc(status.ts)
    if utc is None:
        return f"{what} ts {status.ts.isoformat()} is not representable in UTC (years 1 to 9999)"
    if window is not None and utc > window.bounds(now)[1]:
        return f"{what} ts {status.ts.isoformat()} is ahead of the accepted window {window.describe(now)}"
    return None


@dataclass(frozen=True, slots=True)
class Screened:
    """A message body after the time check: what may be stored, how much of it is late, what is refused."""

    body: TelemetryBatch | PredictionBatch | GatewayStatus | DeploymentReport | None
    late: int = 0
    problem: str | None = None


def screen(
    body: TelemetryBatch | PredictionBatch | GatewayStatus | DeploymentReport,
    now: datetime,
    window: TimeWindow | None,
) -> Screened:
    """Split ``body`` into the records whose time can be stored and a reason naming those that cannot.

    With no window only unrepresentable times are refused (tools and tests that replay fixed times).
    """
    if isinstance(body, GatewayStatus | DeploymentReport):
        problem = status_time_problem(body, now, window)
        return Screened(None if problem else body, 0, problem)
    rows: Sequence[Reading | Prediction] = (
        body.readings if isinstance(body, TelemetryBatch) else body.predictions
    )
    verdicts: dict[datetime, Verdict] = {}  # readings of one message often share their time
    kept: list[Reading | Prediction] = []
    refused: list[Reading | Prediction] = []
    late = 0
    for row in rows:
        verdict = verdicts.get(row.ts)
        if verdict is None:
            verdict = verdicts[row.ts] = _judge(row.ts, now, window)
        if verdict is Verdict.OUTSIDE:
            refused.append(row)
            continue
        kept.append(row)
        late += verdict is Verdict.LATE
    if not refused:
        return Screened(body, late)
    problem = _describe_refused(refused, len(rows), now, window)
    if not kept:
        return Screened(None, 0, problem)
    if isinstance(body, TelemetryBatch):
        return Screened(msgspec.structs.replace(body, readings=kept), late, problem)
    return Screened(msgspec.structs.replace(body, predictions=kept), late, problem)


def _judge(ts: datetime, now: datetime, window: TimeWindow | None) -> Verdict:
    if window is not None:
        return window.judge(ts, now)
    return Verdict.OUTSIDE if as_utc(ts) is None else Verdict.ON_TIME


def _describe_refused(
    refused: Sequence[Reading | Prediction], total: int, now: datetime, window: TimeWindow | None
) -> str:
    kind = "reading" if isinstance(refused[0], Reading) else "prediction"
    named = "; ".join(
        f"{kind} {r.id} (machine {r.machine_id}, seq {r.seq}) at {r.ts.isoformat()}"
        for r in refused[:_NAMED_AT_MOST]
    )
    more = f"; and {len(refused) - _NAMED_AT_MOST} more" if len(refused) > _NAMED_AT_MOST else ""
    allowed = window.describe(now) if window is not None else "years 1 to 9999 in UTC"
    window_text = f"outside the accepted event-time window {allowed}"
    return f"{len(refused)} of {total} {kind}s {window_text}: {named}{more}"


def _iso(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _seconds(span: timedelta) -> str:
    seconds = span.total_seconds()
    return f"{seconds:.0f}" if seconds.is_integer() else f"{seconds:.3f}"
