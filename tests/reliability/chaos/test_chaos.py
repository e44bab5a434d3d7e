"""Chaos under load: broker, workers, PostgreSQL and agents killed at seeded moments; nothing lost or doubled.

Three seeded runs of ``SECONDS`` of load (see ``harness.py``); the long form is ``python -m bench.chaos``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cloud.db import upgrade_database
from cloud.embedded_postgres import embedded_postgres
from tests.conftest import reachable_tmpdir
from tests.reliability.chaos.harness import EVENTS, PostgresControl, run_chaos

pytestmark = pytest.mark.reliability

SECONDS = 12.0


@pytest.fixture(scope="module")
def chaos_postgres() -> Iterator[tuple[str, PostgresControl]]:
    """A private embedded PostgreSQL these runs may crash, migrated once; gateways differ per seed."""
    folder = reachable_tmpdir("maintainx-chaos-pg-")
    url = embedded_postgres(folder, "chaos")
    upgrade_database(url)
    yield url, PostgresControl(folder)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kills_at_seeded_moments_lose_and_duplicate_nothing_beyond_the_counted_outbox_drops(
    seed: int, chaos_postgres: tuple[str, PostgresControl], tmp_path: Path
) -> None:
    url, postgres = chaos_postgres
    result = run_chaos(seed, SECONDS, tmp_path, url, postgres)
    assert len(result.events) == len(EVENTS), result.events
    assert result.caught_up, f"records still missing {result.catch_up_s}s after the load: {result}"
    assert result.total("made") > 1_000, "too little load to mean anything"
    for name, count in result.streams.items():
        assert count.duplicated == 0, f"{name}: {count}"
        assert count.lost <= count.dropped, f"{name}: {count} after {result.events}"
    # Nothing was dropped (the outbox is far from full), so nothing at all may be missing.
    assert result.total("dropped") == 0 and result.total("lost") == 0, result
