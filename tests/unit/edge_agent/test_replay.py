"""CSV replay: any column names via a mapping, paced by the recorded time, bad rows counted and skipped."""

from __future__ import annotations

import itertools
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from edge_agent.config import MachineConfig, ReplaySourceConfig
from edge_agent.errors import SourceError
from edge_agent.sources.replay import ReplaySource

pytestmark = pytest.mark.unit

M1, M2 = uuid.UUID(int=1), uuid.UUID(int=2)
MACHINES = [MachineConfig(M1, "a", "pump"), MachineConfig(M2, "b", "pump")]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def write_csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "rec.csv"
    path.write_text("\n".join(["time,temp_c,vib,speed,machine", *rows]) + "\n")
    return path


def source(path: Path, clock: Clock, **kw: object) -> ReplaySource:
    cfg = ReplaySourceConfig(
        path=str(path),
        timestamp_column="time",
        columns={"temperature": "temp_c", "vibration": "vib", "rpm": "speed"},
        machine_column="machine",
        **kw,  # type: ignore[arg-type]
    )
    return ReplaySource(cfg, MACHINES, clock=clock)


def test_rows_come_at_their_recorded_pace_scaled_by_speed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [f"2024-01-01T00:00:{s:02d},60,2,1500,{M1}" for s in (0, 10, 20)],
    )
    clock = Clock()
    src = source(path, clock, speed=10.0)
    assert len(src.read()) == 1
    clock.now = 0.5
    assert src.read() == []
    clock.now = 1.0
    got = src.read()
    assert [s.ts for s in got] == [datetime(2024, 1, 1, 0, 0, 10, tzinfo=UTC)]
    clock.now = 5.0
    assert len(src.read()) == 1 and src.read() == [] and src.exhausted
    src.close()


def test_bad_rows_are_logged_with_line_numbers_counted_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_csv(
        tmp_path,
        [
            f"1700000000,60,2,1500,{M1}",
            f"1700000001,hot,2,1500,{M1}",
            f"1700000002,60,2,1500,{uuid.UUID(int=9)}",
            f"yesterday,60,2,1500,{M2}",
            f"1700000004,61,2,1500,{M2}",
        ],
    )
    with caplog.at_level(logging.WARNING):
        samples = source(path, Clock(), speed=0).read()
    assert [(s.machine_id, s.temperature) for s in samples] == [(M1, 60.0), (M2, 61.0)]
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "rec.csv line 3 skipped: temp_c: 'hot' is not a number"
    assert "line 4 skipped" in messages[1] and "is not configured" in messages[1]
    assert "line 5 skipped" in messages[2] and "neither ISO 8601 nor epoch" in messages[2]


def test_missing_columns_are_refused_when_opening(tmp_path: Path) -> None:
    path = tmp_path / "rec.csv"
    path.write_text("time,temp_c\n1,2\n")
    with pytest.raises(SourceError, match=r"rec.csv: missing column\(s\) vib, speed, machine"):
        source(path, Clock())


def test_loop_continues_the_timeline_and_now_mode_drops_timestamps(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [f"2024-01-01T00:00:0{s},60,2,1500,{M1}" for s in (0, 1)])
    looping = source(path, Clock(), speed=0, loop=True)
    looped = looping.read()
    looping.close()
    assert len(looped) == 1_000
    assert all(a.ts is not None and b.ts is not None and a.ts < b.ts for a, b in itertools.pairwise(looped))
    assert all(s.ts is None for s in source(path, Clock(), speed=0, timestamps="now").read())
