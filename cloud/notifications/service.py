"""Managing channels, rules and personal switches, enqueuing a test, and listing deliveries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cloud.errors import ConflictError, InvalidRequestError, NotFoundError
from cloud.machines.models import Line, Site
from cloud.notifications.events import add_deliveries
from cloud.notifications.models import (
    ChannelKind,
    DeliveryStatus,
    NotificationAttempt,
    NotificationChannel,
    NotificationDelivery,
    NotificationEvent,
    NotificationPreference,
    NotificationRule,
)
from cloud.notifications.rules import Target
from cloud.notifications.schemas import (
    AttemptRead,
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
    DeliveryRead,
    DeliverySummary,
    PreferenceRead,
    RuleCreate,
    RuleRead,
)
from cloud.users.models import User


def _commit(db_session: Session, conflict: str) -> None:
    try:
        db_session.commit()
    except IntegrityError as exc:
        db_session.rollback()
        raise ConflictError(conflict) from exc


def _channel_read(channel: NotificationChannel) -> ChannelRead:
    return ChannelRead(
        id=channel.id,
        name=channel.name,
        kind=channel.kind,
        url=channel.url,
        format=channel.format,
        has_secret=bool(channel.secret),
        enabled=channel.enabled,
        created_at=channel.created_at,
    )


def _require_channel(db_session: Session, channel_id: uuid.UUID) -> NotificationChannel:
    channel = db_session.get(NotificationChannel, channel_id)
    if channel is None:
        raise NotFoundError(f"notification channel {channel_id} does not exist")
    return channel


def list_channels(*, db_session: Session) -> list[ChannelRead]:
    """Every channel, by name."""
    rows = db_session.scalars(sa.select(NotificationChannel).order_by(NotificationChannel.name))
    return [_channel_read(c) for c in rows]


def create_channel(*, db_session: Session, channel_in: ChannelCreate) -> ChannelRead:
    """Add a channel; ConflictError when the name is taken."""
    channel = NotificationChannel(**channel_in.model_dump())
    db_session.add(channel)
    _commit(db_session, f"a channel named {channel_in.name!r} exists")
    db_session.refresh(channel)
    return _channel_read(channel)


def update_channel(*, db_session: Session, channel_id: uuid.UUID, changes: ChannelUpdate) -> ChannelRead:
    """Change a channel; a webhook keeps a URL, an e-mail channel never gets one."""
    channel = _require_channel(db_session, channel_id)
    fields = changes.model_dump(exclude_unset=True)
    for name in ("name", "format", "enabled"):
        if fields.get(name) is not None:
            setattr(channel, name, fields[name])
    if "url" in fields or "secret" in fields:
        if channel.kind is ChannelKind.EMAIL:
            raise InvalidRequestError("an e-mail channel has no url or secret", ("body",))
        if "url" in fields:
            if not fields["url"]:
                raise InvalidRequestError("a webhook channel needs a url", ("body", "url"))
            channel.url = fields["url"]
        if "secret" in fields:
            channel.secret = fields["secret"]
    _commit(db_session, f"a channel named {channel.name!r} exists")
    db_session.refresh(channel)
    return _channel_read(channel)


def delete_channel(*, db_session: Session, channel_id: uuid.UUID) -> None:
    """Remove a channel with its rules, switches and deliveries."""
    db_session.delete(_require_channel(db_session, channel_id))
    db_session.commit()


def _check_rule(db_session: Session, rule_in: RuleCreate) -> None:
    channel = _require_channel(db_session, rule_in.channel_id)
    people = rule_in.roles or rule_in.user_ids or rule_in.assignee
    if channel.kind is ChannelKind.EMAIL and not people:
        raise InvalidRequestError(
            "an e-mail rule must name who gets it: roles, user_ids or assignee", ("body", "roles")
        )
    if rule_in.site_id is not None and db_session.get(Site, rule_in.site_id) is None:
        raise InvalidRequestError(f"site {rule_in.site_id} does not exist", ("body", "site_id"))
    if rule_in.line_id is not None:
        line = db_session.get(Line, rule_in.line_id)
        if line is None:
            raise InvalidRequestError(f"line {rule_in.line_id} does not exist", ("body", "line_id"))
        if rule_in.site_id is not None and line.site_id != rule_in.site_id:
            raise InvalidRequestError("the line is not on the rule's site", ("body", "line_id"))
    if rule_in.user_ids:
        known = set(db_session.scalars(sa.select(User.id).where(User.id.in_(rule_in.user_ids))))
        missing = [str(u) for u in rule_in.user_ids if u not in known]
        if missing:
            raise InvalidRequestError(f"unknown users: {', '.join(missing)}", ("body", "user_ids"))


def _rule_values(rule_in: RuleCreate) -> dict[str, Any]:
    values = rule_in.model_dump()
    values["events"] = [e.value for e in rule_in.events]
    values["roles"] = [r.value for r in rule_in.roles]
    return values


def list_rules(*, db_session: Session) -> list[RuleRead]:
    """Every rule, oldest first."""
    rows = db_session.scalars(sa.select(NotificationRule).order_by(NotificationRule.created_at))
    return [RuleRead.model_validate(r, from_attributes=True) for r in rows]


def create_rule(*, db_session: Session, rule_in: RuleCreate) -> RuleRead:
    """Add a rule after checking what it refers to exists."""
    _check_rule(db_session, rule_in)
    rule = NotificationRule(**_rule_values(rule_in))
    db_session.add(rule)
    db_session.commit()
    db_session.refresh(rule)
    return RuleRead.model_validate(rule, from_attributes=True)


def replace_rule(*, db_session: Session, rule_id: uuid.UUID, rule_in: RuleCreate) -> RuleRead:
    """Replace a rule's fields."""
    rule = db_session.get(NotificationRule, rule_id)
    if rule is None:
        raise NotFoundError(f"notification rule {rule_id} does not exist")
    _check_rule(db_session, rule_in)
    for name, value in _rule_values(rule_in).items():
        setattr(rule, name, value)
    db_session.commit()
    db_session.refresh(rule)
    return RuleRead.model_validate(rule, from_attributes=True)


