"""The storage job, run once as its timer does, writes its metrics for node_exporter's textfile collector."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cloud.config import Settings
from cloud.storage.maintenance import run_maintenance

pytestmark = pytest.mark.integration


def test_one_pass_writes_success_and_partitions_to_the_textfile(database_url: str, tmp_path: Path) -> None:
    textfile = tmp_path / "metrics" / "storage.prom"
    settings = Settings(database_url=database_url, metrics_textfile=textfile)
    run_maintenance(settings, threading.Event(), once=True)
    lines = textfile.read_text().splitlines()
    assert "maintainx_storage_last_run_success 1.0" in lines
    assert any(line.startswith("maintainx_storage_last_run_timestamp_seconds ") for line in lines)
