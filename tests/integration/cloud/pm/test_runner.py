"""The engine loop's PM runner: a pass at most every ``every_s``, and a failing pass never raises."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cloud.db import make_engine, session_factory
from cloud.pm.runner import PmRunner
from cloud.pm.scheduler import PmSettings
from maintainx.services import free_port

pytestmark = pytest.mark.integration


def test_a_pass_runs_once_per_interval_and_a_database_that_is_down_only_logs(
    sessions: sessionmaker[Session], seed: Any, caplog: pytest.LogCaptureFixture
) -> None:
    seed.machine("Pump 01")
    runner = PmRunner(sessions, PmSettings(), every_s=3600)
    first = runner.maybe_run()
    assert first is not None and not first.locked_out
    assert runner.maybe_run() is None  # not due again for an hour
    down = make_engine(f"postgresql+psycopg2://nobody@127.0.0.1:{free_port()}/none")
    assert PmRunner(session_factory(down), PmSettings(), every_s=0).maybe_run() is None
    down.dispose()
    assert "PM scheduler pass failed" in caplog.text
