"""The ``predictions`` table: model verdicts keyed by the id the edge gave them."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import JSON, Base
from cloud.machines.models import Machine


class Prediction(Base):
    """One model verdict on one machine's window ending at ``timestamp``.

    Range-partitioned by ``timestamp`` (one partition per UTC day, see ``cloud.storage``), keyed by
    (id, timestamp) since a partitioned table's keys must hold the partition key.
    """

    __tablename__ = "predictions"
    __table_args__ = (
        sa.CheckConstraint("failure_prob >= 0 AND failure_prob <= 1", name="failure_prob_range"),
        sa.Index(None, "machine_id", "timestamp"),
        # The ticket engine reads new predictions by ingestion time (its watermark).
        sa.Index(None, "ingested_at"),
        # The gaps API reads one gateway's seqs in order (migration 0009).
        sa.Index(None, "gateway_id", "seq"),
        {"postgresql_partition_by": 'RANGE ("timestamp")'},
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    machine_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(Machine.id))
    timestamp: Mapped[datetime] = mapped_column(primary_key=True)
    failure_prob: Mapped[float]
    is_anomaly: Mapped[bool]
    anomaly_score: Mapped[float]
    model_version: Mapped[str]
    gateway_id: Mapped[str]
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    ingested_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    # The window features the model saw, so a ticket can say why.
    features: Mapped[JSON | None]
    # The failure mode the model named for a window at risk; NULL when it named none.
    fault: Mapped[str | None] = mapped_column(sa.String(64))
