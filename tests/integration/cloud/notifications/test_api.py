"""The notifications API: who may do what, write-only secrets, validation (with hypothesis), switches."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloud.users.models import UserRole

pytestmark = pytest.mark.integration

CHANNELS = "/api/notifications/channels"
RULES = "/api/notifications/rules"


def make_channel(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"name": uuid.uuid4().hex[:10], "kind": "webhook", "url": "https://hooks.example.com/x"} | fields
    response = client.post(CHANNELS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_secrets_are_write_only_and_can_be_replaced_or_removed(client: TestClient) -> None:
    made = make_channel(client, secret="a-very-secret-value-123")
    assert made["has_secret"] and "secret" not in made
    listed = client.get(CHANNELS).json()
    assert "a-very-secret-value-123" not in str(listed)
    removed = client.patch(f"{CHANNELS}/{made['id']}", json={"secret": None}).json()
    assert removed["has_secret"] is False
    renamed = client.patch(f"{CHANNELS}/{made['id']}", json={"name": "ERP", "format": "teams"}).json()
    assert renamed["name"] == "ERP" and renamed["format"] == "teams"
    assert client.delete(f"{CHANNELS}/{made['id']}").status_code == 204
    assert client.get(CHANNELS).json() == []


def test_technicians_cannot_manage_but_set_their_own_switches(
    anonymous: TestClient, login: Any, client: TestClient, expect_problem: Any
) -> None:
    mail = make_channel(client, kind="email", url=None)
    make_channel(client)  # a webhook is no personal channel
    tech = login(UserRole.TECHNICIAN)
    expect_problem(anonymous.get(CHANNELS, headers=tech.headers), 403, "engineer")
    expect_problem(anonymous.post(RULES, headers=tech.headers, json={}), 403)
    prefs = anonymous.get("/api/notifications/preferences", headers=tech.headers).json()
    assert [(p["channel_id"], p["enabled"]) for p in prefs] == [(mail["id"], True)]
    off = anonymous.put(
        f"/api/notifications/preferences/{mail['id']}", headers=tech.headers, json={"enabled": False}
    )
    assert off.status_code == 200 and off.json()["enabled"] is False
    assert anonymous.get("/api/notifications/preferences", headers=tech.headers).json()[0]["enabled"] is False


BAD_CHANNELS = [
    ({"kind": "webhook"}, "needs a url"),
    ({"kind": "webhook", "url": "ftp://x.example"}, "http:// or https://"),
    ({"kind": "webhook", "url": "javascript:alert(1)"}, "http:// or https://"),
    ({"kind": "webhook", "url": "https://x.example", "secret": "short"}, "at least 16"),
    ({"kind": "email", "url": "https://x.example"}, "no url"),
    ({"kind": "sms"}, "kind"),
]
BAD_RULES = [
    ({"events": []}, "at least 1"),
    ({"events": ["test"]}, "send-test"),
    ({"events": ["unacknowledged"]}, "unack_minutes"),
    ({"unack_minutes": 5}, "unack_minutes"),
    ({"quiet_start": "22:00"}, "both quiet_start and quiet_end"),
    ({"quiet_start": "22:00", "quiet_end": "22:00"}, "must differ"),
    ({"quiet_start": "22:00", "quiet_end": "06:00", "quiet_tz": "Mars/Olympus"}, "unknown time zone"),
    ({"site_id": str(uuid.uuid4())}, "does not exist"),
    ({"user_ids": [str(uuid.uuid4())]}, "unknown users"),
    ({"channel_id": str(uuid.uuid4())}, "does not exist"),
]


def test_bad_channels_and_rules_are_refused_saying_why(client: TestClient, expect_problem: Any) -> None:
    for body, detail in BAD_CHANNELS:
        problem = expect_problem(client.post(CHANNELS, json={"name": "x"} | body), 422)
        assert detail in str(problem), body
    hook = make_channel(client)
    for fields, detail in BAD_RULES:
        response = client.post(
            RULES, json={"name": "r", "channel_id": hook["id"], "events": ["opened"]} | fields
        )
        assert response.status_code in (404, 422), response.text
        assert detail in response.text, fields
    assert client.get(CHANNELS).json() == [hook] and client.get(RULES).json() == []


def test_an_email_rule_must_name_people_and_a_rule_round_trips(
    client: TestClient, expect_problem: Any
) -> None:
    mail = make_channel(client, kind="email", url=None)
    expect_problem(
        client.post(RULES, json={"name": "r", "channel_id": mail["id"], "events": ["opened"]}), 422
    )
    body = {
        "name": "Night shift", "channel_id": mail["id"], "events": ["opened", "unacknowledged"],
        "unack_minutes": 30, "roles": ["technician"], "assignee": True, "min_priority": "HIGH",
        "quiet_start": "22:00:00", "quiet_end": "06:00:00", "quiet_tz": "Europe/Berlin",
    }  # fmt: skip
    made = client.post(RULES, json=body).json()
    assert {k: made[k] for k in body} == body | {"channel_id": mail["id"]}
    replaced = client.put(f"{RULES}/{made['id']}", json=body | {"name": "Day"}).json()
    assert replaced["name"] == "Day" and replaced["id"] == made["id"]
    assert [r["id"] for r in client.get(RULES).json()] == [made["id"]]
    assert client.delete(f"{RULES}/{made['id']}").status_code == 204


def _zone_ok(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


URLS = st.one_of(
    st.sampled_from(
        ["https://a.example/h", "http://10.0.0.5:8080/x?y=1", "ftp://a.example", "https://", "a"]
    ),
    st.text(max_size=40),
    st.builds(
        lambda s, h: f"{s}://{h}", st.sampled_from(["http", "https", "file", "gopher"]), st.text(max_size=20)
    ),
)
ZONES = st.one_of(st.sampled_from(["UTC", "Europe/Berlin", "America/Chicago", "Nowhere/Land", "", "../etc"]),
                  st.text(max_size=30))  # fmt: skip


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=URLS, fmt=st.sampled_from(["generic", "slack", "teams", "xml"]))
def test_any_channel_body_is_either_stored_as_a_valid_http_url_or_refused_with_422(
    client: TestClient, url: str, fmt: str
) -> None:
    response = client.post(
        CHANNELS, json={"name": uuid.uuid4().hex, "kind": "webhook", "url": url, "format": fmt}
    )
    assert response.status_code in (201, 422), response.text
    if response.status_code == 201:
        stored = response.json()["url"]
        assert stored == url and stored.split("://")[0] in ("http", "https") and fmt != "xml"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zone=ZONES,
    start=st.one_of(st.none(), st.times()),
    end=st.one_of(st.none(), st.times()),
    minutes=st.one_of(st.none(), st.integers(-5, 20000)),
)
def test_rule_quiet_hours_time_zones_and_minutes_are_accepted_exactly_when_valid(
    client: TestClient, zone: str, start: Any, end: Any, minutes: int | None
) -> None:
    hook = client.get(CHANNELS).json() or [make_channel(client)]
    events = ["opened", "unacknowledged"] if minutes is not None else ["opened"]
    body: dict[str, Any] = {"name": "r", "channel_id": hook[0]["id"], "events": events, "quiet_tz": zone}
    body |= {
        "unack_minutes": minutes,
        "quiet_start": start and start.isoformat(),
        "quiet_end": end and end.isoformat(),
    }
    valid = (
        "\x00" not in zone and 0 < len(zone) <= 64 and _zone_ok(zone)
        and (start is None) == (end is None) and (start is None or start != end)
        and (minutes is None or 1 <= minutes <= 7 * 24 * 60)
    )  # fmt: skip
    response = client.post(RULES, json=body)
    assert response.status_code == (201 if valid else 422), (body, response.text)
