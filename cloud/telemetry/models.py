"""``sensor_data``: readings keyed by the edge's id, partitioned by day; its 1-minute and 1-hour roll-ups."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import Base
from cloud.machines.models import Machine


class SensorData(Base):
    """One reading of one machine's sensors.

    Range-partitioned by ``timestamp`` (one partition per UTC day, see ``cloud.storage``); the key is
    (id, timestamp) because a partitioned table's keys must hold the partition key. Insert through this
    table, never into a partition directly: the roll-up trigger sits on the parent.
    """

    __tablename__ = "sensor_data"
    __table_args__ = (
        sa.Index(None, "machine_id", "timestamp"),
        # Gap detection: a missing seq of a gateway's stream is a lost message.
        sa.Index(None, "gateway_id", "seq"),
        {"postgresql_partition_by": 'RANGE ("timestamp")'},
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    machine_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(Machine.id))
    timestamp: Mapped[datetime] = mapped_column(primary_key=True)
    temperature: Mapped[float | None]
    vibration: Mapped[float | None]
    rpm: Mapped[float | None]
    gateway_id: Mapped[str]
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    ingested_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class _Rollup:
    """Per machine and time bucket: how many readings, and count / sum / min / max of each signal.

    Counts and sums (not averages) are stored so that buckets merge exactly: avg = sum / count.
    """

    machine_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bucket: Mapped[datetime] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger)
    temperature_count: Mapped[int] = mapped_column(sa.BigInteger)
    temperature_sum: Mapped[float]
    temperature_min: Mapped[float | None]
    temperature_max: Mapped[float | None]
    vibration_count: Mapped[int] = mapped_column(sa.BigInteger)
    vibration_sum: Mapped[float]
    vibration_min: Mapped[float | None]
    vibration_max: Mapped[float | None]
    rpm_count: Mapped[int] = mapped_column(sa.BigInteger)
    rpm_sum: Mapped[float]
    rpm_min: Mapped[float | None]
    rpm_max: Mapped[float | None]


class SensorRollup1m(_Rollup, Base):
    """Readings rolled up per machine and UTC minute (kept by the ``sensor_data_rollup`` trigger)."""

    __tablename__ = "sensor_rollup_1m"


class SensorRollup1h(_Rollup, Base):
    """Readings rolled up per machine and UTC hour (kept by the ``sensor_data_rollup`` trigger)."""

    __tablename__ = "sensor_rollup_1h"
