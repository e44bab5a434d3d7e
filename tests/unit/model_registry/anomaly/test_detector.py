"""The streaming detector is causal, bounded, flags obvious anomalies once and stays quiet on plain noise."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model_registry.anomaly import DetectorConfig, StreamingDetector, score_series
from model_registry.anomaly.errors import DetectorConfigError, InputShapeError

pytestmark = pytest.mark.unit

# Small enough that every channel (the range rule after `history` rows, the level after two spans of blocks)
# speaks within the property tests' short series.
SMALL = DetectorConfig(subsequence=4, memory=50, history=40, short=3, coarse_block=2, warmup=10, suppress=20)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=80),
    st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=40),
)
def test_appending_future_rows_never_changes_past_scores(past: list[float], future: list[float]) -> None:
    before = score_series(np.array(past), SMALL)
    after = score_series(np.array(past + future), SMALL)
    np.testing.assert_array_equal(before, after[: len(past)])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=120))
def test_scores_are_between_zero_and_one(values: list[float]) -> None:
    scores = score_series(np.array(values), SMALL)
    assert np.all((scores >= 0.0) & (scores <= 1.0))


def _noise(rows: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(50.0, 1.0, rows)


def test_stationary_noise_raises_no_flag() -> None:
    scores = score_series(_noise(4000), DetectorConfig(warmup=500, suppress=500))
    assert np.count_nonzero(scores >= 0.5) == 0


def test_spike_is_flagged_within_a_few_rows() -> None:
    series = _noise(3000)
    series[2000] = 80.0
    scores = score_series(series, DetectorConfig(warmup=500, suppress=500))
    flagged = np.flatnonzero(scores >= 0.5)
    assert flagged.size and 2000 <= flagged[0] <= 2010


def test_level_shift_is_flagged_once() -> None:
    series = _noise(3000)
    series[2000:] += 10.0
    scores = score_series(series, DetectorConfig(warmup=500))
    flagged = np.flatnonzero(scores >= 0.5)
    assert flagged.tolist() and 2000 <= flagged[0] <= 2020
    # The new level keeps scoring high, and each high row extends the suppression: one alarm.
    assert len(flagged) == 1
    assert np.count_nonzero(scores[2000:] >= 0.45) > 100


def test_two_events_apart_by_more_than_the_suppression_both_raise_a_flag() -> None:
    series = _noise(4000)
    series[2500] = 80.0
    series[3200] = 20.0  # a different event: a repeat of the first would no longer be novel
    scores = score_series(series, DetectorConfig(warmup=500, suppress=144))
    flagged = np.flatnonzero(scores >= 0.5)
    assert 2500 <= flagged[0] <= 2510
    assert np.any((flagged >= 3200) & (flagged <= 3210))


def test_slow_drift_to_an_unusual_level_is_flagged_and_its_twin_without_drift_is_not() -> None:
    cycle = _noise(4000) + 5.0 * np.sin(np.arange(4000) * 2 * np.pi / 288)  # a daily cycle at 5 min
    drift = cycle.copy()
    drift[3000:3600] -= np.linspace(0.0, 30.0, 600)  # 30 units down over two days, then it stays
    drift[3600:] -= 30.0
    assert np.count_nonzero(score_series(cycle, DetectorConfig(warmup=750)) >= 0.5) == 0
    flagged = np.flatnonzero(score_series(drift, DetectorConfig(warmup=750)) >= 0.5)
    assert flagged.size and 3000 <= flagged[0] < 3400


def test_multi_column_input_flags_an_anomaly_in_any_column() -> None:
    series = np.column_stack([_noise(3000, 1), _noise(3000, 2)])
    series[2500, 1] = 90.0
    scores = score_series(series, DetectorConfig(warmup=500, suppress=500))
    flagged = np.flatnonzero(scores >= 0.5)
    assert flagged.size and 2500 <= flagged[0] <= 2510


def test_warmup_rows_score_zero() -> None:
    series = _noise(600)
    series[100] = 1000.0
    assert np.all(score_series(series, DetectorConfig(warmup=300))[:300] == 0.0)


def test_row_with_wrong_number_of_values_is_refused() -> None:
    detector = StreamingDetector(2)
    with pytest.raises(InputShapeError, match="expected 2 values"):
        detector.update([1.0])


def test_non_finite_value_is_refused() -> None:
    with pytest.raises(InputShapeError, match="not finite"):
        StreamingDetector(1).update(float("nan"))


def test_defaults_are_the_warmup_rule_at_nab_probation_cap() -> None:
    assert DetectorConfig.for_warmup(750) == DetectorConfig()


def test_warmup_rule_scales_block_and_suppression() -> None:
    config = DetectorConfig.for_warmup(300)
    assert (config.warmup, config.coarse_block, config.suppress) == (300, 3, 54)


@pytest.mark.parametrize("field", ["subsequence", "memory", "history", "short"])
def test_config_refuses_sizes_below_one(field: str) -> None:
    with pytest.raises(DetectorConfigError, match=field):
        DetectorConfig(**{field: 0})
