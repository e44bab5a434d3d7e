"""The ``sensor_data`` table: readings keyed by the id the edge gave them, so duplicates collapse."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import Base
from cloud.machines.models import Machine


class SensorData(Base):
    """One reading of one machine's sensors."""

    __tablename__ = "sensor_data"
    __table_args__ = (
        sa.Index(None, "machine_id", "timestamp"),
        # Gap detection: a missing seq of a gateway's stream is a lost message.
        sa.Index(None, "gateway_id", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    machine_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(Machine.id))
    timestamp: Mapped[datetime]
    temperature: Mapped[float | None]
    vibration: Mapped[float | None]
    rpm: Mapped[float | None]
    gateway_id: Mapped[str]
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    ingested_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
