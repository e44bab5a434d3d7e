"""Which rules match a ticket event, and who (for e-mail) they reach."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.notifications.models import (
    ChannelKind,
    NotificationChannel,
    NotificationPreference,
    NotificationRule,
)
from cloud.notifications.quiet import release_time
from cloud.tickets.models import TicketPriority
from cloud.users.models import User

PRIORITY_RANK = {TicketPriority.LOW: 0, TicketPriority.HIGH: 1, TicketPriority.CRITICAL: 2}


@dataclass(frozen=True, slots=True)
class Target:
    """One delivery to make: a channel, a recipient (e-mail) or none (webhook), and when it may go."""

    channel_id: uuid.UUID
    rule_id: uuid.UUID | None  # None: a test message, which no rule made
    recipient: str | None
    not_before: datetime
    held: bool


def active_rules(db_session: Session) -> list[tuple[NotificationRule, NotificationChannel]]:
    """Enabled rules on enabled channels."""
    rows = db_session.execute(
        sa.select(NotificationRule, NotificationChannel)
        .join(NotificationChannel, NotificationChannel.id == NotificationRule.channel_id)
        .where(NotificationRule.enabled, NotificationChannel.enabled)
        .order_by(NotificationRule.created_at)
    )
    return [(rule, channel) for rule, channel in rows]


def matches(rule: NotificationRule, event: str, priority: TicketPriority, machine: dict[str, Any]) -> bool:
    """Whether ``rule`` wants ``event`` of a ticket at ``priority`` on ``machine`` (the payload's part)."""
    if event not in rule.events:
        return False
    if PRIORITY_RANK[priority] < PRIORITY_RANK[rule.min_priority]:
        return False
    if rule.line_id is not None and machine.get("line_id") != str(rule.line_id):
        return False
    return rule.site_id is None or machine.get("site_id") == str(rule.site_id)


def email_recipients(
    db_session: Session, rule: NotificationRule, channel_id: uuid.UUID, technician_id: uuid.UUID | None
) -> list[str]:
    """Addresses of the active people the rule names, less those who switched this channel off."""
    named: list[sa.ColumnElement[bool]] = [User.id.in_(rule.user_ids)] if rule.user_ids else []
    if rule.roles:
        named.append(User.role.in_(rule.roles))
    if rule.assignee and technician_id is not None:
        named.append(User.id == technician_id)
    if not named:
        return []
    opted_out = sa.select(NotificationPreference.user_id).where(
        NotificationPreference.channel_id == channel_id, sa.not_(NotificationPreference.enabled)
    )
    rows = db_session.scalars(
        sa.select(User.email)
        .where(sa.or_(*named), User.is_active, User.id.not_in(opted_out))
        .order_by(User.email)
    )
    return list(rows)


def targets(
    db_session: Session,
    rules: list[tuple[NotificationRule, NotificationChannel]],
    *,
    event: str,
    priority: TicketPriority,
    machine: dict[str, Any],
    technician_id: uuid.UUID | None,
    now: datetime,
    only_rule: uuid.UUID | None = None,
) -> list[Target]:
    """Every delivery an event asks for, one per channel and recipient (the earliest release wins)."""
    found: dict[tuple[uuid.UUID, str | None], Target] = {}
    for rule, channel in rules:
        if only_rule is not None and rule.id != only_rule:
            continue
        if not matches(rule, event, priority, machine):
            continue
        release = now
        if priority is not TicketPriority.CRITICAL:  # quiet hours never hold back CRITICAL
            release = release_time(now, rule.quiet_start, rule.quiet_end, rule.quiet_tz)
        if channel.kind is ChannelKind.EMAIL:
            recipients: list[str | None] = list(email_recipients(db_session, rule, channel.id, technician_id))
        else:
            recipients = [None]
        for recipient in recipients:
            key = (channel.id, recipient)
            if key not in found or release < found[key].not_before:
                found[key] = Target(channel.id, rule.id, recipient, release, release > now)
    return list(found.values())
