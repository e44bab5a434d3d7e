"""Tables of notifications: channels, rules, personal switches, the delivery outbox and its attempts."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from cloud.db import JSON, Base, enum_values
from cloud.machines.models import Line, Site
from cloud.tickets.models import MaintenanceTicket, TicketPriority
from cloud.users.models import User
from contract.payloads import new_id


class ChannelKind(enum.StrEnum):
    """How a channel delivers: e-mail to people a rule names, or one HTTP POST to a configured URL."""

    EMAIL = "email"
    WEBHOOK = "webhook"


class WebhookFormat(enum.StrEnum):
    """The body a webhook sends: our documented schema, or what Slack / Teams incoming webhooks accept."""

    GENERIC = "generic"
    SLACK = "slack"
    TEAMS = "teams"


class NotificationEvent(enum.StrEnum):
    """What a rule can subscribe to."""

    OPENED = "opened"
    ESCALATED = "escalated"
    ASSIGNED = "assigned"
    UNACKNOWLEDGED = "unacknowledged"
    RESOLVED = "resolved"
    TEST = "test"  # a "send test" from the API; never matched by rules


class DeliveryStatus(enum.StrEnum):
    """PENDING until the channel accepted it (DELIVERED) or it can never succeed (FAILED)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class NotificationChannel(Base):
    """An e-mail channel (the SMTP server of the settings) or a webhook URL with its format and secret."""

    __tablename__ = "notification_channels"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(unique=True)
    kind: Mapped[ChannelKind] = mapped_column(
        sa.Enum(ChannelKind, name="notification_channel_kind", values_callable=enum_values)
    )
    url: Mapped[str | None]
    format: Mapped[WebhookFormat] = mapped_column(
        sa.Enum(WebhookFormat, name="notification_webhook_format", values_callable=enum_values),
        default=WebhookFormat.GENERIC,
        server_default=WebhookFormat.GENERIC.value,
    )
    # Write-only through the API: never returned. Null = the MAINTAINX_WEBHOOK_SECRET of the worker.
    secret: Mapped[str | None]
    enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class NotificationRule(Base):
    """Who gets what: events at or above a priority, on a site or line, to a channel, with quiet hours."""

    __tablename__ = "notification_rules"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str]
    channel_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey(NotificationChannel.id, ondelete="CASCADE"), index=True
    )
    events: Mapped[list[str]] = mapped_column(postgresql.ARRAY(sa.Text))
    min_priority: Mapped[TicketPriority] = mapped_column(
        sa.Enum(TicketPriority, name="ticket_priority", values_callable=enum_values, create_type=False),
        default=TicketPriority.LOW,
    )
    site_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(Site.id, ondelete="CASCADE"))
    line_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(Line.id, ondelete="CASCADE"))
    # E-mail recipients: everyone with one of these roles, these people, and the ticket's technician.
    roles: Mapped[list[str]] = mapped_column(postgresql.ARRAY(sa.Text), server_default="{}")
    user_ids: Mapped[list[uuid.UUID]] = mapped_column(
        postgresql.ARRAY(postgresql.UUID(as_uuid=True)), server_default="{}"
    )
    assignee: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # "unacknowledged": OPEN and unassigned this many minutes after it opened.
    unack_minutes: Mapped[int | None]
    # Non-CRITICAL deliveries inside [quiet_start, quiet_end) in quiet_tz wait until quiet_end.
    quiet_start: Mapped[time | None] = mapped_column(sa.Time)
    quiet_end: Mapped[time | None] = mapped_column(sa.Time)
    quiet_tz: Mapped[str] = mapped_column(server_default="UTC")
    enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())


class NotificationPreference(Base):
    """A person's own switch for one channel (absent = on)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey(NotificationChannel.id, ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool]


class NotificationDelivery(Base):
    """One message to one channel (and recipient, for e-mail): the outbox row the worker claims."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        # Exactly one delivery per notification event, channel and recipient, however often it is enqueued.
        sa.UniqueConstraint("channel_id", "event_key", "recipient", postgresql_nulls_not_distinct=True),
        sa.Index(
            "ix_notification_deliveries_due",
            "next_attempt_at",
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.Index("ix_notification_deliveries_ticket_channel", "ticket_id", "channel_id", "id"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    # The idempotency key receivers see as "event_id": the same for every retry of this delivery.
    event_id: Mapped[uuid.UUID] = mapped_column(default=new_id, unique=True)
    # "ticket_event:<id>", "unack:<ticket>:<rule>" or "test:<uuid>": what made it, for de-duplication.
    event_key: Mapped[str]
    event: Mapped[NotificationEvent] = mapped_column(
        sa.Enum(NotificationEvent, name="notification_event", values_callable=enum_values)
    )
    channel_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(NotificationChannel.id, ondelete="CASCADE"))
    rule_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(NotificationRule.id, ondelete="SET NULL"))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey(MaintenanceTicket.id, ondelete="CASCADE")
    )
    recipient: Mapped[str | None]  # an e-mail address; null for a webhook
    priority: Mapped[TicketPriority | None] = mapped_column(
        sa.Enum(TicketPriority, name="ticket_priority", values_callable=enum_values, create_type=False)
    )
    # What the message says, captured when it was enqueued (the ticket may change before it is sent).
    payload: Mapped[JSON]
    status: Mapped[DeliveryStatus] = mapped_column(
        sa.Enum(DeliveryStatus, name="notification_delivery_status", values_callable=enum_values),
        default=DeliveryStatus.PENDING,
        server_default=DeliveryStatus.PENDING.value,
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    # Set when quiet hours held it back: the delivery waits until next_attempt_at.
    held: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    last_error: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    delivered_at: Mapped[datetime | None]


class NotificationAttempt(Base):
    """One try of a delivery: the receiver's answer (HTTP status, SMTP reply) or error, and its duration."""

    __tablename__ = "notification_attempts"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey(NotificationDelivery.id, ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
    ok: Mapped[bool]
    status_code: Mapped[int | None]
    error: Mapped[str | None]
    duration_ms: Mapped[float]


class NotificationCursor(Base):
    """How far ``ticket_events`` have been turned into deliveries: every id at or below ``watermark``."""

    __tablename__ = "notification_cursor"

    name: Mapped[str] = mapped_column(primary_key=True)
    watermark: Mapped[int] = mapped_column(sa.BigInteger)


class NotificationSeenEvent(Base):
    """Event ids above the watermark already handled: identity ids can commit out of order."""

    __tablename__ = "notification_seen_events"

    event_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(server_default=sa.func.now())
