"""Property: however readings arrive (duplicated, reordered, split into any batches), the stored set and the
roll-ups are the same, against the real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import route
from cloud.ingestion.writer import write_batch
from contract.codec import encode
from contract.payloads import Reading, TelemetryBatch
from contract.topics import Kind, gateway_topic

pytestmark = pytest.mark.integration

GW = "gw-prop"
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
MACHINES = [uuid.UUID(int=0x0195F0A2_0000_7000_8000_000000000000 + i) for i in range(3)]
TOPIC = gateway_topic(GW, Kind.TELEMETRY)

readings_strategy = st.lists(
    st.builds(
        lambda n, m, s, t: Reading(
            id=uuid.UUID(int=(0x0195F0A3 << 96) + n),
            seq=n,
            machine_id=MACHINES[m],
            ts=T0 + timedelta(seconds=s),
            temperature=t,
            vibration=1.0,
            rpm=float(s),
        ),
        st.integers(0, 10**6),
        st.integers(0, len(MACHINES) - 1),
        st.integers(0, 3 * 3600),  # three hours: several minute and hour buckets
        st.floats(-50, 150, allow_nan=False).map(lambda x: round(x, 3)),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda r: r.id,
)


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[list[Reading], list[list[list[Reading]]]]:
    """Distinct readings, and a delivery: transactions of messages, each reading in at least one message."""
    rows = draw(readings_strategy)
    extra = draw(st.lists(st.sampled_from(rows), max_size=30))  # redeliveries and replays
    stream = draw(st.permutations(rows + extra))
    cuts = sorted(draw(st.lists(st.integers(1, max(1, len(stream) - 1)), max_size=6, unique=True)))
    messages = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True) if stream[a:b]]
    # A message may arrive twice within one transaction too (a QoS 1 redelivery before the ack).
    batches: list[list[list[Reading]]] = []
    for message in messages:
        copies = draw(st.integers(1, 2))
        same_transaction: bool = draw(st.booleans())
        if batches and same_transaction:
            batches[-1].extend([message] * copies)
        else:
            batches.append([message] * copies)
    return rows, batches


@pytest.fixture
def db(database_url: str) -> Iterator[sa.Engine]:
    """An engine on the test database, with the gateway and its machines registered."""
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO gateways (id) VALUES (:g)"), {"g": GW})
        for m in MACHINES:
            conn.execute(
                sa.text("INSERT INTO machines (id, name, type, gateway_id) VALUES (:m, 'm', 'pump', :g)"),
                {"m": m, "g": GW},
            )
    yield engine
    engine.dispose()


def _expected_rollup(
    rows: list[Reading], width: timedelta
) -> dict[tuple[uuid.UUID, datetime], tuple[Any, ...]]:
    groups: dict[tuple[uuid.UUID, datetime], list[Reading]] = {}
    for r in rows:
        bucket = T0 + ((r.ts - T0) // width) * width
        groups.setdefault((r.machine_id, bucket), []).append(r)
    out = {}
    for key, group in groups.items():
        temps = [r.temperature for r in group if r.temperature is not None]
        out[key] = (
            len(group),
            len(temps),
            pytest.approx(sum(temps)),
            min(temps, default=None),
            max(temps, default=None),
        )
    return out


def _stored_rollup(conn: sa.Connection, table: str) -> dict[tuple[uuid.UUID, datetime], tuple[Any, ...]]:
    rows = conn.execute(
        sa.text(
            "SELECT machine_id, bucket, n, temperature_count, temperature_sum, temperature_min, "
            f"temperature_max FROM {table}"
        )
    ).all()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=deliveries())
def test_any_delivery_with_duplicates_and_reordering_stores_the_same_rows_and_rollups(
    db: sa.Engine, case: tuple[list[Reading], list[list[list[Reading]]]]
) -> None:
    rows, batches = case
    with db.begin() as conn:
        conn.execute(sa.text("TRUNCATE sensor_data, sensor_rollup_1m, sensor_rollup_1h"))
    raw = db.raw_connection()
    try:
        for batch in batches:
            items = [
                route(Inbound(TOPIC, encode(TelemetryBatch(gateway_id=GW, sent_at=T0, readings=m)), i, 1, 1))
                for i, m in enumerate(batch)
            ]
            write_batch(raw.driver_connection, items)
            raw.commit()
    finally:
        raw.close()
    with db.connect() as conn:
        stored = conn.execute(
            sa.text('SELECT id, machine_id, "timestamp", temperature, rpm, seq FROM sensor_data')
        ).all()
        assert sorted(tuple(s) for s in stored) == sorted(
            (r.id, r.machine_id, r.ts, r.temperature, r.rpm, r.seq) for r in rows
        )
        assert _stored_rollup(conn, "sensor_rollup_1m") == _expected_rollup(rows, timedelta(minutes=1))
        assert _stored_rollup(conn, "sensor_rollup_1h") == _expected_rollup(rows, timedelta(hours=1))
