"""The ticket engine's loop: read newly ingested predictions, ask the policy, open or escalate tickets.

Stateless between ticks apart from a watermark in ``engine_state``: each tick finds the machines with
predictions ingested since the watermark, reads each one's last M predictions by event time from the
(machine_id, timestamp) index, and applies the policy's decisions in one transaction. A restart, a second
engine or out-of-order arrivals therefore cannot make it forget or double anything; the partial unique index
on open tickets settles a race between two engines. A new ticket is assigned to a technician, carries its
"why" (model version, drivers against the machine type's baseline, feature snapshot). Tickets and their
events (created, assigned, priority; no actor) are written by ``cloud.tickets.system`` (with
``cloud.tickets.service``, the one writer of tickets).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from cloud.config import Settings
from cloud.db import make_engine, session_factory
from cloud.engine.assign import choose_technician
from cloud.engine.explain import deviations, type_baseline
from cloud.engine.policy import (
    Escalate,
    MachineTickets,
    Observation,
    OpenTicket,
    TicketPolicy,
    fault_to_decide,
)
from cloud.engine.settings import policy_config
from cloud.engine.signals import reading_trends, signal_drivers
from cloud.engine.state import TicketKey, read_ticket_state
from cloud.engine.store import effective_config
from cloud.gateways.models import Gateway
from cloud.ingestion.timecheck import TimeWindow
from cloud.machines.models import Machine
from cloud.metrics import observe_tick
from cloud.pm.runner import PmRunner, pm_settings
from cloud.predictions.models import Prediction
from cloud.tickets import system
from cloud.tickets.models import EngineState, TicketPriority

logger = logging.getLogger(__name__)

ENGINE_NAME = "ticket_engine"
TICK_S = 1.0
# Ingestion stamps ingested_at at transaction start, so a long batch can commit after a shorter, later one:
# each tick looks this far behind the watermark again (re-evaluating a machine is harmless).
OVERLAP = timedelta(seconds=5)
# After a database error, wait before trying again instead of spinning.
ERROR_BACKOFF_S = 5.0
# How stale the policy may be: a change made through the API takes effect within this long, no restart.
POLICY_RELOAD_S = 5.0


@dataclass(frozen=True, slots=True)
class TickResult:
    """What one tick did."""

    evaluated: int = 0
    opened: int = 0
    escalated: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


class TicketEngine:
    """Applies a ``TicketPolicy`` to the predictions in the database, one tick at a time."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        policy: TicketPolicy | None = None,
        clock: Callable[[], datetime] = _now,
        policy_reload_s: float | None = None,
        window: TimeWindow | None = None,
    ) -> None:
        """``policy_reload_s``: re-read the policy stored through the API this often (None: never).

        ``window``: the event times ingestion accepts; predictions outside it (stored before event times
        were checked) are never read, so a future-dated row cannot hide the present ones.
        """
        self._window = window or TimeWindow()
        self._sessions = sessions
        self.policy = policy or TicketPolicy()
        self._clock = clock
        # The settings' policy: what applies while no policy is stored in the database.
        self._defaults = self.policy.config
        self._reload_s = policy_reload_s
        self._loaded_at: float | None = None

    def _reload_policy(self, session: Session) -> None:
        if self._reload_s is None:
            return
        now = time.monotonic()
        if self._loaded_at is not None and now - self._loaded_at < self._reload_s:
            return
        self._loaded_at = now
        config = effective_config(session, self._defaults)
        if config != self.policy.config:
            logger.info("ticket policy now %s", config)
            self.policy = TicketPolicy(config)

    def tick(self) -> TickResult:
        """Evaluate every machine with new predictions and apply the decisions; one transaction."""
        now = self._clock()
        with self._sessions.begin() as session:
            self._reload_policy(session)
            watermark = session.execute(
                sa.select(EngineState.watermark).where(EngineState.name == ENGINE_NAME)
            ).scalar()
            # First run: nothing older than max_age could open a ticket anyway.
            since = watermark - OVERLAP if watermark is not None else now - self.policy.config.max_age
            touched = dict(
                session.execute(
                    sa.select(Prediction.machine_id, sa.func.max(Prediction.ingested_at))
                    .where(Prediction.ingested_at > since)
                    .group_by(Prediction.machine_id)
                ).all()
            )
            if not touched:
                return TickResult()
            result = self._evaluate(session, list(touched), now)
            newest = max(touched.values())
            if watermark is None or newest > watermark:
                self._save_watermark(session, newest)
            return result

    def _evaluate(self, session: Session, machine_ids: list[uuid.UUID], now: datetime) -> TickResult:
        recent = self._recent(session, machine_ids, now)
        state = read_ticket_state(session, machine_ids, self.policy.config.exit_threshold)
        machines = {
            row.id: row
            for row in session.execute(
                sa.select(Machine.id, Machine.name, Machine.type, Machine.location, Machine.line_id).where(
                    Machine.id.in_(machine_ids)
                )
            )
        }
        opened = escalated = 0
        for machine_id in machine_ids:
            try:
                # A savepoint per machine: a stored value that trips the policy or the database (whatever a
                # gateway sent) skips that machine, logged, instead of failing every tick for every machine.
                with session.begin_nested():
                    done = self._decide(session, machine_id, recent.get(machine_id, []), state, machines, now)
            except OperationalError:
                raise
            except Exception:
                logger.exception("ticket engine skipped machine %s in this tick", machine_id)
                continue
            opened, escalated = opened + done[0], escalated + done[1]
        return TickResult(evaluated=len(machine_ids), opened=opened, escalated=escalated)

    def _decide(
        self,
        session: Session,
        machine_id: uuid.UUID,
        window: list[Observation],
        state: dict[TicketKey, tuple[uuid.UUID | None, MachineTickets]],
        machines: dict[uuid.UUID, Any],
        now: datetime,
    ) -> tuple[int, int]:
        """Apply the policy to one machine; return (tickets opened, tickets escalated)."""
        open_faults = [f for (m, f), (ticket_id, _) in state.items() if m == machine_id and ticket_id]
        fault = fault_to_decide(window, self.policy.config.enter_threshold, open_faults)
        open_id, tickets = state.get((machine_id, fault), (None, MachineTickets()))
        decision = self.policy.decide(recent=window, tickets=tickets, now=now)
        if isinstance(decision, OpenTicket):
            return self._open(session, machines[machine_id], decision, now), 0
        if isinstance(decision, Escalate) and open_id is not None and tickets.open_priority is not None:
            system.escalate(
                db_session=session,
                ticket_id=open_id,
                from_priority=TicketPriority[tickets.open_priority.name],
                to=TicketPriority[decision.priority.name],
                risk=decision.risk,
                prediction_ts=decision.trigger.ts,
                at=now,
            )
            logger.info("ticket %s escalated to %s", open_id, decision.priority.name)
            return 0, 1
        return 0, 0

    def _recent(
        self, session: Session, machine_ids: list[uuid.UUID], now: datetime
    ) -> dict[uuid.UUID, list[Observation]]:
        # One array parameter, not a VALUES list: the statement text stays the same, so it is cached. Rows
        # come back tagged with the id's position in the array (ordinality), which is cheaper than a UUID.
        ids = (
            sa.func.unnest(sa.bindparam("ids", machine_ids, type_=postgresql.ARRAY(Machine.id.type)))
            .table_valued(sa.column("id", Machine.id.type), with_ordinality="n")
            .render_derived(name="touched")
        )
        last = (
            sa.select(
                Prediction.timestamp,
                Prediction.failure_prob,
                Prediction.anomaly_score,
                Prediction.model_version,
                Prediction.features,
                Prediction.fault,
                Prediction.ingested_at,
                Gateway.clock_offset_s,
            )
            .outerjoin(Gateway, Gateway.id == Prediction.gateway_id)
            .where(
                Prediction.machine_id == ids.c.id,
                Prediction.timestamp.between(*self._window.bounds(now)),
            )
            .order_by(Prediction.timestamp.desc())
            .limit(self.policy.config.window)
            .lateral("last")
        )
        out: dict[uuid.UUID, list[Observation]] = {}
        for row in session.execute(sa.select(ids.c.n, last).select_from(ids).join(last, sa.true())):
            out.setdefault(machine_ids[row.n - 1], []).append(
                Observation(
                    row.timestamp,
                    row.failure_prob,
                    row.anomaly_score,
                    row.model_version,
                    row.features,
                    row.fault,
                    row.ingested_at,
                    self._offset(row.clock_offset_s),
                )
            )
        return out

    def _offset(self, seconds: float | None) -> timedelta:
        """A gateway's measured clock offset, bounded by the window: a clock further off than ingestion
        accepts event times from cannot have sent the rows being judged."""
        low, high = -self._window.max_age.total_seconds(), self._window.max_ahead.total_seconds()
        return timedelta(seconds=min(max(seconds or 0.0, low), high))

    def _open(self, session: Session, machine: Any, decision: OpenTicket, now: datetime) -> int:
        baseline = type_baseline(session, machine.type, self.policy.config.exit_threshold)
        drivers = deviations(decision.trigger.features, baseline)
        trends = reading_trends(session, machine.id, decision.trigger.ts)
        reason = decision.trigger.reason() | {
            "fault": decision.fault,
            "confirmed_risk": round(decision.risk, 4),
            "policy": {
                "enter": self.policy.config.enter_threshold,
                "n_of_m": [self.policy.config.required, self.policy.config.window],
            },
            "drivers": drivers,
            "signals": signal_drivers(drivers, decision.trigger.features, baseline, trends),
            "baseline": {"machine_type": machine.type, "predictions": baseline.samples},
            # The model answers "failure within the horizon?": the failure is expected by now + horizon.
            "horizon_s": self.policy.config.horizon.total_seconds(),
        }
        technician = choose_technician(session, machine.location, machine.line_id)
        title = decision.title(machine.name)
        ticket_id = system.open_predictive(
            db_session=session,
            machine_id=machine.id,
            title=title,
            priority=TicketPriority[decision.priority.name],
            fault=decision.fault,
            reason=reason,
            model_version=decision.trigger.model_version,
            risk=decision.risk,
            technician=technician,
            at=now,
        )
        if ticket_id is None:
            return 0
        logger.info("ticket opened: %s (%s)", title, decision.priority.name)
        return 1

    def _save_watermark(self, session: Session, watermark: datetime) -> None:
        statement = insert(EngineState).values(
            name=ENGINE_NAME, watermark=watermark, updated_at=sa.func.now()
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[EngineState.name],
                set_={"watermark": statement.excluded.watermark, "updated_at": statement.excluded.updated_at},
            )
        )


