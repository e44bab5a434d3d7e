"""API shapes of the registry: versions, aliases, rollouts with per-gateway state, run history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cloud.text import Text


class ModelVersionOut(BaseModel):
    """A registered model version."""

    model_config = ConfigDict(from_attributes=True)

    serial: int = Field(validation_alias="id")
    version: str
    name: str
    sha256: str
    size: int
    metrics: dict[str, Any]
    parity: dict[str, Any]
    training_data: dict[str, Any]
    # The manifest's input (with its features and window) and outputs, as registration derived them from
    # the one manifest type (contract.manifest.ModelManifest); the whole manifest stays in the database.
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    signed: bool
    key_id: str | None
    expires_at: datetime | None
    created_at: datetime
    aliases: list[str] = []


class AliasIn(BaseModel):
    """Point an alias at a version."""

    version: Text = Field(min_length=1, max_length=200)


class RolloutTargetOut(BaseModel):
    """One gateway in a rollout and what it last reported."""

    model_config = ConfigDict(from_attributes=True)

    gateway_id: str
    stage: int
    state: str
    serving: str | None
    detail: str | None
    shadow: dict[str, Any] | None
    updated_at: datetime


class DeploymentOut(RolloutTargetOut):
    """One rollout as one gateway saw it."""

    rollout_id: uuid.UUID
    version: str
    mode: str
    rollout_state: str


class RolloutOut(BaseModel):
    """A rollout and its gateways."""

    id: uuid.UUID
    version: str
    mode: str
    target: str
    stages: list[float]
    stage: int
    state: str
    created_at: datetime
    gateways: list[RolloutTargetOut]


class ModelRunOut(BaseModel):
    """A span of time one version served on one gateway."""

    model_config = ConfigDict(from_attributes=True)

    gateway_id: str
    version: str
    started_at: datetime
    ended_at: datetime | None


class RolloutSummaryOut(BaseModel):
    """A rollout in a list: where it stands and how many gateways report each state."""

    id: uuid.UUID
    version: str
    mode: str
    target: str
    stages: list[float]
    stage: int
    state: str
    created_at: datetime
    counts: dict[str, int]


class RolloutPage(BaseModel):
    """One page of rollouts, newest first."""

    items: list[RolloutSummaryOut]
    total: int
    limit: int
    offset: int


class TargetIn(BaseModel):
    """Which gateways a rollout goes to: a group, a tag, or all of them."""

    key: Literal["group", "tag", "all"]
    value: Text | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _value_matches_key(self) -> TargetIn:
        if (self.key == "all") != (self.value is None):
            raise ValueError("a group or tag target needs a value; 'all' takes none")
        return self


class RolloutIn(BaseModel):
    """Start a rollout of a signed version."""

    ref: Text = Field(min_length=1, max_length=200, description="a version or an alias")
    target: TargetIn
    stages: list[float] | None = Field(
        default=None, min_length=1, max_length=10, description="rising shares in (0, 1], ending at 1"
    )
    mode: Literal["deploy", "shadow"] = "deploy"
    latency_budget_ms: float | None = Field(default=None, gt=0, le=60_000)


class AdvanceIn(BaseModel):
    """Move a rollout to its next stage; ``force`` skips the gate."""

    force: bool = False


class RollbackIn(BaseModel):
    """Stop a rollout and send its gateways back to ``to`` (default: the champion)."""

    to: Text | None = Field(default=None, min_length=1, max_length=200)
