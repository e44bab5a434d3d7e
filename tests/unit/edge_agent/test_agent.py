"""One agent tick: readings and predictions reach the outbox with identity, seq and features."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import numpy as np
import pytest

from contract import MaintenanceCommand, Prediction, Reading
from contract.features import FEATURE_NAMES, batch_features
from edge_agent.agent import Agent
from edge_agent.config import load_config
from edge_agent.inference import load_model
from edge_agent.outbox import Outbox, Stream
from edge_agent.sources.base import Sample

from .conftest import MACHINE_IDS, config_text

pytestmark = pytest.mark.unit


class ListSource:
    """A scripted source: each read() returns the next prepared list of samples."""

    def __init__(self, ticks: list[list[Sample]]) -> None:
        self.ticks = ticks
        self.maintained: list[uuid.UUID] = []

    def read(self) -> list[Sample]:
        return self.ticks.pop(0) if self.ticks else []

    def on_maintenance(self, machine_id: uuid.UUID) -> None:
        self.maintained.append(machine_id)

    def close(self) -> None:
        pass


def make_agent(tmp_path: Path, model_dir: Path, source: ListSource) -> Agent:
    path = tmp_path / "agent.toml"
    path.write_text(config_text(tmp_path, model_dir))
    config = load_config(path, env={})
    outbox = Outbox(config.data_dir, config.outbox_max_records)
    return Agent(config, source, load_model(model_dir), outbox)


def steady(n: int, vibration: float = 2.0) -> list[list[Sample]]:
    return [[Sample(m, 60.0, vibration, 1500.0) for m in MACHINE_IDS[:2]] for _ in range(n)]


def stored(agent: Agent, stream: Stream, kind: type) -> list:
    return [msgspec.json.decode(p, type=kind) for _, p in agent.outbox.claim(stream, 10_000)]


def test_predictions_start_once_the_window_is_full(tmp_path: Path, model_dir: Path) -> None:
    agent = make_agent(tmp_path, model_dir, ListSource(steady(12)))
    counts = [agent.tick() for _ in range(12)]
    assert counts[:9] == [(2, 0)] * 9  # window is 10 samples
    assert counts[9:] == [(2, 2)] * 3
    readings = stored(agent, Stream.READINGS, Reading)
    predictions = stored(agent, Stream.PREDICTIONS, Prediction)
    assert [r.seq for r in readings] == list(range(24))
    assert [p.seq for p in predictions] == list(range(6))
    assert len({r.id for r in readings}) == 24
    assert all(r.ts.tzinfo is not None for r in readings)
    p = predictions[0]
    assert list(p.features or {}) == list(FEATURE_NAMES)
    assert p.features is not None and p.features["vibration_mean"] == pytest.approx(2.0)
    assert p.model_version == "tiny-1" and p.is_anomaly is (p.anomaly_score >= 0.5)


def test_source_timestamps_are_kept(tmp_path: Path, model_dir: Path) -> None:
    ts = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    agent = make_agent(tmp_path, model_dir, ListSource([[Sample(MACHINE_IDS[0], 60.0, 2.0, 1500.0, ts)]]))
    agent.tick()
    assert stored(agent, Stream.READINGS, Reading)[0].ts == ts


def test_implausible_samples_are_counted_not_stored(tmp_path: Path, model_dir: Path) -> None:
    bad = [Sample(MACHINE_IDS[0], 900.0, 2.0, 1500.0), Sample(MACHINE_IDS[1], 60.0, 2.0, 1500.0)]
    agent = make_agent(tmp_path, model_dir, ListSource([bad]))
    assert agent.tick() == (1, 0)
    assert agent.status().dropped["invalid"] == 1
    assert "temperature" in (agent.status().last_error or "")
    assert [r.seq for r in stored(agent, Stream.READINGS, Reading)] == [0]


def test_maintenance_reaches_the_source_and_clears_the_window(tmp_path: Path, model_dir: Path) -> None:
    source = ListSource(steady(11))
    agent = make_agent(tmp_path, model_dir, source)
    for _ in range(10):
        agent.tick()
    command = MaintenanceCommand(machine_id=MACHINE_IDS[0], ticket_id=uuid.uuid4(), ts=datetime.now(UTC))
    agent.submit_command(command)
    _, predictions = agent.tick()
    assert source.maintained == [MACHINE_IDS[0]]
    assert predictions == 1  # only the machine whose window was not cleared


def test_crossing_the_failure_threshold_logs_one_warning(
    tmp_path: Path, model_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    agent = make_agent(tmp_path, model_dir, ListSource(steady(13, vibration=9.0)))
    with caplog.at_level(logging.WARNING, logger="edge_agent.agent"):
        for _ in range(13):
            agent.tick()
    warnings = [r for r in caplog.records if "at risk" in r.getMessage()]
    assert len(warnings) == 2  # one per machine, not one per prediction


def test_status_reports_machines_depth_and_model(tmp_path: Path, model_dir: Path) -> None:
    agent = make_agent(tmp_path, model_dir, ListSource(steady(3)))
    for _ in range(3):
        agent.tick()
    status = agent.status(online=True)
    assert status.online and status.model_version == "tiny-1" and status.outbox_depth == 6
    assert [m.id for m in status.machines] == MACHINE_IDS[:2]
    assert status.dropped == {"predictions": 0, "readings": 0, "invalid": 0}


def test_a_tick_with_several_samples_per_machine_scores_each_window_like_batch_features(
    tmp_path: Path, model_dir: Path
) -> None:
    # A replayed file delivers many rows per tick, the same machine several times, in file order.
    a, b = MACHINE_IDS[:2]
    rows = [
        (a if i % 3 else b, 60.0 + i * 0.5, 2.0 + (i % 7) * 0.1, 1400.0 + (i * 37) % 200) for i in range(60)
    ]
    ticks = [
        [Sample(m, t, v, r) for m, t, v, r in rows[:25]],
        [Sample(m, t, v, r) for m, t, v, r in rows[25:]],
    ]
    agent = make_agent(tmp_path, model_dir, ListSource(ticks))
    agent.tick()
    agent.tick()
    predictions = stored(agent, Stream.PREDICTIONS, Prediction)
    expected = []
    for machine in (a, b):
        mine = [(t, v, r) for m, t, v, r in rows if m == machine]
        expected += [
            (machine, batch_features(np.array([mine[i - 9 : i + 1]]))[0]) for i in range(9, len(mine))
        ]
    assert len(predictions) == len(expected) == (40 - 9) + (20 - 9)
    got = {machine: [p for p in predictions if p.machine_id == machine] for machine in (a, b)}
    for machine, features in expected:
        p = got[machine].pop(0)
        assert p.features is not None
        np.testing.assert_allclose(list(p.features.values()), features, rtol=4e-7, atol=1e-6)


def test_a_disk_that_refuses_writes_stops_neither_scoring_nor_alerting_and_every_loss_is_counted(
    tmp_path: Path, model_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    agent = make_agent(tmp_path, model_dir, ListSource(steady(40, vibration=9.0)))
    db = agent.outbox._db
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")  # disk full
    with caplog.at_level(logging.WARNING, logger="edge_agent.agent"):
        counts = [agent.tick() for _ in range(30)]
    assert counts[9:] == [(2, 2)] * 21  # scored every tick though nothing was stored
    assert [r for r in caplog.records if "at risk" in r.getMessage()]  # local alerts went on
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1  # rate-limited: not one a tick
    status = agent.status()
    # Small readings still fit in the pages the database has; no prediction does. Whatever was not kept
    # is counted: made = stored (seq) + refused by the disk, per stream.
    assert status.dropped["disk.predictions"] == 42 == agent.made[Stream.PREDICTIONS]
    for stream in Stream:
        assert agent.made[stream] == agent.outbox.next_seq(stream) + status.dropped.get(f"disk.{stream}", 0)
    assert agent.made[Stream.READINGS] == 60
    assert "cannot store" in (status.last_error or "")
    db.execute("PRAGMA max_page_count = 1073741823")  # space is back
    with caplog.at_level(logging.WARNING, logger="edge_agent.agent"):
        agent.tick()
    assert any("writable again" in r.getMessage() for r in caplog.records)
    assert agent.outbox.next_seq(Stream.PREDICTIONS) == 2 and agent.status().last_error is None
    assert agent.status().dropped["disk.predictions"] == 42
