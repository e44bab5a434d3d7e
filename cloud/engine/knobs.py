"""The ticket policy's knobs, declared once: name, type, bounds, unit, description and environment variable.

Every other form derives from this table: the ``MAINTAINX_ENGINE_*`` settings (``cloud.config.Settings``),
the engine's ``PolicyConfig`` (durations as timedeltas), the API's ``PolicyValues`` and the JSON stored in
``engine_policy``. A value one of them accepts, all of them accept: before this table they disagreed (a
cooldown of 0 passed the settings, then the API's model refused it, so ``GET /api/policy`` answered 500 and
the engine died on its first tick). Zero is refused for every knob: a threshold, duration or horizon of 0
either disables the rule it belongs to or makes it fire on everything, which no policy means to do.
Durations have a floor (one second, or 0.01 h), not just "above 0": a timedelta keeps microseconds, so a
smaller value would become a zero duration on its way into ``PolicyConfig``, and be refused there.
Imports nothing from the cloud, so the settings module can read it.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import Field

ENV_PREFIX = "MAINTAINX_ENGINE_"
# Upper bounds far beyond any sensible policy; they keep durations inside what timedelta can hold.
MAX_SECONDS = 30 * 24 * 3600.0
MAX_HOURS = 24 * 365.0
# The shortest durations: far above a timedelta's microsecond, and shorter than any policy needs.
MIN_SECONDS = 1.0
MIN_HOURS = 0.01
# The exit level lies below the enter level, itself at most 1: an exit of 1 could never work.
MAX_EXIT = 0.99
# N of M: a window longer than this would read more predictions per machine and tick than the engine can.
MAX_VERDICTS = 1000


class Unit(enum.StrEnum):
    """What a knob's number means; durations become timedeltas in ``PolicyConfig``."""

    PROBABILITY = "probability"
    VERDICTS = "verdicts"
    SECONDS = "s"
    HOURS = "h"


@dataclass(frozen=True, slots=True)
class Knob:
    """One knob. ``name`` is the API's and the stored JSON's; the setting and the variable derive from it."""

    name: str
    kind: type[int] | type[float]
    default: float
    # Exclusive lower bound (``gt``) unless ``low_inclusive``; the upper bound is inclusive.
    low: float
    high: float
    unit: Unit
    description: str
    low_inclusive: bool = False

    @property
    def setting(self) -> str:
        """The ``cloud.config.Settings`` attribute."""
        return f"engine_{self.name}"

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        return f"{ENV_PREFIX}{self.name.upper()}"

    @property
    def attribute(self) -> str:
        """The ``PolicyConfig`` attribute (durations drop their unit: ``cooldown_s`` → ``cooldown``)."""
        return self.name.removesuffix("_s").removesuffix("_h")

    def bounds(self) -> str:
        """The allowed range in words, for messages."""
        return f"{'>=' if self.low_inclusive else '>'} {self.low:g} and <= {self.high:g}"

    def admits(self, value: float) -> bool:
        """Whether ``value`` lies within the bounds."""
        above = value >= self.low if self.low_inclusive else value > self.low
        return above and value <= self.high

    def field(self, *, with_default: bool) -> Any:
        """The pydantic ``Field`` with these bounds and description (the default only for the settings)."""
        unit = "" if self.unit in (Unit.PROBABILITY, Unit.VERDICTS) else f" ({self.unit})"
        ge, gt = (self.low, None) if self.low_inclusive else (None, self.low)
        description = f"{self.description}{unit}"
        if with_default:
            return Field(default=self.default, ge=ge, gt=gt, le=self.high, description=description)
        return Field(ge=ge, gt=gt, le=self.high, description=description)

    def to_config(self, value: float) -> float | timedelta:
        """The ``PolicyConfig`` form of a wire value."""
        if self.unit is Unit.SECONDS:
            return timedelta(seconds=value)
        if self.unit is Unit.HOURS:
            return timedelta(hours=value)
        return self.kind(value)

    def to_wire(self, value: float | timedelta) -> float:
        """The wire form (plain number in this knob's unit) of a ``PolicyConfig`` value."""
        if isinstance(value, timedelta):
            return value.total_seconds() / (3600.0 if self.unit is Unit.HOURS else 1.0)
        return value


