"""The demo's supervisor restarts children that die and leaves none behind when it stops."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from maintainx.supervisor import Supervisor

pytestmark = pytest.mark.integration

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_child_that_dies_is_restarted_and_logs_to_its_own_file(tmp_path: Path) -> None:
    sup = Supervisor(tmp_path / "logs")
    child = sup.add("flaky", [sys.executable, "-c", "print('started', flush=True); raise SystemExit(3)"])
    try:
        first_pid = child.proc.pid if child.proc else None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            sup.poll()
            if child.proc is not None and child.proc.pid != first_pid:
                break
            time.sleep(0.1)
        assert child.proc is not None and child.proc.pid != first_pid
        assert child.failures >= 1
    finally:
        sup.stop()
    assert "started" in (tmp_path / "logs" / "flaky.log").read_text()


def test_stop_terminates_every_child(tmp_path: Path) -> None:
    sup = Supervisor(tmp_path / "logs")
    children = [sup.add(f"sleeper-{i}", SLEEPER) for i in range(3)]
    sup.stop()
    assert all(c.proc is not None and c.proc.poll() is not None for c in children)


def test_a_child_that_ignores_sigterm_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("maintainx.supervisor.STOP_GRACE_S", 1.0)
    stubborn = [
        sys.executable,
        "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); "
        "time.sleep(60)",
    ]
    sup = Supervisor(tmp_path / "logs")
    child = sup.add("stubborn", stubborn)
    deadline = time.monotonic() + 10
    while "ready" not in (tmp_path / "logs" / "stubborn.log").read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    sup.stop()
    assert child.proc is not None and child.proc.poll() is not None
