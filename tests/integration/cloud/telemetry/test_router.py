"""GET /api/machines/{id}/readings: ranges, defaults, validation and the 2000-point cap."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def iso(ts: datetime) -> str:
    return ts.isoformat().replace("+00:00", "Z")


def test_readings_in_a_range_come_oldest_first_and_the_end_is_exclusive(
    client: TestClient, seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    seed.readings(machine, [T0 + timedelta(seconds=s) for s in (30, 10, 20, 40)])
    response = client.get(
        f"/api/machines/{machine}/readings",
        params={"start": iso(T0 + timedelta(seconds=10)), "end": iso(T0 + timedelta(seconds=40))},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["machine_id"] == str(machine)
    assert body["start"] == "2026-11-26T12:00:10Z" and body["end"] == "2026-11-26T12:00:40Z"
    assert [p["ts"] for p in body["points"]] == [
        "2026-11-26T12:00:10Z",
        "2026-11-26T12:00:20Z",
        "2026-11-26T12:00:30Z",
    ]
    assert set(body["points"][0]) == {"ts", "temperature", "vibration", "rpm"}


def test_readings_default_to_the_last_hour(client: TestClient, seed: Any) -> None:
    machine = seed.machine("Pump 03")
    now = datetime.now(UTC)
    seed.readings(
        machine, [now - timedelta(minutes=90), now - timedelta(minutes=30), now - timedelta(seconds=5)]
    )
    body = client.get(f"/api/machines/{machine}/readings").json()
    assert len(body["points"]) == 2
    span = datetime.fromisoformat(body["end"]) - datetime.fromisoformat(body["start"])
    assert span == timedelta(hours=1)


def test_a_long_range_is_bucket_averaged_to_at_most_2000_points(client: TestClient, seed: Any) -> None:
    machine = seed.machine("Pump 03")
    # 5000 readings one second apart, temperature alternating 10 / 20 so every bucket averages near 15.
    times = [T0 + timedelta(seconds=s) for s in range(5000)]
    seed.readings(machine, times[0::2], temperature=10.0)
    seed.readings(machine, times[1::2], temperature=20.0)
    response = client.get(
        f"/api/machines/{machine}/readings",
        params={"start": iso(T0), "end": iso(T0 + timedelta(seconds=5000))},
    )
    points = response.json()["points"]
    assert 1000 < len(points) <= 2000
    stamps = [p["ts"] for p in points]
    assert stamps == sorted(stamps) and stamps[0] == "2026-11-26T12:00:00Z"
    assert all(10.0 <= p["temperature"] <= 20.0 for p in points)
    assert sum(p["temperature"] for p in points) / len(points) == pytest.approx(15.0, abs=0.5)


def test_a_range_that_does_not_move_forward_is_a_422_problem(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    machine = seed.machine("Pump 03")
    body = expect_problem(
        client.get(f"/api/machines/{machine}/readings", params={"start": iso(T0), "end": iso(T0)}),
        422,
        "must be before end",
    )
    assert body["errors"][0]["loc"] == ["query", "start"]


def test_a_malformed_time_is_a_422_problem(client: TestClient, seed: Any, expect_problem: Any) -> None:
    machine = seed.machine("Pump 03")
    body = expect_problem(client.get(f"/api/machines/{machine}/readings", params={"start": "yesterday"}), 422)
    assert body["errors"][0]["loc"] == ["query", "start"]


def test_readings_of_an_unknown_machine_are_a_404_problem(client: TestClient, expect_problem: Any) -> None:
    expect_problem(client.get(f"/api/machines/{uuid.uuid4()}/readings"), 404, "does not exist")
