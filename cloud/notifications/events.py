"""Ticket events → deliveries, exactly once: new ``ticket_events`` past the cursor are turned into outbox
rows and the cursor advances in the same transaction.

Identity ids are handed out when a row is inserted, not when its transaction commits, so id 41 may become
visible after id 42. The cursor therefore has two parts: a watermark (every id at or below it is done) and
the ids above it already handled (``notification_seen_events``). The watermark moves over a missing id only
once a newer id has been seen for ``lag_s``: by then the missing one was rolled back, not slow.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from cloud.notifications.models import (
    NotificationCursor,
    NotificationDelivery,
    NotificationEvent,
    NotificationRule,
    NotificationSeenEvent,
)
from cloud.notifications.rules import PRIORITY_RANK, Target, active_rules, targets
from cloud.notifications.snapshot import ticket_context
from cloud.tickets.models import MaintenanceTicket, TicketEvent, TicketPriority, TicketStatus

CURSOR = "ticket_events"
# Events read per pass: bounds one transaction after a long outage of the worker.
BATCH = 500


def notification_event(kind: str, data: dict[str, Any]) -> NotificationEvent | None:
    """What a ``ticket_events`` row means for people, or None when it is not worth a message."""
    if kind == "created":
        return NotificationEvent.OPENED
    if kind == "assigned" and data.get("to"):
        return NotificationEvent.ASSIGNED
    if kind == "status" and data.get("to") == TicketStatus.RESOLVED.value:
        return NotificationEvent.RESOLVED
    if kind == "priority":
        before, after = _priority(data.get("from")), _priority(data.get("to"))
        if before is not None and after is not None and PRIORITY_RANK[after] > PRIORITY_RANK[before]:
            return NotificationEvent.ESCALATED
    return None


def _priority(value: object) -> TicketPriority | None:
    try:
        return TicketPriority(str(value))
    except ValueError:
        return None


def enqueue_new_events(db_session: Session, *, now: datetime, lag_s: float) -> int:
    """Turn unseen ticket events into deliveries and move the cursor; returns deliveries added.

    The caller commits. The cursor row is locked, so concurrent workers take turns here.
    """
    cursor = db_session.execute(
        sa.select(NotificationCursor).where(NotificationCursor.name == CURSOR).with_for_update()
    ).scalar_one_or_none()
    if cursor is None:  # a database that lost its row: start at the newest event, as the migration does
        newest = db_session.scalar(sa.select(sa.func.coalesce(sa.func.max(TicketEvent.id), 0)))
        cursor = NotificationCursor(name=CURSOR, watermark=int(newest or 0))
        db_session.add(cursor)
        db_session.flush()
    seen = sa.select(NotificationSeenEvent.event_id).where(NotificationSeenEvent.event_id == TicketEvent.id)
    events = list(
        db_session.scalars(
            sa.select(TicketEvent)
            .where(TicketEvent.id > cursor.watermark, ~sa.exists(seen))
            .order_by(TicketEvent.id)
            .limit(BATCH)
        )
    )
    rules = active_rules(db_session) if events else []
    added = 0
    for event in events:
        kind = notification_event(event.kind, event.data or {})
        if kind is not None and rules:
            added += _enqueue_event(db_session, event, kind, rules, now)
    if events:
        db_session.execute(
            insert(NotificationSeenEvent).values([{"event_id": e.id, "seen_at": now} for e in events])
        )
    _advance(db_session, cursor, now - timedelta(seconds=lag_s))
    return added


def _enqueue_event(
    db_session: Session,
    event: TicketEvent,
    kind: NotificationEvent,
    rules: list[Any],
    now: datetime,
) -> int:
    context = ticket_context(db_session, event.ticket_id)
    if context is None:
        return 0
    data = event.data or {}
    # The priority the event speaks of (an escalation's new one), else the ticket's current one.
    priority = _priority(data.get("to") if kind is NotificationEvent.ESCALATED else data.get("priority"))
    priority = priority or TicketPriority(context["ticket"]["priority"])
    context["ticket"]["priority"] = priority.value
    technician = data.get("to") if kind is NotificationEvent.ASSIGNED else None
    technician_id = _uuid(technician) or _assignee_at(db_session, event)
    found = targets(
        db_session,
        rules,
        event=kind.value,
        priority=priority,
        machine=context["machine"],
        technician_id=technician_id,
        now=now,
    )
    payload = {**context, "event": kind.value, "at": event.at.astimezone(UTC).isoformat(), "change": data}
    return add_deliveries(
        db_session, found, event_key=f"ticket_event:{event.id}", event=kind, ticket_id=event.ticket_id,
        priority=priority, payload=payload, now=now,
    )  # fmt: skip


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _assignee_at(db_session: Session, event: TicketEvent) -> uuid.UUID | None:
    """Who the ticket was assigned to when ``event`` happened, from its trail: the worker may read the event
    after later changes (an "opened" event must not reach a technician assigned a moment afterwards)."""
    to = db_session.scalar(
        sa.select(TicketEvent.data["to"].astext)
        .where(
            TicketEvent.ticket_id == event.ticket_id,
            TicketEvent.kind == "assigned",
            TicketEvent.id <= event.id,
        )
        .order_by(TicketEvent.id.desc())
        .limit(1)
    )
    return _uuid(to)


def add_deliveries(
    db_session: Session,
    found: list[Target],
    *,
    event_key: str,
    event: NotificationEvent,
    ticket_id: uuid.UUID | None,
    priority: TicketPriority | None,
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """Insert one delivery per target (an existing one with the same key is left alone); returns added."""
    added = 0
    for target in found:
        inserted = db_session.execute(
            insert(NotificationDelivery)
            .values(
                event_id=uuid.uuid4(),
                event_key=event_key,
                event=event,
                channel_id=target.channel_id,
                rule_id=target.rule_id,
                ticket_id=ticket_id,
                recipient=target.recipient,
                priority=priority,
                payload=payload,
                next_attempt_at=target.not_before,
                held=target.held,
                created_at=now,
            )
            .on_conflict_do_nothing()
            .returning(NotificationDelivery.id)
        ).scalar()
        if inserted is None:
            continue
        added += 1
        if priority is TicketPriority.CRITICAL and ticket_id is not None:
            _release_held(db_session, ticket_id, target, now)
    return added


def _release_held(db_session: Session, ticket_id: uuid.UUID, target: Target, now: datetime) -> None:
    """Release the ticket's earlier messages held by quiet hours: CRITICAL must not wait behind them."""
    db_session.execute(
        sa.update(NotificationDelivery)
        .where(
            NotificationDelivery.ticket_id == ticket_id,
            NotificationDelivery.channel_id == target.channel_id,
            NotificationDelivery.recipient.is_not_distinct_from(target.recipient),
            NotificationDelivery.held,
            NotificationDelivery.status == "pending",
        )
        .values(next_attempt_at=now, held=False)
    )


