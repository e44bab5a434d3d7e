"""The NAB scorer reproduces Numenta's published per-file raw scores and normalized realKnownCause score."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from model_registry.evaluation.csvdata import load_series
from model_registry.evaluation.nab import FILES, NabResult, load_windows, score_file, window_bounds

pytestmark = pytest.mark.unit

NUMENTA_THRESHOLD = 0.542187690735
# Published standard-profile raw scores of the `numenta` detector (NAB results/numenta_standard_scores.csv).
PUBLISHED_RAW = {
    "ambient_temperature_system_failure": -0.7586,
    "cpu_utilization_asg_misconfiguration": -0.2557,
    "ec2_request_latency_system_failure": 1.7059,
    "machine_temperature_system_failure": 1.3601,
    "nyc_taxi": 2.4357,
    "rogue_agent_key_hold": -1.1137,
    "rogue_agent_key_updown": -1.2958,
}


@pytest.fixture(scope="module")
def numenta_result(dataset: Callable[[str], Path]) -> NabResult:
    nab = dataset("nab")
    windows = load_windows(nab)
    result = NabResult(NUMENTA_THRESHOLD)
    for name in FILES:
        path = nab / "results" / "numenta_realKnownCause" / f"numenta_{name}.csv"
        timestamps, scores = load_series(path, "timestamp", ["anomaly_score"])
        bounds = window_bounds(timestamps, windows[name])
        result.files[name] = score_file(scores[:, 0], bounds, NUMENTA_THRESHOLD)
    return result


@pytest.mark.parametrize("name", FILES)
def test_numenta_raw_score_matches_published(numenta_result: NabResult, name: str) -> None:
    assert round(numenta_result.files[name].raw, 4) == PUBLISHED_RAW[name]


def test_numenta_normalized_realknowncause_score_is_55_5(numenta_result: NabResult) -> None:
    assert round(numenta_result.normalized(), 1) == 55.5
    assert round(numenta_result.normalized(["machine_temperature_system_failure"]), 1) == 67.0


def _scores(rows: int, flagged: list[int]) -> np.ndarray:
    scores = np.zeros(rows)
    scores[flagged] = 1.0
    return scores


def test_detection_at_window_start_earns_the_full_reward() -> None:
    assert score_file(_scores(1000, [500]), [(500, 599)], 0.5).raw == pytest.approx(1.0, abs=1e-3)


def test_only_the_earliest_detection_in_a_window_counts() -> None:
    one = score_file(_scores(1000, [520]), [(500, 599)], 0.5).raw
    assert score_file(_scores(1000, [520, 540, 560]), [(500, 599)], 0.5).raw == pytest.approx(one)


def test_missed_window_costs_one_and_false_positive_before_it_costs_fp_weight() -> None:
    result = score_file(_scores(1000, [300]), [(500, 599)], 0.5)
    assert result.raw == pytest.approx(-1.0 - 0.11)
    assert result.false_positives == 1


def test_detections_in_the_probationary_period_are_ignored() -> None:
    # 15 % of 1000 rows = 150 probationary rows.
    assert score_file(_scores(1000, [100]), [(500, 599)], 0.5).raw == pytest.approx(-1.0)
