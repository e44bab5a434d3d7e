"""Demo fleet shape and stable ids; run-to-failure scenarios and their ground truth."""

from __future__ import annotations

import math
import uuid

import numpy as np
import pytest

from simulator.failures import FAILURE_MODES
from simulator.fleet import GatewaySpec, demo_fleet, machine_uuid, run_to_failure
from simulator.machines import DEFAULT_SAMPLE_PERIOD_S, MACHINE_TYPES

pytestmark = pytest.mark.unit


def test_demo_fleet_has_the_asked_shape_names_and_every_type() -> None:
    fleet = demo_fleet()
    assert [g.id for g in fleet] == ["gw-01", "gw-02", "gw-03"]
    assert all(isinstance(g, GatewaySpec) and len(g.machines) == 4 for g in fleet)
    machines = [m for g in fleet for m in g.machines]
    assert {m.type for m in machines} == set(MACHINE_TYPES)
    assert len({m.id for m in machines}) == 12
    assert len({m.name for m in machines}) == 12
    assert machines[0].name == "Pump 01"
    assert {m.location for m in fleet[1].machines} == {"Line B"}


def test_demo_fleet_ids_are_stable_uuid5_values() -> None:
    first, again = demo_fleet(), demo_fleet(seed=99)
    assert [m.id for g in first for m in g.machines] == [m.id for g in again for m in g.machines]
    machine = first[1].machines[2]
    assert machine.id == machine_uuid("gw-02", 2)
    assert machine.id.version == 5
    assert machine.id == uuid.uuid5(uuid.UUID("6f1d2a9e-4c3b-5e8a-9d7f-0b1c2d3e4f50"), "gw-02/2")


def test_demo_fleet_has_one_fault_developing_now_and_later_ones() -> None:
    machines = [m for g in demo_fleet() for m in g.machines]
    faulty = [m for m in machines if m.failure]
    assert {m.failure for m in faulty} <= set(FAILURE_MODES)
    developing = [m for m in faulty if m.failure_onset_s < 0]
    assert len(developing) == 1
    assert 1 <= len(faulty) - len(developing) <= 2
    # The developing fault breaks the machine within ~10 minutes of 1 Hz sampling.
    machine = developing[0].create()
    for _ in range(600):
        machine.step()
    assert machine.failed


def test_demo_fleet_refuses_an_empty_fleet() -> None:
    with pytest.raises(ValueError, match="at least one"):
        demo_fleet(gateways=0)


def test_small_demo_fleet_still_has_its_developing_fault() -> None:
    fleet = demo_fleet(gateways=1, machines_per_gateway=2)
    assert any(m.failure and m.failure_onset_s < 0 for m in fleet[0].machines)


def test_run_to_failure_shapes_ground_truth_and_healthy_share() -> None:
    runs = run_to_failure(10, seed=3, healthy_share=0.3)
    assert len(runs) == 10
    assert sum(r.failure is None for r in runs) == 3
    assert {r.failure for r in runs if r.failure} == set(FAILURE_MODES)
    for run in runs:
        assert run.samples.shape == (run.time_to_failure_s.shape[0], 3)
        if run.failure is None:
            assert run.failed_at is None
            assert np.all(np.isinf(run.time_to_failure_s))
            continue
        assert run.failed_at is not None
        ttf = run.time_to_failure_s
        assert ttf[run.failed_at] == 0.0 and np.all(ttf[run.failed_at :] == 0.0)
        developing = np.isfinite(ttf[: run.failed_at])
        # Infinite before the onset, then counting down one sample period per sample.
        assert not developing[0] and developing[-1]
        steps = np.diff(ttf[: run.failed_at][developing])
        assert np.allclose(steps, -DEFAULT_SAMPLE_PERIOD_S)
        assert np.all(run.samples[run.failed_at + 1 :, 2] < 1.0)


def test_run_to_failure_is_deterministic_per_seed() -> None:
    a, b, c = run_to_failure(4, seed=8), run_to_failure(4, seed=8), run_to_failure(4, seed=9)
    assert all(np.array_equal(x.samples, y.samples) for x, y in zip(a, b, strict=True))
    assert [x.machine_id for x in a] == [y.machine_id for y in b]
    assert not np.array_equal(a[0].samples[:100], c[0].samples[:100])


@pytest.mark.parametrize(("n", "share"), [(0, 0.3), (3, 1.5), (3, math.nan)])
def test_run_to_failure_refuses_bad_arguments(n: int, share: float) -> None:
    with pytest.raises(ValueError):
        run_to_failure(n, seed=1, healthy_share=share)
