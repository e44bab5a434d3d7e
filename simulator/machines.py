"""Machine physics: baselines, load changes, thermal lag and noise, with an optional developing fault.

A machine runs at set-points (fractions of its nominal speed) that change every few tens of minutes to
hours of simulated time. Speed follows a set-point quickly, temperature follows the load slowly (a
first-order thermal lag) around an ambient that swings over the day, and vibration scales with speed.
A fault (see :mod:`simulator.failures`) bends these signals from its onset until the breakdown, when
the machine trips: speed and vibration fall to zero and it cools to ambient until ``repair()``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from simulator.errors import UnknownMachineTypeError
from simulator.failures import NO_FAULT, FaultEffect, failure_mode, fault_effect

# Simulated seconds per sample: at 1 Hz real-time sampling one real minute is 5 simulated hours, so a
# fault that takes days develops in minutes of a demo, while a 30-sample window still spans 2.5 hours.
DEFAULT_SAMPLE_PERIOD_S = 300.0
DAY_S = 86_400.0
# Ambient temperature swings by this much (°C) over a day.
_AMBIENT_SWING_C = 3.0
# Speed follows a set-point change with this time constant (s): drives ramp in about a minute.
_SPEED_TAU_S = 60.0
# Contract bounds (contract/payloads.py); sensors saturate rather than report the impossible.
_TEMP_RANGE = (-60.0, 400.0)
_VIB_RANGE = (0.0, 500.0)
_RPM_RANGE = (0.0, 60_000.0)
# A stopped machine still shows a little sensor noise (mm/s) rather than an exact zero.
_STOPPED_VIBRATION = 0.02


@dataclass(frozen=True, slots=True)
class MachineType:
    """Healthy behaviour of one kind of machine."""

    name: str
    rpm_nominal: float  # speed at full load
    vibration_mm_s: float  # RMS velocity at full load
    temperature_rise_c: float  # equilibrium rise over ambient at full load
    idle_heat_share: float  # share of the full-load rise a machine makes at zero load
    thermal_tau_s: float  # time constant of the thermal lag
    setpoints: tuple[float, ...]  # fractions of nominal speed the machine runs at
    dwell_s: tuple[float, float]  # how long a set-point is held (uniform range)
    temperature_noise_c: float
    vibration_noise: float  # relative
    rpm_noise: float  # relative


MACHINE_TYPES: dict[str, MachineType] = {
    "pump": MachineType(
        "pump",
        1480.0,
        2.2,
        28.0,
        0.35,
        40 * 60.0,
        (0.6, 0.75, 0.9, 1.0),
        (2 * 3600.0, 6 * 3600.0),
        0.3,
        0.05,
        0.002,
    ),
    "compressor": MachineType(
        "compressor",
        2950.0,
        3.5,
        45.0,
        0.4,
        60 * 60.0,
        (0.7, 1.0),
        (1800.0, 2 * 3600.0),
        0.4,
        0.06,
        0.002,
    ),
    "cnc_spindle": MachineType(
        "cnc_spindle",
        12_000.0,
        1.2,
        18.0,
        0.25,
        20 * 60.0,
        (0.3, 0.5, 0.7, 0.85, 1.0),
        (1200.0, 5400.0),
        0.25,
        0.06,
        0.003,
    ),
}


def get_machine_type(name: str) -> MachineType:
    """The machine type called ``name``; raises UnknownMachineTypeError for an unknown one."""
    try:
        return MACHINE_TYPES[name]
    except KeyError:
        raise UnknownMachineTypeError(
            f"unknown machine type {name!r}; known types: {', '.join(MACHINE_TYPES)}"
        ) from None


def _clip(value: float, bounds: tuple[float, float]) -> float:
    return min(max(value, bounds[0]), bounds[1])


class SimulatedMachine:
    """One simulated machine; ``step()`` returns its next (temperature, vibration, rpm) sample."""

    def __init__(
        self,
        machine_type: str,
        seed: int,
        *,
        sample_period_s: float = DEFAULT_SAMPLE_PERIOD_S,
        failure: str | None = None,
        failure_onset_s: float = 0.0,
        failure_duration_s: float | None = None,
    ) -> None:
        if sample_period_s <= 0:
            raise ValueError(f"sample_period_s must be positive, got {sample_period_s}")
        self.type = get_machine_type(machine_type)
        self.sample_period_s = float(sample_period_s)
        self._rng = random.Random(seed)
        rng = self._rng
        # Each unit differs a little from its type (mounting, sensor placement, room).
        self._vibration_base = self.type.vibration_mm_s * rng.uniform(0.85, 1.15)
        self._rise = self.type.temperature_rise_c * rng.uniform(0.9, 1.1)
        self._ambient_base = rng.uniform(20.0, 30.0)
        self._ambient_phase = rng.uniform(0.0, 2 * math.pi)
        self.failure: str | None = None
        self._fail_at_s = math.inf
        self._onset_s = math.inf
        if failure is not None:
            mode = failure_mode(failure)
            duration = mode.nominal_duration_s if failure_duration_s is None else float(failure_duration_s)
            if duration <= 0:
                raise ValueError(f"failure_duration_s must be positive, got {duration}")
            self.failure = failure
            self._onset_s = float(failure_onset_s)
            self._fail_at_s = self._onset_s + duration
        self.t_s = 0.0
        self._failed = False
        self._setpoint = rng.choice(self.type.setpoints)
        self._next_change_s = rng.uniform(*self.type.dwell_s)
        self._speed = self._setpoint  # fraction of nominal speed
        # Start at thermal equilibrium (a fault already developing has already heated the machine).
        self._temperature = self._target_temperature(self._fault_now())

    @property
    def failed(self) -> bool:
        """True once the machine has broken down, until ``repair()``."""
        return self._failed

    @property
    def time_to_failure_s(self) -> float | None:
        """Simulated seconds until breakdown while a fault develops (0 once failed), else None."""
        if self.failure is None or self.t_s < self._onset_s:
            return None
        return max(self._fail_at_s - self.t_s, 0.0)

    def repair(self) -> None:
        """Maintenance done: the fault is cleared and a stopped machine starts again."""
        self.failure = None
        self._onset_s = math.inf
        self._fail_at_s = math.inf
        self._failed = False

    def _ambient(self) -> float:
        return self._ambient_base + _AMBIENT_SWING_C * math.sin(
            2 * math.pi * self.t_s / DAY_S + self._ambient_phase
        )

    def _fault_now(self) -> FaultEffect:
        if self.failure is None or self.t_s < self._onset_s:
            return NO_FAULT
        progress = (self.t_s - self._onset_s) / (self._fail_at_s - self._onset_s)
        return fault_effect(self.failure, progress, self._speed, self._rise)

    def _target_temperature(self, fault: FaultEffect) -> float:
        heat = self.type.idle_heat_share + (1.0 - self.type.idle_heat_share) * self._speed
        return self._ambient() + self._rise * heat + fault.temperature_added

    def step(self) -> tuple[float, float, float]:
        """Advance one sample period and return (temperature °C, vibration mm/s RMS, rpm)."""
        dt = self.sample_period_s
        self.t_s += dt
        rng = self._rng
        kind = self.type
        if not self._failed and self.t_s >= self._fail_at_s:
            self._failed = True
        if self._failed:
            self._speed *= math.exp(-dt / _SPEED_TAU_S)
            target = self._ambient()
            vibration = _STOPPED_VIBRATION * abs(1.0 + rng.gauss(0.0, 0.3))
            rpm_noise = 0.0
            fault = NO_FAULT
        else:
            if self.t_s >= self._next_change_s:
                self._setpoint = rng.choice(kind.setpoints)
                self._next_change_s = self.t_s + rng.uniform(*kind.dwell_s)
            self._speed += (self._setpoint - self._speed) * (1.0 - math.exp(-dt / _SPEED_TAU_S))
            fault = self._fault_now()
            target = self._target_temperature(fault)
            level = self._vibration_base * (
                self._speed**1.5 * (1.0 + fault.vibration_gain) + fault.vibration_added
            )
            noise = kind.vibration_noise + fault.vibration_noise
            vibration = level * abs(1.0 + rng.gauss(0.0, noise))
            rpm_noise = kind.rpm_noise + fault.rpm_jitter
        # Exact discretisation of the first-order thermal lag for any sample period.
        self._temperature += (target - self._temperature) * (1.0 - math.exp(-dt / kind.thermal_tau_s))
        temperature = self._temperature + rng.gauss(0.0, kind.temperature_noise_c)
        rpm = kind.rpm_nominal * self._speed * (1.0 - fault.rpm_drop) * (1.0 + rng.gauss(0.0, rpm_noise))
        return (
            _clip(temperature, _TEMP_RANGE),
            _clip(vibration, _VIB_RANGE),
            _clip(rpm, _RPM_RANGE),
        )
