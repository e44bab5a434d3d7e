"""The example Prometheus configuration and its alert rules pass Prometheus's own checker (promtool)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

PROMETHEUS = Path(__file__).resolve().parents[2] / "monitoring" / "prometheus"


def test_promtool_accepts_the_scrape_example_and_every_alert_rule() -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is missing: scripts/install-system-deps installs it (Debian: prometheus)")
    # check config also checks the rule files the configuration names (alerts.yml).
    done = subprocess.run(
        [promtool, "check", "config", "scrape.example.yml"],
        cwd=PROMETHEUS,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "alerts.yml" in done.stdout and "SUCCESS: 9 rules found" in done.stdout, done.stdout
