"""What changed in the database since the last look: the newest prediction per machine, changed tickets
and gateways.

Polling, not LISTEN/NOTIFY: notifications would need triggers on ``predictions`` (written by COPY at tens of
thousands of rows per second) or changes to ingestion and the engine; one poll per second by one task per
API process costs three indexed queries whatever the number of viewers. Rows are stamped with ``now()``,
the start of their writer's transaction, so a row can become visible after newer stamps: each poll looks
``OVERLAP`` back and remembers what it sent, so nothing is missed and nothing is sent twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session, sessionmaker

from cloud.gateways import service as gateways
from cloud.gateways.models import Gateway
from cloud.predictions.models import Prediction
from cloud.tickets import queries as tickets
from cloud.tickets.models import MaintenanceTicket
from cloud.timerange import to_utc

K = TypeVar("K")

# Longer than any ingestion or API transaction that stamps rows (ingestion flushes every 0.2 s).
OVERLAP = timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class Change:
    """One stream event: its SSE name and JSON payload."""

    event: str
    data: dict[str, Any]


class ChangeFeed:
    """Tracks what it has reported; ``poll()`` returns what changed since the previous call."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._since: datetime | None = None
        # What was sent, with the poll that sent it: machine -> event time of its last prediction,
        # ticket -> updated_at, gateway -> updated_at.
        self._predictions: dict[uuid.UUID, tuple[datetime, datetime]] = {}
        self._tickets: dict[uuid.UUID, tuple[datetime, datetime]] = {}
        self._gateways: dict[str, tuple[datetime, datetime]] = {}
        self._now = datetime.min

    def reset(self) -> None:
        """Start from now: report only what changes from here on."""
        with self._sessions() as db:
            self._since = db.scalar(sa.select(sa.func.now()))
        self._predictions.clear()
        self._tickets.clear()
        self._gateways.clear()

    def poll(self) -> list[Change]:
        """Changes since the previous poll (or reset), oldest kinds first: gateways, predictions, tickets."""
        if self._since is None:
            self.reset()
        assert self._since is not None
        with self._sessions() as db:
            now = db.scalar(sa.select(sa.func.now()))
            assert now is not None
            self._now = now
            after = self._since - OVERLAP
            changes = self._gateway_changes(db, after) + self._prediction_changes(db, after)
            changes += self._ticket_changes(db, after)
        self._since = now
        self._forget_before(now - 2 * OVERLAP)
        return changes

    def _prediction_changes(self, db: Session, after: datetime) -> list[Change]:
        # The newest prediction per machine only: a dashboard redraws a risk, it does not need every one.
        query = (
            sa.select(Prediction)
            .where(Prediction.ingested_at > after)
            .ext(distinct_on(Prediction.machine_id))
            .order_by(Prediction.machine_id, Prediction.timestamp.desc())
        )
        changes = []
        for p in db.scalars(query):
            sent = self._predictions.get(p.machine_id)
            if sent is not None and p.timestamp <= sent[0]:
                continue
            self._predictions[p.machine_id] = (p.timestamp, self._now)
            data = {
                "machine_id": str(p.machine_id),
                "ts": _iso(p.timestamp),
                "failure_prob": p.failure_prob,
                "anomaly_score": p.anomaly_score,
                "is_anomaly": p.is_anomaly,
                "model_version": p.model_version,
                "fault": p.fault,
            }
            changes.append(Change("prediction", data))
        return changes

    def _ticket_changes(self, db: Session, after: datetime) -> list[Change]:
        query = tickets.select_tickets().where(MaintenanceTicket.updated_at > after)
        changes = []
        for row in db.execute(query.order_by(MaintenanceTicket.updated_at)):
            ticket: MaintenanceTicket = row[0]
            sent = self._tickets.get(ticket.id)
            if sent is not None and sent[0] == ticket.updated_at:
                continue
            self._tickets[ticket.id] = (ticket.updated_at, self._now)
            changes.append(Change("ticket", tickets.to_schema(*row).model_dump(mode="json")))
        return changes

    def _gateway_changes(self, db: Session, after: datetime) -> list[Change]:
        query = gateways.select_gateways().where(Gateway.updated_at > after)
        changes = []
        for gateway, count, pending in db.execute(query):
            sent = self._gateways.get(gateway.id)
            if sent is not None and sent[0] == gateway.updated_at:
                continue
            self._gateways[gateway.id] = (gateway.updated_at, self._now)
            changes.append(
                Change("gateway", gateways.to_schema(gateway, count, pending).model_dump(mode="json"))
            )
        return changes

    def _forget_before(self, horizon: datetime) -> None:
        # Entries sent before the look-back can no longer be seen twice; dropping them bounds memory.
        _forget(self._predictions, horizon)
        _forget(self._tickets, horizon)
        _forget(self._gateways, horizon)


def _forget(seen: dict[K, tuple[datetime, datetime]], horizon: datetime) -> None:
    for key in [key for key, (_, sent_at) in seen.items() if sent_at < horizon]:
        del seen[key]


def _iso(value: datetime) -> str:
    return to_utc(value).isoformat().replace("+00:00", "Z")