def delete_rule(*, db_session: Session, rule_id: uuid.UUID) -> None:
    """Remove a rule (its past deliveries stay, without the rule)."""
    rule = db_session.get(NotificationRule, rule_id)
    if rule is None:
        raise NotFoundError(f"notification rule {rule_id} does not exist")
    db_session.delete(rule)
    db_session.commit()


def send_test(*, db_session: Session, channel_id: uuid.UUID, actor: User) -> int:
    """Enqueue a test message on a channel (an e-mail goes to the caller); returns the delivery id."""
    channel = _require_channel(db_session, channel_id)
    now = datetime.now(UTC)
    recipient = actor.email if channel.kind is ChannelKind.EMAIL else None
    payload = {
        "event": NotificationEvent.TEST.value,
        "at": now.isoformat(),
        "detail": f"Test of channel {channel.name!r} sent by {actor.full_name} from MaintainX.",
        "link_path": "/notifications",
    }
    target = Target(channel.id, None, recipient, now, False)
    key = f"test:{uuid.uuid4()}"
    add_deliveries(
        db_session, [target], event_key=key, event=NotificationEvent.TEST, ticket_id=None,
        priority=None, payload=payload, now=now,
    )  # fmt: skip
    db_session.commit()
    delivery_id = db_session.scalar(
        sa.select(NotificationDelivery.id).where(NotificationDelivery.event_key == key)
    )
    assert delivery_id is not None
    return delivery_id


def list_deliveries(
    *,
    db_session: Session,
    channel_id: uuid.UUID | None,
    ticket_id: uuid.UUID | None,
    status: DeliveryStatus | None,
    limit: int,
) -> list[DeliveryRead]:
    """The newest deliveries matching the filters, each with its tries."""
    query = (
        sa.select(NotificationDelivery, NotificationChannel.name)
        .join(NotificationChannel, NotificationChannel.id == NotificationDelivery.channel_id)
        .order_by(NotificationDelivery.id.desc())
        .limit(limit)
    )
    if channel_id is not None:
        query = query.where(NotificationDelivery.channel_id == channel_id)
    if ticket_id is not None:
        query = query.where(NotificationDelivery.ticket_id == ticket_id)
    if status is not None:
        query = query.where(NotificationDelivery.status == status)
    rows = db_session.execute(query).all()
    tries: dict[int, list[AttemptRead]] = {d.id: [] for d, _ in rows}
    for attempt in db_session.scalars(
        sa.select(NotificationAttempt)
        .where(NotificationAttempt.delivery_id.in_(list(tries)))
        .order_by(NotificationAttempt.id)
    ):
        tries[attempt.delivery_id].append(AttemptRead.model_validate(attempt, from_attributes=True))
    return [_delivery_read(d, name, tries[d.id]) for d, name in rows]


def _delivery_read(
    delivery: NotificationDelivery, channel_name: str, tries: list[AttemptRead]
) -> DeliveryRead:
    payload = delivery.payload or {}
    ticket = payload.get("ticket") or {}
    summary = DeliverySummary(
        title=ticket.get("title"),
        priority=ticket.get("priority"),
        machine=(payload.get("machine") or {}).get("name"),
    )
    return DeliveryRead(
        id=delivery.id,
        event_id=delivery.event_id,
        event=delivery.event,
        channel_id=delivery.channel_id,
        channel_name=channel_name,
        rule_id=delivery.rule_id,
        ticket_id=delivery.ticket_id,
        recipient=delivery.recipient,
        status=delivery.status,
        attempts=delivery.attempts,
        held=delivery.held,
        next_attempt_at=delivery.next_attempt_at,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
        tries=tries,
        summary=summary,
    )


def my_preferences(*, db_session: Session, user: User) -> list[PreferenceRead]:
    """The e-mail channels and whether the caller has each on (the default)."""
    rows = db_session.execute(
        sa.select(NotificationChannel, NotificationPreference.enabled)
        .outerjoin(
            NotificationPreference,
            sa.and_(
                NotificationPreference.channel_id == NotificationChannel.id,
                NotificationPreference.user_id == user.id,
            ),
        )
        .where(NotificationChannel.kind == ChannelKind.EMAIL)
        .order_by(NotificationChannel.name)
    )
    return [
        PreferenceRead(channel_id=c.id, channel_name=c.name, kind=c.kind, enabled=enabled is not False)
        for c, enabled in rows
    ]


def set_preference(
    *, db_session: Session, user: User, channel_id: uuid.UUID, enabled: bool
) -> PreferenceRead:
    """Switch a channel on or off for the caller."""
    channel = _require_channel(db_session, channel_id)
    if channel.kind is not ChannelKind.EMAIL:
        raise InvalidRequestError("only e-mail channels reach people personally", ("path", "channel_id"))
    preference = db_session.get(NotificationPreference, (user.id, channel_id))
    if preference is None:
        db_session.add(NotificationPreference(user_id=user.id, channel_id=channel_id, enabled=enabled))
    else:
        preference.enabled = enabled
    db_session.commit()
    return PreferenceRead(
        channel_id=channel.id, channel_name=channel.name, kind=channel.kind, enabled=enabled
    )
