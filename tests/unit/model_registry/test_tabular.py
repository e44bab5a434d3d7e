"""Bring-your-own-data training on plain arrays and small CSVs: features, labels, and readable errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from contract.features import batch_features
from model_registry.training.historian import (
    HistorianData,
    HistorianFormatError,
    MachineSeries,
    read_historian,
)
from model_registry.training.tabular import TabularConfig, build_windows, feature_names, generic_features

pytestmark = pytest.mark.unit


def test_generic_features_match_the_agents_statistics_for_its_three_signals() -> None:
    windows = np.random.default_rng(1).normal(size=(7, 30, 3)) * [5.0, 1.0, 100.0] + [60.0, 2.0, 1500.0]
    np.testing.assert_allclose(
        generic_features(windows), batch_features(windows)[:, :18], rtol=1e-5, atol=1e-5
    )
    assert feature_names(("a", "b"))[:3] == ["a_mean", "a_std", "a_slope"]


def test_windows_are_labelled_by_time_to_the_next_failure_and_never_span_one() -> None:
    times = np.arange(20, dtype=np.float64) * 3600.0  # hourly readings
    series = MachineSeries(times, np.random.default_rng(0).normal(size=(20, 2)), np.array([10.5 * 3600.0]))
    windows = build_windows(
        HistorianData(("a", "b"), {"m1": series}), TabularConfig(horizon_s=3 * 3600.0, window=4)
    )
    # Ends at hours 3..19; windows ending at 11..13 contain the failure at 10.5 h and are left out.
    assert windows.end_s.tolist() == [h * 3600.0 for h in (*range(3, 11), *range(14, 20))]
    assert windows.labels.tolist() == [0, 0, 0, 0, 0, 1, 1, 1] + [0] * 6
    assert windows.ttf_s[7] == pytest.approx(0.5 * 3600.0)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_missing_columns_bad_times_and_bad_numbers_name_the_file_and_line(tmp_path: Path) -> None:
    failures = write(tmp_path / "f.csv", "time,machine\n2026-01-02T00:00:00,m1\n")
    telemetry = write(tmp_path / "t.csv", "time,machine,temp\n2026-01-01T00:00:00,m1,1.0\nlater,m1,2.0\n")
    with pytest.raises(HistorianFormatError, match=r"t\.csv:3: column 'time': 'later' is not an ISO 8601"):
        read_historian(telemetry, failures, "time", "machine")
    bad_number = write(
        tmp_path / "n.csv", "time,machine,temp\n2026-01-01T00:00:00,m1,1.0\n2026-01-01T01:00:00,m1,hot\n"
    )
    with pytest.raises(HistorianFormatError, match=r"n\.csv:3: column 'temp': 'hot' is not a number"):
        read_historian(bad_number, failures, "time", "machine")
    with pytest.raises(HistorianFormatError, match="no column 'ts'"):
        read_historian(telemetry, failures, "ts", "machine")
    with pytest.raises(HistorianFormatError, match="no such file"):
        read_historian(tmp_path / "missing.csv", failures, "time", "machine")


def test_every_other_numeric_column_is_a_signal_and_gaps_are_filled(tmp_path: Path) -> None:
    failures = write(tmp_path / "f.csv", "time,machine\n")
    telemetry = write(
        tmp_path / "t.csv",
        "time,machine,site,temp,rpm\n"
        "2026-01-01T01:00:00Z,m1,lyon,,1500\n"
        "2026-01-01T00:00:00Z,m1,lyon,60.5,1490\n"
        "2026-01-01T02:00:00Z,m1,lyon,61.0,\n",
    )
    data = read_historian(telemetry, failures, "time", "machine")
    assert data.signals == ("temp", "rpm")
    series = data.machines["m1"]
    assert np.diff(series.times).tolist() == [3600.0, 3600.0]  # sorted by time
    assert series.values.tolist() == [[60.5, 1490.0], [60.5, 1500.0], [61.0, 1500.0]]
