"""Pure logic of notifications: quiet hours, backoff, signatures, event mapping and message rendering."""

from __future__ import annotations

from datetime import UTC, datetime, time

import orjson
import pytest

from cloud.notifications.backoff import retry_delay_s
from cloud.notifications.events import notification_event
from cloud.notifications.models import NotificationEvent
from cloud.notifications.quiet import release_time
from cloud.notifications.render import email_message, generic_body, slack_body, teams_body
from cloud.notifications.signing import MAX_AGE_S, sign, verify
from cloud.notifications.snapshot import why

pytestmark = pytest.mark.unit

PAYLOAD = {
    "event": "opened",
    "at": "2026-12-07T10:00:00+00:00",
    "ticket": {"id": "t-1", "title": "Failure risk 91% on Pump 3", "priority": "CRITICAL", "status": "OPEN"},
    "machine": {"id": "m-1", "name": "Pump 3", "site": "Plant A", "line": "Line 2"},
    "why": "Failure risk 91%; model m-7",
    "reason": {"failure_prob": 0.91},
    "link_path": "/tickets/t-1",
}
LINK = "https://maint.example.com/tickets/t-1"


def test_quiet_hours_spanning_midnight_hold_until_the_local_morning() -> None:
    # 23:30 in Berlin (CET, UTC+1) is inside 22:00-06:00; release at 06:00 Berlin = 05:00 UTC.
    now = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)
    assert release_time(now, time(22), time(6), "Europe/Berlin") == datetime(2026, 12, 8, 5, 0, tzinfo=UTC)


def test_quiet_hours_after_midnight_release_the_same_morning() -> None:
    now = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)  # 03:00 Berlin
    assert release_time(now, time(22), time(6), "Europe/Berlin") == datetime(2026, 12, 8, 5, 0, tzinfo=UTC)


def test_outside_quiet_hours_and_without_them_nothing_waits() -> None:
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert release_time(now, time(22), time(6), "Europe/Berlin") == now
    assert release_time(now, None, None, "UTC") == now
    assert release_time(now, time(12), time(13), "UTC") == datetime(2026, 12, 7, 13, 0, tzinfo=UTC)


def test_backoff_grows_exponentially_with_bounded_jitter_and_a_cap() -> None:
    for attempts, base in ((1, 5.0), (2, 10.0), (3, 20.0), (5, 80.0)):
        delay = retry_delay_s(attempts, initial_s=5.0, max_s=3600.0)
        assert base <= delay <= base + 5.0
    assert retry_delay_s(40, initial_s=5.0, max_s=3600.0) == 3600.0


def test_a_signature_verifies_and_refuses_tampering_replay_and_the_wrong_secret() -> None:
    body = b'{"event":"opened"}'
    signature = sign("s3cret-s3cret-s3", 1_000_000, body)
    assert verify("s3cret-s3cret-s3", body, "1000000", signature, now=1_000_010)
    assert not verify("s3cret-s3cret-s3", body + b" ", "1000000", signature, now=1_000_010)
    assert not verify("other-secret-000", body, "1000000", signature, now=1_000_010)
    assert not verify("s3cret-s3cret-s3", body, "1000000", signature, now=1_000_000 + MAX_AGE_S + 1)
    assert not verify("s3cret-s3cret-s3", body, "not-a-number", signature, now=1_000_000)


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        ("created", {"priority": "HIGH"}, NotificationEvent.OPENED),
        ("assigned", {"from": None, "to": "u-1"}, NotificationEvent.ASSIGNED),
        ("assigned", {"from": "u-1", "to": None}, None),
        ("status", {"from": "IN_PROGRESS", "to": "RESOLVED"}, NotificationEvent.RESOLVED),
        ("status", {"from": "OPEN", "to": "IN_PROGRESS"}, None),
        ("priority", {"from": "HIGH", "to": "CRITICAL"}, NotificationEvent.ESCALATED),
        ("priority", {"from": "CRITICAL", "to": "LOW"}, None),
        ("priority", {"from": "HIGH", "to": "bogus"}, None),
        ("comment", {"text": "hi"}, None),
    ],
)
def test_ticket_events_map_to_notification_events(
    kind: str, data: dict[str, object], expected: NotificationEvent | None
) -> None:
    assert notification_event(kind, data) == expected


def test_the_generic_body_is_deterministic_and_carries_the_idempotency_id_and_link() -> None:
    first = generic_body(PAYLOAD, "e-1", LINK)
    assert first == generic_body(PAYLOAD, "e-1", LINK)
    body = orjson.loads(first)
    assert body["schema"] == "maintainx.notification/v1"
    assert body["event_id"] == "e-1" and body["link"] == LINK
    assert body["ticket"]["priority"] == "CRITICAL" and body["machine"]["name"] == "Pump 3"


def test_slack_and_teams_bodies_have_the_shapes_their_webhooks_accept() -> None:
    slack = orjson.loads(slack_body(PAYLOAD, "e-1", LINK))
    assert "Pump 3" in slack["text"] and slack["blocks"][0]["type"] == "header"
    assert slack["blocks"][-1]["elements"][0]["url"] == LINK
    teams = orjson.loads(teams_body(PAYLOAD, "e-1", LINK))
    assert teams["@type"] == "MessageCard" and teams["themeColor"] == "C50F1F"
    assert teams["potentialAction"][0]["targets"][0]["uri"] == LINK


def test_an_email_names_machine_priority_why_and_the_link() -> None:
    message = email_message(PAYLOAD, "e-1", LINK, sender="mx@plant.example", to="tess@plant.example")
    text = message.get_content()
    assert "CRITICAL" in message["Subject"] and "Pump 3" in message["Subject"]
    assert "Why: Failure risk 91%" in text and LINK in text and "Plant A / Line 2" in text
    assert message["Message-ID"] == "<e-1@plant.example>"


def test_why_summarises_the_reason_in_one_sentence() -> None:
    reason = {"failure_prob": 0.853, "fault": "bearing_wear", "model_version": "v3",
              "signals": [{"label": "Vibration"}, {"label": "Temperature"}]}  # fmt: skip
    assert why(reason) == "Failure risk 85%; fault bearing_wear; driven by Vibration, Temperature; model v3"
    assert why(None) == ""
