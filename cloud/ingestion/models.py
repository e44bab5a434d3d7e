"""Ingestion's own tables: ``dead_letters`` (refused messages) and ``ingestion_workers`` (heartbeats)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import Base


class DeadLetter(Base):
    """A message ingestion refused, kept with its topic, reason and raw bytes for inspection or replay."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)  # BIGSERIAL
    received_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    topic: Mapped[str]
    reason: Mapped[str]
    detail: Mapped[str]
    payload: Mapped[bytes] = mapped_column(sa.LargeBinary)


class IngestionWorker(Base):
    """The heartbeat of one ingestion process, upserted every few seconds and read by /api/health."""

    __tablename__ = "ingestion_workers"

    worker_id: Mapped[str] = mapped_column(primary_key=True)
    broker_connected: Mapped[bool] = mapped_column(server_default=sa.false())
    last_commit_at: Mapped[datetime | None]
    # Event time (from the edge) of the newest reading this worker committed: lag = now - this.
    newest_event_ts: Mapped[datetime | None]
    rows_committed: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"))
    dead_letters: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"))
    heartbeat_at: Mapped[datetime]
