"""The ticket policy on the wire: its knobs in plain units (probabilities, seconds, hours)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from cloud.engine import knobs
from cloud.engine.policy import PolicyConfig
from cloud.errors import InvalidRequestError


def _knob(name: str) -> Any:
    return knobs.BY_NAME[name].field(with_default=False)


class PolicyValues(BaseModel):
    """The knobs of the ticket policy; bounds and descriptions from ``cloud.engine.knobs``."""

    model_config = ConfigDict(extra="forbid")

    enter_threshold: float = _knob("enter_threshold")
    exit_threshold: float = _knob("exit_threshold")
    required: int = _knob("required")
    window: int = _knob("window")
    max_age_s: float = _knob("max_age_s")
    cooldown_s: float = _knob("cooldown_s")
    high_threshold: float = _knob("high_threshold")
    critical_threshold: float = _knob("critical_threshold")
    horizon_h: float = _knob("horizon_h")
    high_ttf_h: float = _knob("high_ttf_h")
    critical_ttf_h: float = _knob("critical_ttf_h")

    def check(self) -> None:
        """Raise InvalidRequestError naming the field when the knobs contradict each other."""
        found = knobs.problem(self.model_dump())
        if found is not None:
            raise InvalidRequestError(found.for_api(), loc=("body", found.knob.name))

    def to_config(self) -> PolicyConfig:
        """The engine's ``PolicyConfig`` for these values (call ``check`` first)."""
        return PolicyConfig(**knobs.config_kwargs(self.model_dump()))  # type: ignore[arg-type]

    @classmethod
    def from_config(cls, config: PolicyConfig) -> PolicyValues:
        """The wire form of an engine ``PolicyConfig``."""
        return cls.model_validate(knobs.wire_values(config))


class KnobRead(BaseModel):
    """One knob as ``cloud.engine.knobs`` declares it, so a form can check a value before it is sent."""

    name: str
    unit: str
    description: str
    integer: bool
    # The lower bound is exclusive unless ``low_inclusive``; the upper bound is inclusive.
    low: float
    low_inclusive: bool
    high: float
    default: float
    env: str

    @classmethod
    def of(cls, knob: knobs.Knob) -> KnobRead:
        """The wire form of a declared knob."""
        return cls(
            name=knob.name,
            unit=knob.unit.value,
            description=knob.description,
            integer=knob.kind is int,
            low=knob.low,
            low_inclusive=knob.low_inclusive,
            high=knob.high,
            default=knob.default,
            env=knob.env,
        )


class PolicyRead(PolicyValues):
    """The effective policy: its values, where they come from, and who set them when."""

    model_config = ConfigDict(extra="ignore")

    source: Literal["settings", "database"]
    updated_at: datetime | None = None
    updated_by: uuid.UUID | None = None
