"""``maintainx model train`` on the simulator's run-to-failure CSVs: one JSON object, and clear errors."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from maintainx.commands.model import register

pytestmark = pytest.mark.integration


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser()
    register(p.add_subparsers(dest="command", required=True))
    return p


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("historian")
    out = folder / "t.csv"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "run-to-failure",
            "--machines",
            "24",
            "--seed",
            "7",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out, folder / "t_failures.csv"


def train_args(telemetry: Path, failures: Path, *extra: str) -> list[str]:
    return [
        "model", "train", "--telemetry", str(telemetry), "--failures", str(failures),
        "--time-col", "timestamp", "--machine-col", "machine_id", "--horizon", "24h",
        "--split-at", "2026-01-05T00:00:00Z", "--json", *extra,
    ]  # fmt: skip


def test_train_prints_precision_recall_f1_and_median_lead(
    export: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = parser().parse_args(train_args(*export))
    assert args.handler(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["signals"] == ["temperature", "vibration", "rpm"]
    assert result["failures_after_split"] > 0
    assert result["f1"] > 0.5 and result["precision"] > 0.5 and result["recall"] > 0.5
    assert result["median_lead_h"] > 4.0


def test_a_bad_time_in_the_export_is_reported_with_file_and_line(
    export: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = export[0].read_text().splitlines()
    lines[4] = "31/01/2026 10:00," + lines[4].split(",", 1)[1]
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(lines) + "\n")
    args = parser().parse_args(train_args(broken, export[1]))
    assert args.handler(args) == 2
    assert (
        "broken.csv:5: column 'timestamp': '31/01/2026 10:00' is not an ISO 8601" in capsys.readouterr().err
    )


def test_a_missing_machine_column_lists_the_columns_present(
    export: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = parser().parse_args(
        [*train_args(*export)[:8], "--machine-col", "asset", *train_args(*export)[10:]]
    )
    assert args.handler(args) == 2
    assert "no column 'asset'; columns present: timestamp, machine_id" in capsys.readouterr().err


def test_a_horizon_that_is_not_a_duration_is_refused() -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(train_args(Path("t"), Path("f"), "--horizon", "soon"))
