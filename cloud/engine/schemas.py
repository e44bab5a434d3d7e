"""The ticket policy on the wire: its knobs in plain units (probabilities, seconds, hours)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cloud.engine.policy import PolicyConfig
from cloud.errors import InvalidRequestError

SECONDS_PER_HOUR = 3600.0
# Upper bounds far beyond any sensible policy; they keep durations inside what timedelta can hold.
MAX_SECONDS = 30 * 24 * 3600.0
MAX_HOURS = 24 * 365.0


class PolicyValues(BaseModel):
    """The knobs of the ticket policy; the same names as the ``MAINTAINX_ENGINE_*`` settings."""

    model_config = ConfigDict(extra="forbid")

    enter_threshold: float = Field(gt=0, le=1, description="a verdict at or above this counts as risky")
    exit_threshold: float = Field(gt=0, le=1, description="a resolved machine re-arms below this")
    required: int = Field(ge=1, le=1000, description="N: risky verdicts needed among the last M")
    window: int = Field(ge=1, le=1000, description="M: how many recent verdicts are looked at")
    max_age_s: float = Field(
        gt=0, le=MAX_SECONDS, description="older predictions never open or escalate a ticket"
    )
    cooldown_s: float = Field(gt=0, le=MAX_SECONDS, description="quiet time after a resolution")
    high_threshold: float = Field(gt=0, le=1, description="risk that makes a ticket HIGH")
    critical_threshold: float = Field(gt=0, le=1, description="risk that makes a ticket CRITICAL")
    horizon_h: float = Field(gt=0, le=MAX_HOURS, description="the model's horizon")
    high_ttf_h: float = Field(
        gt=0, le=MAX_HOURS, description="estimated time to failure that makes a ticket HIGH"
    )
    critical_ttf_h: float = Field(
        gt=0, le=MAX_HOURS, description="estimated time to failure that makes a ticket CRITICAL"
    )

    def check(self) -> None:
        """Raise InvalidRequestError naming the field when the knobs contradict each other."""
        rules = (
            (self.exit_threshold < self.enter_threshold, "exit_threshold", "must be below enter_threshold"),
            (self.required <= self.window, "required", "must not exceed window"),
            (
                self.enter_threshold <= self.high_threshold,
                "high_threshold",
                "must be at least enter_threshold",
            ),
            (self.high_threshold <= self.critical_threshold, "high_threshold", "must not exceed critical"),
            (self.high_ttf_h <= self.horizon_h, "high_ttf_h", "must not exceed horizon_h"),
            (self.critical_ttf_h <= self.high_ttf_h, "critical_ttf_h", "must not exceed high_ttf_h"),
        )
        for ok, field, message in rules:
            if not ok:
                raise InvalidRequestError(f"{field} {message}", loc=("body", field))

    def to_config(self) -> PolicyConfig:
        """The engine's ``PolicyConfig`` for these values (call ``check`` first)."""
        return PolicyConfig(
            enter_threshold=self.enter_threshold,
            exit_threshold=self.exit_threshold,
            required=self.required,
            window=self.window,
            max_age=timedelta(seconds=self.max_age_s),
            cooldown=timedelta(seconds=self.cooldown_s),
            high_threshold=self.high_threshold,
            critical_threshold=self.critical_threshold,
            horizon=timedelta(hours=self.horizon_h),
            high_ttf=timedelta(hours=self.high_ttf_h),
            critical_ttf=timedelta(hours=self.critical_ttf_h),
        )

    @classmethod
    def from_config(cls, config: PolicyConfig) -> PolicyValues:
        """The wire form of an engine ``PolicyConfig``."""
        return cls(
            enter_threshold=config.enter_threshold,
            exit_threshold=config.exit_threshold,
            required=config.required,
            window=config.window,
            max_age_s=config.max_age.total_seconds(),
            cooldown_s=config.cooldown.total_seconds(),
            high_threshold=config.high_threshold,
            critical_threshold=config.critical_threshold,
            horizon_h=config.horizon.total_seconds() / SECONDS_PER_HOUR,
            high_ttf_h=config.high_ttf.total_seconds() / SECONDS_PER_HOUR,
            critical_ttf_h=config.critical_ttf.total_seconds() / SECONDS_PER_HOUR,
        )


class PolicyRead(PolicyValues):
    """The effective policy: its values, where they come from, and who set them when."""

    model_config = ConfigDict(extra="ignore")

    source: Literal["settings", "database"]
    updated_at: datetime | None = None
    updated_by: uuid.UUID | None = None
