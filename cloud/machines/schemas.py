"""What the API says about sites, lines and machines, and what engineers may send."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from cloud.text import Text
from cloud.timerange import UtcDatetime


class LatestReading(BaseModel):
    """The newest reading of a machine."""

    ts: UtcDatetime
    temperature: float | None
    vibration: float | None
    rpm: float | None


class LatestPrediction(BaseModel):
    """The newest model verdict on a machine."""

    ts: UtcDatetime
    failure_prob: float
    anomaly_score: float
    is_anomaly: bool
    model_version: str
    # The failure mode the model named for this window; None below its failure threshold or when the
    # model has no fault classifier.
    fault: str | None = None


class MachineRead(BaseModel):
    """A machine with its live state: online, newest reading and prediction, open tickets."""

    id: uuid.UUID
    name: str
    type: str
    location: str | None
    created_at: UtcDatetime
    gateway_id: str | None
    online: bool
    latest_reading: LatestReading | None
    latest_prediction: LatestPrediction | None
    open_tickets: int
    # The newest resolution of one of its tickets (a repair was sent): predictions older than this describe
    # the machine before the repair, so the dashboard marks them stale. None = never repaired.
    last_repair_at: UtcDatetime | None = None
    line_id: uuid.UUID | None
    line_name: str | None
    site_id: uuid.UUID | None
    site_name: str | None
    # Bound to its gateway when that gateway announced it, awaiting an engineer's approval.
    pending: bool = False
    # Fields an engineer set (name, type, location); the gateway's status no longer changes them.
    engineer_fields: list[str] = []


MAX_NAME = 200


def _trimmed_name(value: str) -> str:
    """``value`` without surrounding spaces; ValueError (a 422) when nothing is left."""
    value = value.strip()
    if not value:
        raise ValueError("a name must contain something other than spaces")
    return value


# Site and line names are unique per parent: surrounding spaces would make "L1" and "L1 " two lines.
PlaceName = Annotated[Text, Field(max_length=MAX_NAME), AfterValidator(_trimmed_name)]
# More sites or lines than any one person works at; bounds the request the assignment check reads.
MAX_AREAS = 200


class MachineCreate(BaseModel):
    """A machine registered by hand (gateways also register theirs from their status)."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=MAX_NAME)
    type: Text = Field(min_length=1, max_length=MAX_NAME)
    location: Text | None = Field(default=None, max_length=200)
    line_id: uuid.UUID | None = None
    gateway_id: Text | None = Field(default=None, min_length=1, max_length=200)


class MachineUpdate(BaseModel):
    """Changes to a machine; only the fields sent change (location and line_id may be set to null)."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    type: Text | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    location: Text | None = Field(default=None, max_length=200)
    line_id: uuid.UUID | None = None


class SiteRead(BaseModel):
    """A plant or building."""

    id: uuid.UUID
    name: str
    description: str | None
    created_at: UtcDatetime
    line_count: int


class SiteCreate(BaseModel):
    """A new site."""

    model_config = ConfigDict(extra="forbid")

    name: PlaceName
    description: Text | None = Field(default=None, max_length=2000)


class SiteUpdate(BaseModel):
    """Changes to a site; only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    name: PlaceName | None = None
    description: Text | None = Field(default=None, max_length=2000)


class LineRead(BaseModel):
    """A production line of a site."""

    id: uuid.UUID
    site_id: uuid.UUID
    site_name: str
    name: str
    created_at: UtcDatetime
    machine_count: int


class LineCreate(BaseModel):
    """A new line of a site."""

    model_config = ConfigDict(extra="forbid")

    site_id: uuid.UUID
    name: PlaceName


class LineUpdate(BaseModel):
    """Changes to a line (rename, or move to another site); only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    site_id: uuid.UUID | None = None
    name: PlaceName | None = None


class MachineRehome(BaseModel):
    """Move a machine to another gateway: from then on only that gateway may write for it."""

    model_config = ConfigDict(extra="forbid")

    gateway_id: Text = Field(min_length=1, max_length=200)


class MachineEventRead(BaseModel):
    """One entry of a machine's binding audit trail; ``actor_id`` is the engineer who acted."""

    id: int
    at: UtcDatetime
    actor_id: uuid.UUID | None
    kind: str
    data: dict[str, str | None]


class AreaRef(BaseModel):
    """A site or line a person belongs to, named so a page can show it without another request."""

    id: uuid.UUID
    name: str
    # The line's site; None for a site.
    site_id: uuid.UUID | None = None
    site_name: str | None = None


class UserAreas(BaseModel):
    """The sites and lines a person works at: automatic assignment prefers them (docs/ai-engine.md)."""

    user_id: uuid.UUID
    sites: list[AreaRef]
    lines: list[AreaRef]


class UserAreasUpdate(BaseModel):
    """The full set of sites and lines a person works at (replaces what was there; empty lists clear it)."""

    model_config = ConfigDict(extra="forbid")

    site_ids: list[uuid.UUID] = Field(default=[], max_length=MAX_AREAS)
    line_ids: list[uuid.UUID] = Field(default=[], max_length=MAX_AREAS)