KNOBS: tuple[Knob, ...] = (
    Knob(
        "enter_threshold",
        float,
        0.7,
        0.0,
        1.0,
        Unit.PROBABILITY,
        "a verdict at or above this counts as risky",
    ),
    Knob(
        "exit_threshold", float, 0.4, 0.0, MAX_EXIT, Unit.PROBABILITY, "a resolved machine re-arms below this"
    ),
    Knob(
        "required", int, 3, 1, MAX_VERDICTS, Unit.VERDICTS, "N: risky verdicts needed among the last M", True
    ),
    Knob("window", int, 5, 1, MAX_VERDICTS, Unit.VERDICTS, "M: how many recent verdicts are looked at", True),
    Knob(
        "max_age_s",
        float,
        600.0,
        MIN_SECONDS,
        MAX_SECONDS,
        Unit.SECONDS,
        "older predictions never open or escalate a ticket",
        True,
    ),
    Knob(
        "cooldown_s",
        float,
        300.0,
        MIN_SECONDS,
        MAX_SECONDS,
        Unit.SECONDS,
        "quiet time after a resolution",
        True,
    ),
    Knob("high_threshold", float, 0.8, 0.0, 1.0, Unit.PROBABILITY, "risk that makes a ticket HIGH"),
    Knob("critical_threshold", float, 0.9, 0.0, 1.0, Unit.PROBABILITY, "risk that makes a ticket CRITICAL"),
    Knob("horizon_h", float, 24.0, MIN_HOURS, MAX_HOURS, Unit.HOURS, "the model's horizon", True),
    Knob(
        "high_ttf_h",
        float,
        12.0,
        MIN_HOURS,
        MAX_HOURS,
        Unit.HOURS,
        "estimated time to failure that makes a ticket HIGH",
        True,
    ),
    Knob(
        "critical_ttf_h",
        float,
        4.0,
        MIN_HOURS,
        MAX_HOURS,
        Unit.HOURS,
        "estimated time to failure that makes a ticket CRITICAL",
        True,
    ),
)
BY_NAME: Mapping[str, Knob] = {knob.name: knob for knob in KNOBS}


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule between two knobs: ``field <op> other``; the message names ``field`` first."""

    field: str
    holds: Callable[[float, float], bool]
    other: str
    message: str

    def broken(self, values: Mapping[str, float]) -> bool:
        """Whether ``values`` (wire form) break this rule."""
        return not self.holds(values[self.field], values[self.other])


RULES: tuple[Rule, ...] = (
    Rule("exit_threshold", operator.lt, "enter_threshold", "must be below enter_threshold (exit < enter)"),
    Rule("required", operator.le, "window", "must not exceed window (N of M)"),
    Rule(
        "high_threshold",
        operator.ge,
        "enter_threshold",
        "must be at least enter_threshold (thresholds: enter <= high <= critical)",
    ),
    Rule(
        "high_threshold",
        operator.le,
        "critical_threshold",
        "must not exceed critical_threshold (thresholds: enter <= high <= critical)",
    ),
    Rule(
        "high_ttf_h",
        operator.le,
        "horizon_h",
        "must not exceed horizon_h (time-to-failure levels: critical <= high <= horizon)",
    ),
    Rule(
        "critical_ttf_h",
        operator.le,
        "high_ttf_h",
        "must not exceed high_ttf_h (time-to-failure levels: critical <= high <= horizon)",
    ),
)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a set of knob values cannot work: the knob at fault and what is wrong with it."""

    knob: Knob
    message: str

    def for_api(self) -> str:
        """The message in the API's field names."""
        return f"{self.knob.name} {self.message}"

    def for_settings(self, values: Mapping[str, float]) -> str:
        """The message in environment variables, with the values they hold."""
        return f"{self.knob.env}={values[self.knob.name]:g}: {self.knob.name} {self.message}"


def problem(values: Mapping[str, float]) -> Problem | None:
    """The first bound or rule that ``values`` (wire form, every knob) break, or None when they can work."""
    for knob in KNOBS:
        if not knob.admits(values[knob.name]):
            return Problem(knob, f"must be {knob.bounds()}")
    for rule in RULES:
        if rule.broken(values):
            return Problem(BY_NAME[rule.field], rule.message)
    return None


def config_kwargs(values: Mapping[str, float]) -> dict[str, float | timedelta]:
    """``PolicyConfig(**config_kwargs(values))`` for wire values."""
    return {knob.attribute: knob.to_config(values[knob.name]) for knob in KNOBS}


def wire_values(config: object) -> dict[str, float]:
    """The wire values of a ``PolicyConfig`` (anything with its attributes)."""
    return {knob.name: knob.to_wire(getattr(config, knob.attribute)) for knob in KNOBS}
