"""GET /api/kpis on real PostgreSQL against figures counted by hand from kit.seed_plant (March 2026):

predictive outcomes 3 confirmed (M1 2, M2 1), 2 false alarms (both M1) -> precision 0.6;
lead times 2 h, 6 h, 24 h -> median 6 h, mean 32/3 h, percentile_cont p10 2.8, p25 4, p75 15, p90 20.4;
failures = 3 confirmed + 1 missed; repairs 1 h (started), 6 h (never started), 4 h, 5 h -> MTTR 4 h;
4 machines x 744 h -> MTBF 2976 / 4 = 744 h; planned 6 (5 predictive + 1 preventive), unplanned 2 -> 0.75.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from cloud.kpis.schemas import KpiGrouping
from cloud.tickets.models import TicketStatus
from tests.integration.cloud.kpis.kit import END, START, Plant, seed_plant

pytestmark = pytest.mark.integration
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


@pytest.fixture
def plant(sessions: sessionmaker[Session]) -> Plant:
    return seed_plant(sessions)


def _kpis(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/kpis", params={**PERIOD, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _group(body: dict[str, Any], label: str) -> dict[str, Any]:
    (group,) = [g for g in body["groups"] if g["label"] == label]
    return group


def test_totals_histogram_and_utc_boundaries_match_the_hand_counted_figures(
    client: TestClient, plant: Plant
) -> None:
    total = _kpis(client)["total"]
    assert total["tickets"] == 9  # the ticket at the end instant and the one before the start are out
    assert total["precision"] == {"confirmed": 3, "false_alarms": 2, "value": 0.6}
    lead = total["lead_time"]
    assert lead["count"] == 3
    assert lead["median_hours"] == pytest.approx(6.0)
    assert lead["mean_hours"] == pytest.approx(32 / 3)
    assert [lead[k] for k in ("p10_hours", "p25_hours", "p75_hours", "p90_hours")] == pytest.approx(
        [2.8, 4.0, 15.0, 20.4]
    )
    assert total["missed_failures"] == 1
    assert total["failures"] == 4
    assert total["repairs"] == 4
    assert total["mttr_hours"] == pytest.approx(4.0)
    assert total["machines"] == 4
    assert total["operating_hours"] == pytest.approx(4 * 744)
    assert total["mtbf_hours"] == pytest.approx(744.0)
    assert (total["planned"], total["unplanned"], total["planned_share"]) == (6, 2, 0.75)
    counts = {(c["kind"], c["outcome"]): c["count"] for c in total["by_kind_outcome"]}
    assert counts == {
        ("PREDICTIVE", "CONFIRMED_FAULT"): 3,
        ("PREDICTIVE", "FALSE_ALARM"): 2,
        ("PREVENTIVE", None): 1,
        ("CORRECTIVE", "MISSED"): 1,
        ("CORRECTIVE", None): 1,
        ("SENSOR", None): 1,
    }
    bars = _kpis(client)["lead_time_histogram"]
    assert [(b["lower_hours"], b["upper_hours"]) for b in bars][:3] == [(0, 1), (1, 4), (4, 12)]
    assert bars[-1]["upper_hours"] is None
    # 2 h in [1, 4), 6 h in [4, 12), 24 h on an edge belongs to [24, 72).
    assert [b["count"] for b in bars] == [0, 1, 1, 0, 1, 0, 0, 0]
    # 2026-03-01T00:00Z written at +05:00: the ticket opened at the start instant is still in.
    shifted = _kpis(client, start="2026-03-01T05:00:00+05:00", end=END.isoformat())
    assert shifted["start"] == "2026-03-01T00:00:00Z"
    assert shifted["total"]["tickets"] == 9
    later = _kpis(client, start=datetime(2026, 3, 1, 0, 0, 1, tzinfo=UTC).isoformat(), end=END.isoformat())
    assert later["total"]["tickets"] == 8


def test_each_grouping_matches_the_hand_counted_figures(client: TestClient, plant: Plant) -> None:
    body = _kpis(client, group_by="machine")
    assert [g["label"] for g in body["groups"]] == ["M1", "M2", "M3", "M4"]
    m1, m2, m3, m4 = (_group(body, name) for name in ("M1", "M2", "M3", "M4"))
    assert m1["key"] == str(plant.m1)
    assert (m1["precision"]["value"], m2["precision"]["value"], m3["precision"]["value"]) == (0.5, 1.0, None)
    assert (m1["mttr_hours"], m2["mttr_hours"], m3["mttr_hours"]) == (3.5, 4.5, None)
    assert (m1["mtbf_hours"], m2["mtbf_hours"], m3["mtbf_hours"]) == (372.0, 372.0, None)
    assert m2["lead_time"]["median_hours"] == pytest.approx(24.0)
    assert m2["missed_failures"] == 1 and m1["missed_failures"] == 0
    assert m4["tickets"] == 0 and m4["machines"] == 1 and m4["operating_hours"] == pytest.approx(744)
    assert m4["planned_share"] is None and m4["lead_time"]["median_hours"] is None
    lines = _kpis(client, group_by="line")
    assert [(g["label"], g["machines"], g["tickets"]) for g in lines["groups"]] == [
        ("Alpha / A1", 2, 7),
        ("Beta / B1", 1, 2),
        ("unplaced", 1, 0),
    ]
    assert _group(lines, "Alpha / A1")["mtbf_hours"] == pytest.approx(2 * 744 / 4)
    assert _group(lines, "unplaced")["key"] is None
    sites = _kpis(client, group_by="site")
    assert [(g["label"], g["key"]) for g in sites["groups"]] == [
        ("Alpha", str(plant.site_a)),
        ("Beta", str(plant.site_b)),
        ("unplaced", None),
    ]
    body = _kpis(client, group_by="model_version")
    assert [g["label"] for g in body["groups"]] == ["no model version", "v1", "v2"]
    v1, v2 = _group(body, "v1"), _group(body, "v2")
    assert (v1["tickets"], v1["precision"]["value"], v2["precision"]["value"]) == (4, 0.5, 1.0)
    assert v1["lead_time"]["median_hours"] == pytest.approx(4.0)  # 2 h and 6 h
    assert v1["mtbf_hours"] is None and v1["machines"] is None  # machines belong to no model version
    assert body["total"]["mtbf_hours"] == pytest.approx(744.0)


def test_filters_and_empty_or_future_periods(client: TestClient, plant: Plant) -> None:
    site_b = _kpis(client, site_id=str(plant.site_b))["total"]
    assert (site_b["tickets"], site_b["machines"], site_b["unplanned"], site_b["planned_share"]) == (
        2,
        1,
        1,
        0.0,
    )
    line = _kpis(client, line_id=str(plant.line_a1), group_by="line")
    assert [g["label"] for g in line["groups"]] == ["Alpha / A1"]
    machine = _kpis(client, machine_id=str(plant.m2))["total"]
    assert (machine["tickets"], machine["failures"], machine["mttr_hours"]) == (2, 2, 4.5)
    total = _kpis(client, start="2025-01-01T00:00:00Z", end="2025-02-01T00:00:00Z")["total"]
    assert total["tickets"] == 0 and total["by_kind_outcome"] == []
    assert total["precision"] == {"confirmed": 0, "false_alarms": 0, "value": None}
    assert total["lead_time"]["count"] == 0 and total["lead_time"]["median_hours"] is None
    assert total["mttr_hours"] is None and total["mtbf_hours"] is None and total["planned_share"] is None
    # The machines were built in 2026: no operating time in January 2025.
    assert total["operating_hours"] == 0
    total = _kpis(client, start="2190-01-01T00:00:00Z", end="2191-01-01T00:00:00Z")["total"]
    assert total["operating_hours"] == 0 and total["mtbf_hours"] is None


def test_bad_parameters_and_a_misplaced_missed_outcome_are_422(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    ticket_id = seed.ticket(seed.machine("M"), status=TicketStatus.IN_PROGRESS)
    missed = {"status": "RESOLVED", "outcome": "MISSED"}  # a predictive ticket cannot have missed
    expect_problem(client.patch(f"/api/tickets/{ticket_id}", json=missed), 422, "CORRECTIVE tickets only")
    body = expect_problem(client.get("/api/kpis", params={"start": "2026-03-02", "end": "2026-03-01"}), 422)
    assert "must be before end" in body["detail"]
    expect_problem(client.get("/api/kpis", params={"group_by": "planet"}), 422)
    expect_problem(client.get("/api/kpis", params={"site_id": "nope"}), 422)
    expect_problem(
        client.get("/api/kpis", params={"start": "1900-01-01T00:00:00Z"}), 422, "outside the range"
    )


# Every offset RFC 3339 can write, on any date Python can hold.
offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
anywhen = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=offsets
).map(datetime.isoformat)
anything = st.one_of(st.none(), st.text(max_size=30), anywhen)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=anything,
    end=anything,
    group_by=st.one_of(st.sampled_from([g.value for g in KpiGrouping]), st.text(max_size=12)),
    site_id=st.one_of(st.none(), st.uuids().map(str), st.text(max_size=12)),
    dataset=st.one_of(st.sampled_from(["tickets", "readings", "predictions"]), st.text(max_size=12)),
)
def test_any_query_parameters_get_figures_or_a_clear_422(
    client: TestClient, start: str | None, end: str | None, group_by: str, site_id: str | None, dataset: str
) -> None:
    params = {k: v for k, v in (("start", start), ("end", end), ("site_id", site_id)) if v is not None}
    for path, extra in (
        ("/api/kpis", {"group_by": group_by}),
        (f"/api/exports/{quote(dataset, safe='')}.csv", {}),
    ):
        response = client.get(path, params={**params, **extra})
        assert response.status_code in (200, 404, 422), (path, params, response.text)
        if response.status_code != 200:
            assert response.json()["detail"], response.text
