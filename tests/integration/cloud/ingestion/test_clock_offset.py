"""The gateway clock offset kept by ingestion, on the real PostgreSQL: the highest sample over the current
and the previous window, so a backlog delivered late cannot drag it down while a clock that moved is
followed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa

from cloud.ingestion.clock import OFFSET_WINDOW_S
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import route
from cloud.ingestion.timecheck import TimeWindow
from cloud.ingestion.writer import write_batch
from contract.codec import encode
from contract.payloads import TelemetryBatch, new_id
from contract.topics import Kind, gateway_topic
from tests.integration.cloud.ingestion.kit import readings

pytestmark = pytest.mark.integration

GW = "gw-clock"


def _deliver(db: sa.Engine, *, sent_ago: timedelta, backlog: int = 0) -> None:
    """One telemetry message sent ``sent_ago`` (on the gateway's clock) before it is received now."""
    now = datetime.now(UTC)
    rows = [msgspec.structs.replace(r, ts=now - sent_ago) for r in readings(new_id(), 1)]
    rows += [msgspec.structs.replace(r, ts=now - timedelta(days=2)) for r in readings(new_id(), backlog)]
    payload = encode(TelemetryBatch(gateway_id=GW, sent_at=now - sent_ago, readings=rows))
    routed = route(Inbound(gateway_topic(GW, Kind.TELEMETRY), payload, 1, 1, 1), TimeWindow(), now)
    raw: Any = db.raw_connection()
    try:
        write_batch(raw.driver_connection, [routed])
        raw.commit()
    finally:
        raw.close()


def _offset(db: sa.Engine) -> float:
    with db.connect() as conn:
        value = conn.execute(sa.text("SELECT clock_offset_s FROM gateways WHERE id = :g"), {"g": GW}).scalar()
    assert isinstance(value, float)
    return value


def _end_window(db: sa.Engine) -> None:
    """Move the current window's start back, as if its time had passed."""
    with db.begin() as conn:
        conn.execute(
            sa.text("UPDATE gateways SET clock_window_start = now() - make_interval(secs => :s)"),
            {"s": OFFSET_WINDOW_S + 1},
        )


def test_a_late_backlog_does_not_drag_the_offset_down_and_a_moved_clock_is_followed(db: sa.Engine) -> None:
    _deliver(db, sent_ago=timedelta(seconds=0))
    prompt = _offset(db)
    assert -5 < prompt <= 0

    # Ingestion was down for an hour: the broker delivers what was sent then.
    _deliver(db, sent_ago=timedelta(hours=1))
    assert _offset(db) == prompt
    _end_window(db)
    _deliver(db, sent_ago=timedelta(hours=1))
    assert _offset(db) == prompt

    # The gateway's clock is really set ten minutes back: followed once the prompt window has passed.
    _end_window(db)
    _deliver(db, sent_ago=timedelta(minutes=10))
    assert -605 < _offset(db) <= -600


def test_late_rows_are_counted_on_the_gateway(db: sa.Engine) -> None:
    _deliver(db, sent_ago=timedelta(0), backlog=3)
    _deliver(db, sent_ago=timedelta(0), backlog=2)
    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT late_rows FROM gateways")).scalar() == 5
        assert conn.execute(sa.text("SELECT count(*) FROM sensor_data")).scalar() == 7
