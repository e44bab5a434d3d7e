"""A data folder the agent cannot use stops it at once with one clear line and exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.edge_agent.kit import REPO, Agent, machine_ids
from tests.reliability.edge_agent.mounts import tmpfs

pytestmark = pytest.mark.reliability

NO_BROKER = "mqtt://127.0.0.1:9"  # never reached: the agent must stop before it connects


def _start(tmp_path: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    agent = Agent(tmp_path / "agent", NO_BROKER, "gw-dd", machine_ids(1, 1), data_dir=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "edge_agent", "--config", str(agent.config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


def _one_clear_line(done: subprocess.CompletedProcess[str], path: Path, what: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if '"level":"ERROR"' in line.replace(" ", "")]
    assert len(errors) == 1, done.stderr
    assert str(path) in errors[0] and what in errors[0], errors[0]


def test_a_data_folder_under_a_file_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")
    data = tmp_path / "a-file" / "data"
    _one_clear_line(_start(tmp_path, data), data, "is a file, not a folder")


def test_a_data_folder_on_a_read_only_mount_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", size_kib=1024, read_only=True) as ro:
        # Root ignores permission bits, but not a read-only mount.
        _one_clear_line(_start(tmp_path, ro), ro, "cannot be written: Read-only file system")


def test_a_missing_data_folder_that_cannot_be_created_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", size_kib=1024, read_only=True) as ro:
        missing = ro / "var" / "maintainx"
        _one_clear_line(
            _start(tmp_path, missing), missing, "missing and cannot be created: Read-only file system"
        )
