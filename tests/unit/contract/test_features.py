"""The agent's incremental windows give the same features as training's batch_features, tick after tick."""

from __future__ import annotations

import numpy as np
import pytest

from contract.features import N_FEATURES, FleetWindows, batch_features

pytestmark = pytest.mark.unit

BASE = np.array([60.0, 2.0, 1500.0])
SPREAD = np.array([1.0, 0.1, 5.0])


def assert_same_features(incremental: np.ndarray, windows: np.ndarray) -> None:
    """Equal to batch_features within float32 rounding (a few ulps), feature by feature."""
    expected = batch_features(windows)
    assert incremental.dtype == np.float32 and incremental.shape == expected.shape
    np.testing.assert_allclose(incremental, expected, rtol=4e-7, atol=1e-6)


class History:
    """Every sample pushed, per machine, to rebuild the windows the slow way."""

    def __init__(self, machines: int) -> None:
        self.rows: list[list[np.ndarray]] = [[] for _ in range(machines)]

    def add(self, rows: np.ndarray, values: np.ndarray) -> None:
        for row, value in zip(rows, values, strict=True):
            self.rows[row].append(value)

    def windows(self, rows: np.ndarray, size: int) -> np.ndarray:
        return np.stack([np.array(self.rows[r][-size:]) for r in rows])


def test_every_machine_every_tick_matches_batch_features_over_thousands_of_ticks() -> None:
    rng = np.random.default_rng(0)
    machines, size = 10, 30
    fleet, history = FleetWindows(machines, size), History(machines)
    everyone = np.arange(machines)
    checked = 0
    for tick in range(2_000):
        # A slow drift on top of noise: the running sums must not wander from the exact values.
        values = BASE + rng.normal(0.0, 1.0, (machines, 3)) * SPREAD + tick * np.array([0.01, 0.001, 0.5])
        full = fleet.push(None, values)
        history.add(everyone, values)
        assert full.tolist() == [tick >= size - 1] * machines
        if full.all():
            assert_same_features(fleet.features(None), history.windows(everyone, size))
            checked += 1
    assert checked == 2_000 - size + 1


def test_some_machines_per_tick_and_a_cleared_machine_match_batch_features() -> None:
    rng = np.random.default_rng(1)
    machines, size = 6, 8
    fleet, history = FleetWindows(machines, size), History(machines)
    for tick in range(600):
        rows = np.sort(rng.choice(machines, rng.integers(1, machines + 1), replace=False))
        if tick == 300:
            fleet.clear(2)
            history.rows[2] = []
        values = BASE + rng.normal(0.0, 1.0, (len(rows), 3)) * SPREAD
        full = fleet.push(rows, values)
        history.add(rows, values)
        assert full.tolist() == [len(history.rows[r]) >= size for r in rows]
        if full.any():
            assert_same_features(fleet.features(rows[full]), history.windows(rows[full], size))
            np.testing.assert_array_equal(fleet.windows(rows[full]), history.windows(rows[full], size))


def test_a_constant_signal_has_exactly_zero_spread_and_slope() -> None:
    fleet = FleetWindows(2, 5)
    for _ in range(12):
        fleet.push(None, np.array([[20.0, 0.0, 1500.0], [80.5, 3.25, 0.0]]))
    features = fleet.features(None)
    std_and_slope = features[:, [1, 2, 7, 8, 13, 14]]
    assert np.all(std_and_slope == 0.0)
    assert_same_features(features, np.stack([np.tile(v, (5, 1)) for v in ([20, 0, 1500], [80.5, 3.25, 0])]))


def test_a_stopped_machine_keeps_the_per_krpm_features_finite() -> None:
    fleet = FleetWindows(1, 4)
    for _ in range(4):
        fleet.push(None, np.array([[35.0, 0.0, 0.0]]))
    features = fleet.features(None)
    assert features.shape == (1, N_FEATURES) and np.isfinite(features).all()


def test_windows_smaller_than_two_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        FleetWindows(3, 1)


def test_whole_fleet_ticks_mixed_with_partial_ticks_and_clears_match_batch_features() -> None:
    # The whole-fleet tick keeps its own countdown to the next rebuild; partial ticks and clears move
    # the windows' ages under it, and a missed rebuild would show up as drift or a wrong "full".
    rng = np.random.default_rng(2)
    machines, size = 5, 7
    fleet, history = FleetWindows(machines, size), History(machines)
    everyone = np.arange(machines)
    for tick in range(1_500):
        if rng.random() < 0.05:
            row = int(rng.integers(machines))
            fleet.clear(row)
            history.rows[row] = []
        whole = rng.random() < 0.6
        rows = everyone if whole else np.sort(rng.choice(machines, rng.integers(1, machines), replace=False))
        values = BASE + rng.normal(0.0, 1.0, (len(rows), 3)) * SPREAD + tick * np.array([0.01, 0.001, 0.5])
        full = fleet.push(None if whole else rows, values)
        history.add(rows, values)
        assert full.tolist() == [len(history.rows[r]) >= size for r in rows]
        if full.any():
            assert_same_features(fleet.features(rows[full]), history.windows(rows[full], size))
        if whole and full.all():
            assert_same_features(fleet.features(None), history.windows(everyone, size))
