"""Storage maintenance started before its database retries with capped backoff, not after a whole interval."""

from __future__ import annotations

import logging
import threading

import pytest
import sqlalchemy as sa

from cloud.config import Settings
from cloud.storage.maintenance import run_maintenance
from tests.integration.cloud.ingestion.kit import wait_until

pytestmark = pytest.mark.integration


def test_maintenance_waits_for_a_database_that_comes_up_late_and_stops_on_request(
    pg_admin_url: str, _template_db: str, late_database: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    url, name = late_database
    # An hour between passes: a retry after a whole interval would never be seen here.
    settings = Settings(database_url=url, storage_maintenance_interval_s=3600.0)
    stop = threading.Event()
    runner = threading.Thread(target=run_maintenance, args=(settings, stop), daemon=True)
    with caplog.at_level(logging.INFO, logger="cloud.storage.maintenance"):
        runner.start()
        try:

            def messages(text: str) -> list[str]:
                return [r.getMessage() for r in caplog.records if text in r.getMessage()]

            wait_until(lambda: len(messages("failed, retrying")) >= 2, timeout=30, what="two failed passes")
            waits = [m.split("retrying in ")[1].split(" s")[0] for m in messages("failed, retrying")[:2]]
            assert waits == ["1", "2"]  # doubling, starting small
            admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{_template_db}"'))
            admin.dispose()
            wait_until(
                lambda: messages("partitions created"), timeout=60, what="a pass once the database is up"
            )
        finally:
            stop.set()
            runner.join(10)
    assert not runner.is_alive()
