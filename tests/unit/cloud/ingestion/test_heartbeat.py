"""Heartbeat progress: counters go out as deltas exactly once, times as levels that only move forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cloud.ingestion.heartbeat import Progress

pytestmark = pytest.mark.unit

T = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_take_hands_out_the_counts_once_and_keeps_the_times() -> None:
    progress = Progress()
    progress.committed(rows=100, dead_letters=1, at=T, newest_event_ts=T - timedelta(seconds=5))
    progress.committed(rows=50, dead_letters=0, at=T + timedelta(seconds=1), newest_event_ts=None)
    taken = progress.take()
    assert (taken.rows, taken.dead_letters) == (150, 1)
    assert (taken.last_commit_at, taken.newest_event_ts) == (
        T + timedelta(seconds=1),
        T - timedelta(seconds=5),
    )
    again = progress.take()
    assert (again.rows, again.dead_letters, again.last_commit_at) == (0, 0, T + timedelta(seconds=1))


def test_newest_event_time_never_moves_backwards() -> None:
    progress = Progress()
    progress.committed(rows=1, dead_letters=0, at=T, newest_event_ts=T)
    progress.committed(rows=1, dead_letters=0, at=T, newest_event_ts=T - timedelta(hours=1))  # a replay
    assert progress.take().newest_event_ts == T


def test_counts_of_a_failed_heartbeat_are_carried_to_the_next() -> None:
    progress = Progress()
    progress.committed(rows=10, dead_letters=2, at=T, newest_event_ts=T)
    failed = progress.take()
    progress.committed(rows=5, dead_letters=0, at=T, newest_event_ts=T)
    progress.give_back(failed)
    taken = progress.take()
    assert (taken.rows, taken.dead_letters) == (15, 2)
