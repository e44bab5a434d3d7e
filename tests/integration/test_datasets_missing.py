"""A clone without the public datasets: their tests are skipped naming the path, unless CI requires them.

Runs pytest in a subprocess on the AI4I and NAB test files with ``MAINTAINX_DATASETS_DIR`` pointing at an
empty folder: collection must succeed, everything that needs no dataset must pass, and the dataset tests
are reported skipped with the path looked for; with ``MAINTAINX_REQUIRE_DATASETS=1`` they fail instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from maintainx.commands.datasets import ENV_VAR
from tests.conftest import REQUIRE_DATASETS_ENV

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
FILES = (
    "tests/unit/model_registry/evaluation/test_ai4i.py",
    "tests/unit/model_registry/evaluation/test_nab.py",
)


def _pytest(empty: Path, *, require: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (ENV_VAR, REQUIRE_DATASETS_ENV)}
    env[ENV_VAR] = str(empty)
    if require:
        env[REQUIRE_DATASETS_ENV] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsf", "-p", "no:cacheprovider", *FILES],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_missing_datasets_are_skipped_with_the_path_looked_for(tmp_path: Path) -> None:
    run = _pytest(tmp_path, require=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in run.stdout.lower()
    summary = run.stdout.strip().splitlines()[-1]
    # The AI4I file's pure-logic tests still run; 2 AI4I tests and 8 NAB tests need the data.
    assert " passed" in summary and "10 skipped" in summary, summary
    assert f"no ai4i2020/ai4i2020.csv at {tmp_path / 'ai4i2020' / 'ai4i2020.csv'}" in run.stdout
    assert f"no nab at {tmp_path / 'nab'}" in run.stdout


def test_ci_turns_a_missing_dataset_into_a_failure(tmp_path: Path) -> None:
    run = _pytest(tmp_path, require=True)
    assert run.returncode == 1, run.stdout + run.stderr
    summary = run.stdout.strip().splitlines()[-1]
    assert "skipped" not in summary, summary
    assert "failed" in summary and "passed" in summary, summary
    assert f"{REQUIRE_DATASETS_ENV}=1 requires the datasets" in run.stdout
    assert str(tmp_path / "nab") in run.stdout
