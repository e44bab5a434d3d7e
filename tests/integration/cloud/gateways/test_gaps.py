"""GET /api/gateways/{id}/gaps: the seqs missing from a gateway's streams, against a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cloud.gateways.gaps import MAX_RANGES
from cloud.telemetry.models import SensorData
from contract import new_id

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def store_readings(seed: Any, gateway_id: str, seqs: list[int]) -> None:
    machine = seed.machine(f"{gateway_id} pump", gateway_id=gateway_id)
    rows = [
        {
            "id": new_id(),
            "machine_id": machine,
            "timestamp": T0 + timedelta(seconds=seq),
            "temperature": 60.0,
            "vibration": 2.0,
            "rpm": 1500.0,
            "gateway_id": gateway_id,
            "seq": seq,
        }
        for seq in seqs
    ]
    with seed.sessions.begin() as s:
        s.execute(SensorData.__table__.insert(), rows)


def test_missing_seq_ranges_are_listed_and_counted_per_stream_beside_the_outbox_drops(
    client: TestClient, seed: Any
) -> None:
    seed.gateway("gw-05", dropped={"readings": 3, "predictions": 0})
    seed.gateway("gw-06")
    store_readings(seed, "gw-05", [*range(5, 10), 12, *range(16, 20)])
    store_readings(seed, "gw-06", [10, 11])  # another gateway's seqs fill no gap of gw-05

    body = client.get("/api/gateways/gw-05/gaps").json()

    readings, predictions = body["streams"]
    assert body["gateway_id"] == "gw-05" and body["dropped"] == {"readings": 3, "predictions": 0}
    assert readings == {
        "stream": "readings",
        "first_seq": 5,
        "last_seq": 19,
        "stored": 10,
        "missing": 5,
        "ranges": [[10, 11], [13, 15]],
        "more_ranges": False,
    }
    assert predictions["stored"] == 0 and predictions["missing"] == 0 and predictions["first_seq"] is None


def test_a_gateway_with_many_gaps_lists_the_first_ranges_and_counts_every_missing_seq(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    seed.gateway("gw-07")
    store_readings(seed, "gw-07", list(range(0, 2 * (MAX_RANGES + 10), 2)))
    readings = client.get("/api/gateways/gw-07/gaps").json()["streams"][0]
    assert readings["missing"] == MAX_RANGES + 9
    assert len(readings["ranges"]) == MAX_RANGES and readings["more_ranges"] is True
    assert readings["ranges"][0] == [1, 1]
    expect_problem(client.get("/api/gateways/gw-08/gaps"), 404, "gateway gw-08 does not exist")
