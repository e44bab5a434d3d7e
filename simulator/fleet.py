"""Fleets of simulated machines: the demo fleet of gateways and run-to-failure scenarios for training."""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass

import numpy as np

from simulator.failures import FAILURE_MODES, HOUR_S, failure_mode
from simulator.machines import DEFAULT_SAMPLE_PERIOD_S, MACHINE_TYPES, SimulatedMachine, get_machine_type

# Fixed namespace so machine ids are the same on every run and every host (uuid5 of gateway + index).
FLEET_NAMESPACE = uuid.UUID("6f1d2a9e-4c3b-5e8a-9d7f-0b1c2d3e4f50")
_DISPLAY_NAMES = {"pump": "Pump", "compressor": "Compressor", "cnc_spindle": "CNC Spindle"}
# Demo faults as (mode, onset in simulated seconds; negative = started before the demo, machine type).
# The first is already developing with 30 h to live: at 1 Hz and 300 s per sample a 24 h warning is due
# after ~1.2 real minutes and it breaks down after 6 real minutes; the others start later. Each fault sits
# on a type where it shows the way it does in plants (a compressor's cooling fails under its heat load),
# so its first ticket leaves minutes to act at the demo's pace (tests/unit/model_registry/
# evaluation/test_demo_lead.py measures it: a cooling fault on a lightly loaded CNC spindle warned 7 s ahead).
_DEMO_FAULTS: tuple[tuple[str, float, str], ...] = (
    ("bearing_wear", -(72.0 - 30.0) * HOUR_S, "pump"),
    ("cooling_fault", 6.0 * HOUR_S, "compressor"),
    ("imbalance", 24.0 * HOUR_S, "compressor"),
)
# run_to_failure: faults start 12-48 h into a run, healthy runs last 3-6 days, and a run continues
# this long after a breakdown so the stopped machine shows in the data.
_ONSET_RANGE_S = (12 * HOUR_S, 48 * HOUR_S)
_HEALTHY_RANGE_S = (72 * HOUR_S, 144 * HOUR_S)
_AFTER_FAILURE_S = 6 * HOUR_S


@dataclass(frozen=True)
class MachineSpec:
    """One machine of a fleet: identity, display data and how it is simulated."""

    id: uuid.UUID
    name: str
    type: str
    location: str
    seed: int
    failure: str | None = None
    failure_onset_s: float = 0.0

    def create(self, sample_period_s: float = DEFAULT_SAMPLE_PERIOD_S) -> SimulatedMachine:
        """A fresh simulated machine for this spec."""
        return SimulatedMachine(
            self.type,
            self.seed,
            sample_period_s=sample_period_s,
            failure=self.failure,
            failure_onset_s=self.failure_onset_s,
        )


@dataclass(frozen=True)
class GatewaySpec:
    """One gateway and the machines it serves."""

    id: str
    machines: tuple[MachineSpec, ...]


def machine_uuid(gateway_id: str, index: int) -> uuid.UUID:
    """The stable id of machine ``index`` on ``gateway_id``."""
    return uuid.uuid5(FLEET_NAMESPACE, f"{gateway_id}/{index}")


