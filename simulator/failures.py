"""Failure modes: degradation processes that start at an onset and progress to a breakdown.

Each mode maps its progress ``p`` (0 at onset, 1 at breakdown) and the machine's current load to a
:class:`FaultEffect` on the healthy signals. The shapes follow how these faults look on real machines:
bearing wear grows roughly exponentially in vibration and heats up only late; a cooling fault drifts
the temperature up, more under load; imbalance adds vibration that scales with speed squared and makes
the drive hunt (rpm fluctuation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.errors import UnknownFailureModeError

HOUR_S = 3600.0

FAILURE_MODES: tuple[str, ...] = ("bearing_wear", "cooling_fault", "imbalance")

# Growth rate of bearing-wear severity: exp(4p) makes the last third of the life carry most of the damage.
_BEARING_GROWTH = 4.0


@dataclass(frozen=True, slots=True)
class FailureMode:
    """Time scale of one failure mode, in simulated seconds from onset to breakdown."""

    name: str
    nominal_duration_s: float
    min_duration_s: float
    max_duration_s: float


# Durations are days of simulated time, so a 24 h warning is always possible (every minimum > 24 h).
_MODES: dict[str, FailureMode] = {
    "bearing_wear": FailureMode("bearing_wear", 72 * HOUR_S, 48 * HOUR_S, 120 * HOUR_S),
    "cooling_fault": FailureMode("cooling_fault", 48 * HOUR_S, 36 * HOUR_S, 72 * HOUR_S),
    "imbalance": FailureMode("imbalance", 60 * HOUR_S, 36 * HOUR_S, 96 * HOUR_S),
}


@dataclass(frozen=True, slots=True)
class FaultEffect:
    """How a fault changes the healthy signals at one instant."""

    vibration_gain: float = 0.0  # relative increase of the healthy vibration level
    vibration_added: float = 0.0  # extra vibration, in units of the machine's baseline vibration
    vibration_noise: float = 0.0  # extra relative noise (impacts of a damaged bearing)
    temperature_added: float = 0.0  # °C on top of the healthy equilibrium temperature
    rpm_jitter: float = 0.0  # relative standard deviation of speed hunting
    rpm_drop: float = 0.0  # relative loss of speed (slip under a growing load)


NO_FAULT = FaultEffect()


def failure_mode(name: str) -> FailureMode:
    """The time scale of failure mode ``name``; raises UnknownFailureModeError for an unknown one."""
    try:
        return _MODES[name]
    except KeyError:
        raise UnknownFailureModeError(
            f"unknown failure mode {name!r}; known modes: {', '.join(FAILURE_MODES)}"
        ) from None


def fault_effect(name: str, progress: float, load: float, temperature_rise: float) -> FaultEffect:
    """Effect of failure mode ``name`` at ``progress`` (0..1) under ``load`` (0..1 of nominal speed).

    ``temperature_rise`` is the machine's healthy full-load rise over ambient (°C); a cooling fault scales
    with it because a machine that makes more heat suffers more when it cannot shed it.
    """
    p = min(max(progress, 0.0), 1.0)
    if name == "bearing_wear":
        sev = (math.exp(_BEARING_GROWTH * p) - 1.0) / (math.exp(_BEARING_GROWTH) - 1.0)
        return FaultEffect(
            vibration_gain=5.0 * sev,
            vibration_noise=0.25 * sev,
            # Friction heat follows the damage late (sev squared) and grows with load.
            temperature_added=14.0 * sev * sev * (0.5 + 0.5 * load),
        )
    if name == "cooling_fault":
        sev = p**1.3
        return FaultEffect(
            vibration_gain=0.1 * sev,
            temperature_added=sev * (temperature_rise * (0.3 + 0.7 * load) + 8.0),
        )
    if name == "imbalance":
        sev = p**1.6
        return FaultEffect(
            vibration_added=3.5 * sev * load * load,
            temperature_added=4.0 * sev,
            rpm_jitter=0.025 * sev,
            rpm_drop=0.02 * sev,
        )
    failure_mode(name)  # raises for an unknown name
    return NO_FAULT
