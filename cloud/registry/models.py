"""Registry tables: model versions, aliases, rollouts and their per-gateway state, labels, run history."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import JSON, Base


class ModelVersion(Base):
    """One registered model; ``id`` is the serial the signed manifest carries (it only grows)."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(sa.Integer, sa.Identity(), primary_key=True)
    version: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    sha256: Mapped[str]
    size: Mapped[int] = mapped_column(sa.BigInteger)
    manifest: Mapped[JSON]
    metrics: Mapped[JSON] = mapped_column(server_default=sa.text("'{}'::jsonb"))
    parity: Mapped[JSON] = mapped_column(server_default=sa.text("'{}'::jsonb"))
    training_data: Mapped[JSON] = mapped_column(server_default=sa.text("'{}'::jsonb"))
    input_schema: Mapped[JSON] = mapped_column(server_default=sa.text("'{}'::jsonb"))
    output_schema: Mapped[JSON] = mapped_column(server_default=sa.text("'{}'::jsonb"))
    envelope: Mapped[str | None]
    key_id: Mapped[str | None]
    signed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class ModelAlias(Base):
    """A movable name (champion, challenger, …) pointing at one version."""

    __tablename__ = "model_aliases"

    alias: Mapped[str] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("model_versions.id"))
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class GatewayLabel(Base):
    """A group or tag a rollout can target; a gateway has one group and any number of tags."""

    __tablename__ = "gateway_labels"

    gateway_id: Mapped[str] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(primary_key=True)  # "group" or "tag"
    value: Mapped[str] = mapped_column(primary_key=True)


class Rollout(Base):
    """A version going out to the gateways a target selects, stage by stage (canary share → all)."""

    __tablename__ = "rollouts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("model_versions.id"))
    mode: Mapped[str] = mapped_column(server_default="deploy")  # deploy | shadow
    target_key: Mapped[str]  # group | tag | all
    target_value: Mapped[str | None]
    stages: Mapped[list[float]] = mapped_column(sa.JSON)
    stage: Mapped[int] = mapped_column(sa.Integer, server_default=sa.text("0"))
    state: Mapped[str] = mapped_column(server_default="active")  # active | completed | rolled_back
    pinned: Mapped[bool] = mapped_column(server_default=sa.false())
    latency_budget_ms: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class RolloutTarget(Base):
    """One gateway in a rollout: the stage that reached it and the last state it reported."""

    __tablename__ = "rollout_targets"

    rollout_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("rollouts.id"), primary_key=True)
    gateway_id: Mapped[str] = mapped_column(primary_key=True)
    stage: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[str] = mapped_column(server_default="notified")
    serving: Mapped[str | None]
    detail: Mapped[str | None]
    shadow: Mapped[JSON | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class GatewayModelRun(Base):
    """Which version ran on which gateway, from when until when (filled by a trigger on ``gateways``)."""

    __tablename__ = "gateway_model_runs"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    gateway_id: Mapped[str] = mapped_column(index=True)
    version: Mapped[str]
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
