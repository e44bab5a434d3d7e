"""Windows and labels from run-to-failure runs: horizon labels, nothing from after the breakdown."""

from __future__ import annotations

import numpy as np
import pytest

from contract.features import N_FEATURES, batch_features
from model_registry.training.datasets import build_dataset, windows_of_run
from model_registry.training.errors import DatasetError
from simulator.fleet import run_to_failure

pytestmark = pytest.mark.unit

HOUR = 3600.0


@pytest.fixture(scope="module")
def runs():  # type: ignore[no-untyped-def]
    return run_to_failure(4, seed=2, healthy_share=0.25)


def test_windows_stop_before_the_breakdown(runs) -> None:  # type: ignore[no-untyped-def]
    failing = next(r for r in runs if r.failure)
    windows, ends = windows_of_run(failing, window=30)
    assert ends[-1] == failing.failed_at - 1
    assert ends[0] == 29
    assert np.array_equal(windows[-1], failing.samples[failing.failed_at - 30 : failing.failed_at])


def test_labels_mark_breakdown_within_the_horizon(runs) -> None:  # type: ignore[no-untyped-def]
    data = build_dataset(runs, window=30, horizon_s=12 * HOUR)
    assert data.features.shape == (len(data), N_FEATURES)
    assert data.features.dtype == np.float32
    assert np.array_equal(data.labels == 1, data.time_to_failure_s <= 12 * HOUR)
    assert np.all(data.time_to_failure_s > 0)  # no window reaches the breakdown
    healthy_runs = [i for i, r in enumerate(runs) if r.failure is None]
    assert not data.labels[np.isin(data.run_index, healthy_runs)].any()
    # Each failing run has exactly 12 h of positive windows (144 samples of 300 s).
    for i, run in enumerate(runs):
        if run.failure:
            assert int(data.labels[data.run_index == i].sum()) == 144


def test_features_are_the_shared_feature_definition(runs) -> None:  # type: ignore[no-untyped-def]
    data = build_dataset(runs[:1], window=20, stride=7)
    windows, _ = windows_of_run(runs[0], window=20, stride=7)
    assert np.array_equal(data.features, batch_features(windows))


def test_healthy_mask_is_windows_without_a_developing_fault(runs) -> None:  # type: ignore[no-untyped-def]
    data = build_dataset(runs)
    assert np.array_equal(data.healthy, np.isinf(data.time_to_failure_s))
    assert data.healthy.any() and (~data.healthy).any()


def test_bad_arguments_and_too_short_runs_are_refused(runs) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatasetError, match="window"):
        build_dataset(runs, window=1)
    with pytest.raises(DatasetError, match="longer than the window"):
        build_dataset(runs, window=100_000)
