"""Simulated machine physics: determinism, failure modes, breakdown, repair and contract bounds."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from simulator import UnknownFailureModeError, UnknownMachineTypeError
from simulator.failures import FAILURE_MODES, failure_mode
from simulator.machines import DEFAULT_SAMPLE_PERIOD_S, MACHINE_TYPES, SimulatedMachine

pytestmark = pytest.mark.unit

HOUR = 3600.0


def _run(machine: SimulatedMachine, n: int) -> np.ndarray:
    return np.array([machine.step() for _ in range(n)])


def test_at_least_three_machine_types_with_distinct_baselines() -> None:
    assert len(MACHINE_TYPES) >= 3
    means = {name: _run(SimulatedMachine(name, 1), 600).mean(axis=0) for name in MACHINE_TYPES}
    rpm_means = sorted(m[2] for m in means.values())
    assert all(b > a * 1.3 for a, b in itertools.pairwise(rpm_means))


def test_same_seed_gives_same_numbers_and_other_seed_does_not() -> None:
    a = _run(SimulatedMachine("pump", 42, failure="bearing_wear", failure_onset_s=HOUR), 500)
    b = _run(SimulatedMachine("pump", 42, failure="bearing_wear", failure_onset_s=HOUR), 500)
    c = _run(SimulatedMachine("pump", 43, failure="bearing_wear", failure_onset_s=HOUR), 500)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_each_step_advances_simulated_time_by_the_sample_period() -> None:
    machine = SimulatedMachine("compressor", 1, sample_period_s=60.0)
    _run(machine, 10)
    assert machine.t_s == pytest.approx(600.0)
    assert DEFAULT_SAMPLE_PERIOD_S > 0


def test_load_changes_move_rpm_and_temperature_follows_with_a_lag() -> None:
    samples = _run(SimulatedMachine("cnc_spindle", 3), 2000)
    rpm, temperature = samples[:, 2], samples[:, 0]
    assert rpm.max() > 1.5 * rpm.min()  # several set-points were visited
    # Thermal lag: temperature correlates better with rpm a few samples earlier than with rpm now.
    lagged = [np.corrcoef(rpm[: len(rpm) - k], temperature[k:])[0, 1] for k in range(0, 6)]
    assert max(lagged[1:]) > lagged[0]


def _late_vs_early(mode: str, machine_type: str = "compressor") -> tuple[np.ndarray, np.ndarray]:
    """Mean and std of each signal in the last 6 h before breakdown vs the same machine with no fault."""
    duration = failure_mode(mode).nominal_duration_s
    steps = int((duration - 6 * HOUR) / DEFAULT_SAMPLE_PERIOD_S)
    faulty = _run(SimulatedMachine(machine_type, 9, failure=mode, failure_onset_s=0.0), steps)[-72:]
    healthy = _run(SimulatedMachine(machine_type, 9), steps)[-72:]
    return np.stack([faulty.mean(0), healthy.mean(0)]), np.stack([faulty.std(0), healthy.std(0)])


def test_bearing_wear_raises_vibration_strongly_and_temperature_later() -> None:
    means, _ = _late_vs_early("bearing_wear")
    assert means[0, 1] > 3 * means[1, 1]
    assert means[0, 0] > means[1, 0] + 3.0


def test_cooling_fault_raises_temperature_not_vibration_much() -> None:
    means, _ = _late_vs_early("cooling_fault")
    assert means[0, 0] > means[1, 0] + 20.0
    assert means[0, 1] < 1.3 * means[1, 1]


def test_imbalance_raises_vibration_and_makes_rpm_fluctuate() -> None:
    means, _ = _late_vs_early("imbalance")
    assert means[0, 1] > 2 * means[1, 1]
    # Speed hunting: the sample-to-sample change of rpm grows far beyond the healthy sensor noise.
    # 50 h into a 60 h fault: the next 100 samples (8.3 h) are the last hours before breakdown.
    faulty = SimulatedMachine("compressor", 9, failure="imbalance", failure_onset_s=-50 * HOUR)
    healthy = SimulatedMachine("compressor", 9)
    jitter = [np.median(np.abs(np.diff(_run(m, 100)[:, 2]))) for m in (faulty, healthy)]
    assert not faulty.failed
    assert jitter[0] > 5 * jitter[1]


@pytest.mark.parametrize("mode", FAILURE_MODES)
def test_machine_breaks_down_at_onset_plus_duration_and_stays_down(mode: str) -> None:
    machine = SimulatedMachine(
        "pump", 5, failure=mode, failure_onset_s=2 * HOUR, failure_duration_s=30 * HOUR
    )
    steps_to_failure = int(32 * HOUR / DEFAULT_SAMPLE_PERIOD_S)
    before = _run(machine, steps_to_failure - 1)
    assert not machine.failed
    assert machine.time_to_failure_s == pytest.approx(DEFAULT_SAMPLE_PERIOD_S)
    after = _run(machine, 60)
    assert machine.failed
    assert machine.time_to_failure_s == 0.0
    assert before[:, 2].min() > 500.0
    assert np.all(after[1:, 2] < 1.0)  # stopped
    assert np.all(after[1:, 1] < 0.2)  # no vibration left
    assert after[-1, 0] < before[-12:, 0].mean() - 10.0  # cooling down


def test_time_to_failure_is_none_without_a_developing_fault() -> None:
    assert SimulatedMachine("pump", 1).time_to_failure_s is None
    later = SimulatedMachine("pump", 1, failure="imbalance", failure_onset_s=10 * HOUR)
    assert later.time_to_failure_s is None
    _run(later, int(11 * HOUR / DEFAULT_SAMPLE_PERIOD_S))
    assert later.time_to_failure_s == pytest.approx(failure_mode("imbalance").nominal_duration_s - HOUR)


def test_repair_restarts_a_broken_machine_and_clears_the_fault() -> None:
    machine = SimulatedMachine("compressor", 2, failure="cooling_fault", failure_onset_s=-47 * HOUR)
    _run(machine, 30)
    assert machine.failed
    machine.repair()
    assert not machine.failed
    assert machine.failure is None
    assert machine.time_to_failure_s is None
    repaired = _run(machine, 2000)
    assert not machine.failed
    assert repaired[5:, 2].min() > 1500.0  # running again
    healthy = _run(SimulatedMachine("compressor", 2), 2000)
    assert repaired[100:, 0].mean() == pytest.approx(healthy[100:, 0].mean(), abs=3.0)


@pytest.mark.parametrize("machine_type", sorted(MACHINE_TYPES))
@pytest.mark.parametrize("mode", [None, *FAILURE_MODES])
def test_values_stay_inside_the_contract_bounds(machine_type: str, mode: str | None) -> None:
    machine = SimulatedMachine(
        machine_type, 11, failure=mode, failure_onset_s=-40 * HOUR, failure_duration_s=48 * HOUR
    )
    samples = _run(machine, 300)
    assert np.all(np.isfinite(samples))
    assert samples[:, 0].min() >= -60.0 and samples[:, 0].max() <= 400.0
    assert samples[:, 1].min() >= 0.0 and samples[:, 1].max() <= 500.0
    assert samples[:, 2].min() >= 0.0 and samples[:, 2].max() <= 60_000.0


def test_unknown_type_or_mode_is_refused_with_the_known_names() -> None:
    with pytest.raises(UnknownMachineTypeError, match="pump"):
        SimulatedMachine("toaster", 1)
    with pytest.raises(UnknownFailureModeError, match="bearing_wear"):
        SimulatedMachine("pump", 1, failure="gremlins")
    with pytest.raises(ValueError, match="sample_period_s"):
        SimulatedMachine("pump", 1, sample_period_s=0.0)
