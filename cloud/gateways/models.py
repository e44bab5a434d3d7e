"""The ``gateways`` table: one row per gateway, upserted from its retained status message."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import JSON, Base


class Gateway(Base):
    """A gateway and the status it last reported."""

    __tablename__ = "gateways"

    id: Mapped[str] = mapped_column(primary_key=True)
    online: Mapped[bool] = mapped_column(server_default=sa.false())
    last_seen: Mapped[datetime | None]
    agent_version: Mapped[str | None]
    model_version: Mapped[str | None]
    outbox_depth: Mapped[int] = mapped_column(sa.Integer, server_default=sa.text("0"))
    # Readings the gateway dropped by policy (e.g. outbox full), by reason: counted, never silent.
    dropped: Mapped[JSON] = mapped_column(server_default=sa.text("'{}'::jsonb"))
    last_error: Mapped[str | None]
    # The broker connection its newest status came on: a last will counts only if it names this one.
    session: Mapped[str | None]
    # Rows (readings, predictions, status entries) it sent for machines of other gateways: dead-lettered.
    foreign_rows: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"))
    # How far the gateway's clock runs ahead of the cloud's (negative: behind), measured from its batches'
    # sent_at (cloud.ingestion.clock), and when last measured; the window columns are how it is kept.
    clock_offset_s: Mapped[float | None]
    clock_offset_at: Mapped[datetime | None]
    clock_window_max_s: Mapped[float | None]
    clock_window_start: Mapped[datetime | None]
    # Rows stored although their event time was older than MAINTAINX_INGEST_LATE_AFTER_S on arrival.
    late_rows: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"))
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
