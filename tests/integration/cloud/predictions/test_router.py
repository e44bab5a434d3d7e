"""GET /api/machines/{id}/predictions: ranges and the 2000-point cap that keeps risk spikes."""

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


def test_predictions_in_a_range_are_returned_oldest_first(client: TestClient, seed: Any) -> None:
    machine = seed.machine("Pump 03")
    seed.predictions(machine, [0.1, 0.5, 0.9], end=T0 + timedelta(seconds=2))
    response = client.get(
        f"/api/machines/{machine}/predictions",
        params={"start": iso(T0), "end": iso(T0 + timedelta(minutes=1))},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["machine_id"] == str(machine)
    assert [p["failure_prob"] for p in body["points"]] == [0.1, 0.5, 0.9]
    assert body["points"][2] == {
        "ts": "2026-11-26T12:00:02Z",
        "failure_prob": 0.9,
        "anomaly_score": pytest.approx(0.95),
        "is_anomaly": True,
        "model_version": "test-model-1",
        "fault": None,
    }


def test_the_fault_a_model_named_is_returned_and_a_bucket_keeps_the_one_most_verdicts_named(
    client: TestClient, seed: Any
) -> None:
    machine = seed.machine("Pump 03")
    faults: list[str | None] = [None] * 4000 + ["imbalance"] * 100 + ["bearing_wear"] * 900
    seed.predictions(machine, [0.1] * 4000 + [0.9] * 1000, end=T0 + timedelta(seconds=4999), faults=faults)
    raw = client.get(
        f"/api/machines/{machine}/predictions",
        params={"start": iso(T0 + timedelta(seconds=3990)), "end": iso(T0 + timedelta(seconds=4010))},
    ).json()["points"]
    assert [p["fault"] for p in raw] == [None] * 10 + ["imbalance"] * 10
    bucketed = client.get(
        f"/api/machines/{machine}/predictions",
        params={"start": iso(T0), "end": iso(T0 + timedelta(seconds=5000))},
    ).json()["points"]
    assert len(bucketed) <= 2000
    named = [p["fault"] for p in bucketed if p["fault"] is not None]
    assert set(named) == {"imbalance", "bearing_wear"}
    # Buckets of healthy verdicts name nothing: mode() skips the NULLs.
    assert all(p["fault"] is None for p in bucketed if p["failure_prob"] < 0.5)


def test_a_long_range_is_capped_at_2000_points_and_keeps_a_short_spike(client: TestClient, seed: Any) -> None:
    machine = seed.machine("Pump 03")
    probs = [0.1] * 4500
    probs[3000] = 0.97  # one risky verdict among thousands must stay visible on the chart
    seed.predictions(machine, probs, end=T0 + timedelta(seconds=4499))
    response = client.get(
        f"/api/machines/{machine}/predictions",
        params={"start": iso(T0), "end": iso(T0 + timedelta(seconds=4500))},
    )
    points = response.json()["points"]
    assert len(points) <= 2000
    assert max(p["failure_prob"] for p in points) == 0.97
    assert sum(p["is_anomaly"] for p in points) == 1


def test_predictions_of_an_unknown_machine_are_a_404_problem(client: TestClient, expect_problem: Any) -> None:
    expect_problem(client.get(f"/api/machines/{uuid.uuid4()}/predictions"), 404, "does not exist")


def test_a_backwards_range_is_a_422_problem(client: TestClient, seed: Any, expect_problem: Any) -> None:
    machine = seed.machine("Pump 03")
    params = {"start": iso(T0 + timedelta(hours=1)), "end": iso(T0)}
    expect_problem(
        client.get(f"/api/machines/{machine}/predictions", params=params), 422, "must be before end"
    )
