"""Fixtures for ingestion tests: a running worker on the test broker and database, a publisher, an engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from cloud.ingestion.worker import IngestWorker
from maintainx.services import Broker
from tests.integration.cloud.ingestion.kit import Publisher, make_settings, wait_until


@pytest.fixture
def publisher(broker: Broker) -> Iterator[Publisher]:
    """A connected publisher on the test broker."""
    p = Publisher(broker)
    yield p
    p.close()


@pytest.fixture
def db(database_url: str) -> Iterator[sa.Engine]:
    """An engine on the test database."""
    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def worker(broker: Broker, database_url: str) -> Iterator[IngestWorker]:
    """A running ingestion worker, subscribed before the test publishes anything."""
    w = IngestWorker(make_settings(broker), database_url=database_url).start()
    wait_until(w.consumer.subscribed.is_set, what="worker subscribed")
    yield w
    w.stop(timeout=10)
    assert w.error is None