def run_engine(settings: Settings, stop: threading.Event | None = None) -> None:
    """Run the ticket engine until ``stop`` is set (or SIGTERM / SIGINT when no event is given)."""
    if stop is None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    engine = make_engine(settings.resolved_database_url())
    sessions = session_factory(engine)
    ticket_engine = TicketEngine(
        sessions,
        TicketPolicy(policy_config(settings)),
        policy_reload_s=POLICY_RELOAD_S,
        window=TimeWindow.from_settings(settings),
    )
    # Preventive maintenance runs in the same loop, on its own (slower) beat and transaction.
    pm = PmRunner(sessions, pm_settings(settings), settings.pm_tick_s)
    logger.info("ticket engine started (policy %s)", ticket_engine.policy.config)
    try:
        while not stop.is_set():
            try:
                result = ticket_engine.tick()
            except SQLAlchemyError as exc:
                logger.warning("ticket engine tick failed, retrying in %ss: %s", ERROR_BACKOFF_S, exc)
                stop.wait(ERROR_BACKOFF_S)
                continue
            except Exception:
                # Not the database: a bug a stored value triggers. The engine stays up and tries again.
                logger.exception("ticket engine tick failed, retrying in %ss", ERROR_BACKOFF_S)
                stop.wait(ERROR_BACKOFF_S)
                continue
            observe_tick(result.evaluated, result.opened, result.escalated)
            pm.maybe_run()
            if result.opened or result.escalated:
                logger.info("tick: %s", result)
            stop.wait(TICK_S)
    finally:
        engine.dispose()
        logger.info("ticket engine stopped")