def demo_fleet(gateways: int = 3, machines_per_gateway: int = 4, seed: int = 7) -> list[GatewaySpec]:
    """A deterministic demo fleet: every machine type, one fault already developing, two starting later."""
    if gateways < 1 or machines_per_gateway < 1:
        raise ValueError(
            f"need at least one gateway and one machine, got {gateways} x {machines_per_gateway}"
        )
    types = tuple(MACHINE_TYPES)
    total = gateways * machines_per_gateway
    # Spread the faults over the gateways: from global positions 0, total/3 + 1, 2 total/3 + 2 on, the
    # first free machine of the fault's type (a fleet too small for every fault plays the first ones).
    fault_at: dict[int, tuple[str, float]] = {}
    for k, (mode, onset, kind) in enumerate(_DEMO_FAULTS):
        start = k * total // len(_DEMO_FAULTS) + k
        for step in range(total):
            index = (start + step) % total
            if index not in fault_at and types[index % len(types)] == kind:
                fault_at[index] = (mode, onset)
                break
    counters = dict.fromkeys(types, 0)
    fleet = []
    for g in range(gateways):
        gateway_id = f"gw-{g + 1:02d}"
        location = f"Line {chr(ord('A') + g % 26)}"
        specs = []
        for j in range(machines_per_gateway):
            index = g * machines_per_gateway + j
            kind = types[index % len(types)]
            counters[kind] += 1
            failure, onset = fault_at.get(index, (None, 0.0))
            specs.append(
                MachineSpec(
                    id=machine_uuid(gateway_id, j),
                    name=f"{_DISPLAY_NAMES.get(kind, kind)} {counters[kind]:02d}",
                    type=kind,
                    location=location,
                    seed=seed * 1000 + index,
                    failure=failure,
                    failure_onset_s=onset,
                )
            )
        fleet.append(GatewaySpec(id=gateway_id, machines=tuple(specs)))
    return fleet


@dataclass(frozen=True)
class MachineRun:
    """One machine simulated until it broke down (or for a few days, when healthy).

    ``time_to_failure_s[i]`` is the simulated time from sample ``i`` to the breakdown while the fault
    develops, ``inf`` for a healthy machine and before the fault's onset, and 0 from the breakdown on.
    """

    machine_id: uuid.UUID
    machine_type: str
    failure: str | None
    seed: int
    sample_period_s: float
    samples: np.ndarray  # (T, 3): temperature, vibration, rpm
    time_to_failure_s: np.ndarray  # (T,)
    failed_at: int | None  # index of the first sample after the breakdown


def run_to_failure(
    n_machines: int,
    seed: int,
    *,
    sample_period_s: float = DEFAULT_SAMPLE_PERIOD_S,
    healthy_share: float = 0.3,
) -> list[MachineRun]:
    """Simulate ``n_machines`` (types and failure modes in turn, ``healthy_share`` without a fault)."""
    if n_machines < 1:
        raise ValueError(f"n_machines must be at least 1, got {n_machines}")
    if not 0.0 <= healthy_share <= 1.0:
        raise ValueError(f"healthy_share must be within 0..1, got {healthy_share}")
    rng = random.Random(seed)
    types = tuple(MACHINE_TYPES)
    n_healthy = round(n_machines * healthy_share)
    healthy = set(rng.sample(range(n_machines), n_healthy))
    runs = []
    n_failing = 0
    for i in range(n_machines):
        kind = get_machine_type(types[i % len(types)]).name
        machine_seed = seed * 100_003 + i
        if i in healthy:
            mode = None
            onset = duration = 0.0
            length_s = rng.uniform(*_HEALTHY_RANGE_S)
        else:
            mode = FAILURE_MODES[n_failing % len(FAILURE_MODES)]
            n_failing += 1
            spec = failure_mode(mode)
            onset = rng.uniform(*_ONSET_RANGE_S)
            duration = rng.uniform(spec.min_duration_s, spec.max_duration_s)
            length_s = onset + duration + _AFTER_FAILURE_S
        machine = SimulatedMachine(
            kind,
            machine_seed,
            sample_period_s=sample_period_s,
            failure=mode,
            failure_onset_s=onset,
            failure_duration_s=duration if mode else None,
        )
        n_samples = math.ceil(length_s / sample_period_s)
        samples = np.empty((n_samples, 3), dtype=np.float64)
        ttf = np.empty(n_samples, dtype=np.float64)
        failed_at = None
        for k in range(n_samples):
            samples[k] = machine.step()
            remaining = machine.time_to_failure_s
            ttf[k] = math.inf if remaining is None else remaining
            if failed_at is None and machine.failed:
                failed_at = k
        runs.append(
            MachineRun(
                machine_id=uuid.uuid5(FLEET_NAMESPACE, f"run-to-failure/{seed}/{i}"),
                machine_type=kind,
                failure=mode,
                seed=machine_seed,
                sample_period_s=sample_period_s,
                samples=samples,
                time_to_failure_s=ttf,
                failed_at=failed_at,
            )
        )
    return runs
