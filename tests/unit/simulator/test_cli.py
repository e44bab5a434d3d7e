"""The simulator's command line writes readings and breakdowns as CSV and refuses bad arguments."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from simulator.__main__ import main
from simulator.failures import FAILURE_MODES

pytestmark = pytest.mark.unit


def test_run_to_failure_writes_readings_and_breakdowns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data.csv"
    assert main(["run-to-failure", "--machines", "4", "--seed", "1", "--out", str(out)]) == 0
    with out.open() as f:
        rows = list(csv.DictReader(f))
    with (tmp_path / "data_failures.csv").open() as f:
        failures = list(csv.DictReader(f))
    assert list(rows[0]) == ["timestamp", "machine_id", "temperature", "vibration", "rpm"]
    assert len({r["machine_id"] for r in rows}) == 4
    assert rows[0]["timestamp"] == "2026-01-01T00:05:00+00:00"
    assert len(failures) == 3  # 30 % of 4 machines healthy -> 1
    assert {f["failure_mode"] for f in failures} == set(FAILURE_MODES)
    for failure in failures:
        # Readings after the breakdown show a stopped machine (the one at it may still be coasting down).
        after = [
            r
            for r in rows
            if r["machine_id"] == failure["machine_id"] and r["timestamp"] > failure["timestamp"]
        ]
        assert after and all(float(r["rpm"]) < 20.0 for r in after)
    assert "wrote" in capsys.readouterr().out


def test_same_seed_writes_the_same_file(tmp_path: Path) -> None:
    for name in ("a.csv", "b.csv"):
        assert main(["run-to-failure", "--machines", "2", "--seed", "5", "--out", str(tmp_path / name)]) == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--machines", "0"], "--machines"),
        (["--sample-period", "-1"], "--sample-period"),
        (["--start", "yesterday"], "ISO 8601"),
    ],
)
def test_bad_arguments_exit_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run-to-failure", "--out", str(tmp_path / "x.csv"), *args])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_missing_output_folder_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run-to-failure", "--out", str(tmp_path / "nope" / "x.csv")])
    assert "does not exist" in capsys.readouterr().err
