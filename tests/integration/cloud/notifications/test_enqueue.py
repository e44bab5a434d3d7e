"""Ticket events become deliveries exactly once: ids that commit out of order, rolled-back ids, the
"unacknowledged" rule, quiet hours and personal switches — checked on the real database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from cloud.notifications.events import enqueue_new_events, enqueue_unacknowledged
from cloud.notifications.models import (
    ChannelKind,
    NotificationChannel,
    NotificationCursor,
    NotificationDelivery,
    NotificationPreference,
    NotificationRule,
)
from cloud.tickets.models import TicketEvent, TicketPriority
from cloud.users.models import UserRole

pytestmark = pytest.mark.integration

ALL = ["opened", "escalated", "assigned", "resolved"]


def channel(sessions: sessionmaker[Session], kind: ChannelKind = ChannelKind.WEBHOOK) -> uuid.UUID:
    with sessions.begin() as s:
        row = NotificationChannel(
            name=uuid.uuid4().hex,
            kind=kind,
            url="http://127.0.0.1:9/" if kind is ChannelKind.WEBHOOK else None,
        )
        s.add(row)
        s.flush()
        return row.id


def add_rule(sessions: sessionmaker[Session], channel_id: uuid.UUID, **fields: Any) -> uuid.UUID:
    with sessions.begin() as s:
        row = NotificationRule(name="r", channel_id=channel_id, events=fields.pop("events", ALL), **fields)
        s.add(row)
        s.flush()
        return row.id


def event(s: Session, ticket_id: uuid.UUID, kind: str = "created", **data: Any) -> int:
    row = TicketEvent(ticket_id=ticket_id, kind=kind, data=data or {"priority": "HIGH"})
    s.add(row)
    s.flush()
    return row.id


def enqueue(sessions: sessionmaker[Session], lag_s: float = 300.0, now: datetime | None = None) -> int:
    with sessions.begin() as s:
        return enqueue_new_events(s, now=now or datetime.now(UTC), lag_s=lag_s)


def deliveries(sessions: sessionmaker[Session]) -> list[NotificationDelivery]:
    with sessions() as s:
        return list(s.scalars(sa.select(NotificationDelivery).order_by(NotificationDelivery.id)))


def watermark(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return s.scalars(sa.select(NotificationCursor.watermark)).one()


def test_an_event_that_commits_after_a_newer_one_is_still_enqueued_once(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    add_rule(sessions, channel(sessions))
    first, second = (seed.ticket(seed.machine(f"M{i}"), fault=f"f{i}") for i in range(2))
    slow = sessions()
    slow.begin()
    early_id = event(slow, first)  # the lower id, not committed yet
    with sessions.begin() as s:
        late_id = event(s, second)
    assert early_id < late_id

    assert enqueue(sessions) == 1
    assert watermark(sessions) < early_id  # the missing id holds the watermark back
    slow.commit()
    slow.close()
    assert enqueue(sessions) == 1
    assert enqueue(sessions) == 0
    keys = [d.event_key for d in deliveries(sessions)]
    assert keys == [f"ticket_event:{late_id}", f"ticket_event:{early_id}"]
    assert watermark(sessions) == late_id


def test_a_rolled_back_id_holds_the_watermark_only_for_the_lag(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    add_rule(sessions, channel(sessions))
    ticket = seed.ticket(seed.machine("M"))
    with sessions() as s:
        s.begin()
        gone = event(s, ticket)
        s.rollback()
    with sessions.begin() as s:
        kept = event(s, ticket, "priority", **{"from": "HIGH", "to": "CRITICAL"})
    assert enqueue(sessions, lag_s=60) == 1
    assert watermark(sessions) == gone - 1
    assert enqueue(sessions, lag_s=60, now=datetime.now(UTC) + timedelta(seconds=61)) == 0
    assert watermark(sessions) == kept
    assert [d.event.value for d in deliveries(sessions)] == ["escalated"]


def test_unacknowledged_tickets_are_enqueued_once_per_ticket_and_rule(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    hook = channel(sessions)
    add_rule(sessions, hook, events=["unacknowledged"], unack_minutes=15)
    add_rule(
        sessions, hook, events=["unacknowledged"], unack_minutes=15, min_priority=TicketPriority.CRITICAL
    )
    old = datetime.now(UTC) - timedelta(minutes=20)
    waiting = seed.ticket(seed.machine("A"), created_at=old)
    seed.ticket(seed.machine("B"), created_at=datetime.now(UTC))  # too young
    seed.ticket(seed.machine("C"), created_at=old, technician_id=seed.user("Tess"))  # taken
    for _ in range(2):
        with sessions.begin() as s:
            enqueue_unacknowledged(s, now=datetime.now(UTC))
    found = deliveries(sessions)
    assert [(d.ticket_id, d.event.value) for d in found] == [(waiting, "unacknowledged")]
    assert "15 minutes" in found[0].payload["detail"]


def test_quiet_hours_hold_high_until_they_end_and_critical_goes_at_once_releasing_what_waits(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    now = datetime.now(UTC)
    start, end = (now - timedelta(hours=1)).time(), (now + timedelta(hours=1)).time()
    add_rule(sessions, channel(sessions), quiet_start=start, quiet_end=end, quiet_tz="UTC")
    ticket = seed.ticket(seed.machine("M"))
    with sessions.begin() as s:
        event(s, ticket)
    enqueue(sessions, now=now)
    held = deliveries(sessions)[0]
    assert held.held and held.next_attempt_at > now + timedelta(minutes=59)
    with sessions.begin() as s:
        event(s, ticket, "priority", **{"from": "HIGH", "to": "CRITICAL"})
    enqueue(sessions, now=now)
    first, critical = deliveries(sessions)
    assert not critical.held and critical.next_attempt_at == now
    assert not first.held and first.next_attempt_at == now  # released: CRITICAL must not queue behind it


def test_email_goes_to_the_roles_people_and_assignee_named_minus_those_who_switched_it_off(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    mail = channel(sessions, ChannelKind.EMAIL)
    erin = seed.user("Erin", role=UserRole.ENGINEER, email="erin@plant.example")
    seed.user("Eve", role=UserRole.ENGINEER, email="eve@plant.example", is_active=False)
    quiet = seed.user("Quinn", role=UserRole.ENGINEER, email="quinn@plant.example")
    tess = seed.user("Tess", email="tess@plant.example")
    seed.user("Tom", email="tom@plant.example")
    add_rule(sessions, mail, roles=["engineer"], assignee=True)
    with sessions.begin() as s:
        s.add(NotificationPreference(user_id=quiet, channel_id=mail, enabled=False))
    ticket = seed.ticket(seed.machine("M"), technician_id=tess)
    with sessions.begin() as s:
        event(s, ticket, "assigned", **{"from": None, "to": str(tess)})
    enqueue(sessions)
    assert sorted(d.recipient or "" for d in deliveries(sessions)) == [
        "erin@plant.example",
        "tess@plant.example",
    ]
    assert erin