def _advance(db_session: Session, cursor: NotificationCursor, settled_before: datetime) -> None:
    """Move the watermark over seen ids that are contiguous, or were seen before ``settled_before``."""
    rows = db_session.execute(
        sa.select(NotificationSeenEvent.event_id, NotificationSeenEvent.seen_at)
        .where(NotificationSeenEvent.event_id > cursor.watermark)
        .order_by(NotificationSeenEvent.event_id)
    ).all()
    watermark = cursor.watermark
    for event_id, seen_at in rows:
        if event_id == watermark + 1 or seen_at <= settled_before:
            watermark = event_id
    if watermark != cursor.watermark:
        cursor.watermark = watermark
        db_session.execute(
            sa.delete(NotificationSeenEvent).where(NotificationSeenEvent.event_id <= watermark)
        )


def enqueue_unacknowledged(db_session: Session, *, now: datetime) -> int:
    """Tickets still OPEN and unassigned N minutes after they opened, once per ticket and rule."""
    rules = [
        (rule, channel)
        for rule, channel in active_rules(db_session)
        if NotificationEvent.UNACKNOWLEDGED.value in rule.events and rule.unack_minutes
    ]
    added = 0
    for rule, channel in rules:
        added += _unacknowledged_for(db_session, rule, [(rule, channel)], now)
    return added


def _unacknowledged_for(db_session: Session, rule: NotificationRule, pair: list[Any], now: datetime) -> int:
    assert rule.unack_minutes is not None
    done = sa.select(NotificationDelivery.id).where(
        NotificationDelivery.event_key == sa.func.concat("unack:", MaintenanceTicket.id, ":", str(rule.id))
    )
    tickets = db_session.scalars(
        sa.select(MaintenanceTicket.id).where(
            MaintenanceTicket.status == TicketStatus.OPEN,
            MaintenanceTicket.technician_id.is_(None),
            MaintenanceTicket.priority.in_(
                [p for p, rank in PRIORITY_RANK.items() if rank >= PRIORITY_RANK[rule.min_priority]]
            ),
            MaintenanceTicket.created_at <= now - timedelta(minutes=rule.unack_minutes),
            ~sa.exists(done),
        )
    ).all()
    added = 0
    for ticket_id in tickets:
        context = ticket_context(db_session, ticket_id)
        if context is None:
            continue
        priority = TicketPriority(context["ticket"]["priority"])
        found = targets(
            db_session, pair, event=NotificationEvent.UNACKNOWLEDGED.value, priority=priority,
            machine=context["machine"], technician_id=None, now=now,
        )  # fmt: skip
        detail = f"Nobody has taken it for {rule.unack_minutes} minutes."
        payload = {**context, "event": "unacknowledged", "at": now.isoformat(), "detail": detail}
        added += add_deliveries(
            db_session, found, event_key=f"unack:{ticket_id}:{rule.id}",
            event=NotificationEvent.UNACKNOWLEDGED, ticket_id=ticket_id, priority=priority,
            payload=payload, now=now,
        )  # fmt: skip
    return added
