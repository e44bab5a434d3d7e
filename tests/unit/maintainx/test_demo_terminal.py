"""The demo's terminal: a warning when no reading arrives for a minute, and a banner naming the model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from maintainx.demo_terminal import SILENCE_WARN_S, banner, silence_warning

pytestmark = pytest.mark.unit

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
MINUTE = timedelta(seconds=SILENCE_WARN_S)


def test_no_warning_while_readings_arrive_or_within_the_first_minute() -> None:
    assert silence_warning(None, START, START + MINUTE / 2) is None
    assert silence_warning(START + MINUTE, START, START + MINUTE * 1.5) is None


def test_nothing_stored_a_minute_after_start_is_a_warning() -> None:
    warning = silence_warning(None, START, START + MINUTE + timedelta(seconds=5))
    assert warning and "no reading has arrived for 65 s" in warning and "logs/ingest.log" in warning


def test_only_the_previous_runs_readings_count_as_none_arriving() -> None:
    yesterday = START - timedelta(days=1)
    warning = silence_warning(yesterday, START, START + MINUTE * 2)
    assert warning and "no reading has arrived for 120 s" in warning


def test_readings_that_stop_are_a_warning() -> None:
    warning = silence_warning(START + MINUTE, START, START + MINUTE * 3)
    assert warning and "no new reading for 120 s" in warning


def test_the_banner_names_the_model_the_logins_and_the_docs() -> None:
    text = banner(api="http://127.0.0.1:8000", model="v-2", fleet="3 gateways", data_dir=Path("/d"))
    assert "model serving: v-2" in text
    assert "log in as admin@demo, engineer@demo or tech@demo with the password maintainx-demo" in text
    assert "API documentation: http://127.0.0.1:8000/docs" in text
