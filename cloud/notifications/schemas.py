"""What the notifications API says and accepts; secrets are write-only (``has_secret`` tells they exist)."""

from __future__ import annotations

import uuid
from datetime import time
from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from cloud.notifications.models import ChannelKind, DeliveryStatus, NotificationEvent, WebhookFormat
from cloud.text import Text
from cloud.tickets.models import TicketPriority
from cloud.timerange import UtcDatetime
from cloud.users.models import UserRole

MAX_NAME_CHARS = 100
MAX_URL_CHARS = 2000
# A signing secret shorter than this is guessable; HMAC-SHA256 keys are best at 32 bytes or more.
MIN_SECRET_CHARS = 16
MAX_SECRET_CHARS = 512
# A week: "unacknowledged for N minutes" beyond that is a report, not a notification.
MAX_UNACK_MINUTES = 7 * 24 * 60
MAX_RULE_PEOPLE = 200
RULE_EVENTS = [e for e in NotificationEvent if e is not NotificationEvent.TEST]


def _http_url(value: str) -> str:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port outside 1-65535
    except ValueError as exc:
        raise ValueError(f"not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("the URL must start with http:// or https:// and name a host")
    if any(c.isspace() for c in value):
        raise ValueError("the URL must not contain spaces")
    return value


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin") from None
    return value


HttpUrl = Annotated[Text, Field(min_length=1, max_length=MAX_URL_CHARS), AfterValidator(_http_url)]
Name = Annotated[Text, Field(min_length=1, max_length=MAX_NAME_CHARS)]
Secret = Annotated[Text, Field(min_length=MIN_SECRET_CHARS, max_length=MAX_SECRET_CHARS)]
TimeZone = Annotated[Text, Field(min_length=1, max_length=64), AfterValidator(_time_zone)]
RuleEvent = Annotated[NotificationEvent, AfterValidator(lambda e: _rule_event(e))]


def _rule_event(event: NotificationEvent) -> NotificationEvent:
    if event is NotificationEvent.TEST:
        raise ValueError("'test' is sent by the send-test button, not by rules")
    return event


class ChannelCreate(BaseModel):
    """A new channel: e-mail (the worker's SMTP server) or a webhook URL with its format and secret."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    kind: ChannelKind
    url: HttpUrl | None = None
    format: WebhookFormat = WebhookFormat.GENERIC
    secret: Secret | None = None
    enabled: bool = True

    @model_validator(mode="after")
    def _url_for_webhooks(self) -> Self:
        if self.kind is ChannelKind.WEBHOOK and not self.url:
            raise ValueError("a webhook channel needs a url")
        if self.kind is ChannelKind.EMAIL and (self.url or self.secret):
            raise ValueError(
                "an e-mail channel has no url or secret (the SMTP server is the worker's setting)"
            )
        return self


class ChannelUpdate(BaseModel):
    """Changes to a channel; ``secret: null`` removes its own secret (the worker's default signs then)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    url: HttpUrl | None = None
    format: WebhookFormat | None = None
    secret: Secret | None = None
    enabled: bool | None = None


class ChannelRead(BaseModel):
    """A channel as the API shows it: never its secret."""

    id: uuid.UUID
    name: str
    kind: ChannelKind
    url: str | None
    format: WebhookFormat
    has_secret: bool
    enabled: bool
    created_at: UtcDatetime


class RuleBase(BaseModel):
    """Fields shared by a new rule and a rule's changes."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    channel_id: uuid.UUID
    events: Annotated[list[RuleEvent], Field(min_length=1, max_length=len(RULE_EVENTS))]
    min_priority: TicketPriority = TicketPriority.LOW
    site_id: uuid.UUID | None = None
    line_id: uuid.UUID | None = None
    roles: Annotated[list[UserRole], Field(max_length=len(UserRole))] = []
    user_ids: Annotated[list[uuid.UUID], Field(max_length=MAX_RULE_PEOPLE)] = []
    assignee: bool = False
    unack_minutes: Annotated[int, Field(ge=1, le=MAX_UNACK_MINUTES)] | None = None
    quiet_start: time | None = None
    quiet_end: time | None = None
    quiet_tz: TimeZone = "UTC"
    enabled: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(set(self.events)) != len(self.events):
            raise ValueError("events must not repeat")
        if (NotificationEvent.UNACKNOWLEDGED in self.events) != (self.unack_minutes is not None):
            raise ValueError("unack_minutes is needed with, and only with, the 'unacknowledged' event")
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError("quiet hours need both quiet_start and quiet_end")
        if self.quiet_start is not None and self.quiet_start == self.quiet_end:
            raise ValueError("quiet_start and quiet_end must differ (leave both out for no quiet hours)")
        for value in (self.quiet_start, self.quiet_end):
            if value is not None and value.tzinfo is not None:
                raise ValueError("quiet hours are wall-clock times in quiet_tz; give them without an offset")
        return self


class RuleCreate(RuleBase):
    """A new rule."""


class RuleRead(RuleBase):
    """A rule as stored."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    created_at: UtcDatetime


class AttemptRead(BaseModel):
    """One try of a delivery."""

    at: UtcDatetime
    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: float


class DeliverySummary(BaseModel):
    """What the delivery is about, for a person scanning the outbox (null when the event had none)."""

    title: str | None = None
    priority: str | None = None
    machine: str | None = None


class DeliveryRead(BaseModel):
    """A delivery in the outbox, with its tries (newest deliveries first in lists)."""

    id: int
    event_id: uuid.UUID
    event: NotificationEvent
    channel_id: uuid.UUID
    channel_name: str
    rule_id: uuid.UUID | None
    ticket_id: uuid.UUID | None
    recipient: str | None
    status: DeliveryStatus
    attempts: int
    held: bool
    next_attempt_at: UtcDatetime
    last_error: str | None
    created_at: UtcDatetime
    delivered_at: UtcDatetime | None
    tries: list[AttemptRead]
    summary: DeliverySummary


class TestSent(BaseModel):
    """The delivery a "send test" enqueued: follow it in the deliveries list."""

    delivery_id: int


class PreferenceRead(BaseModel):
    """A channel that can reach the caller personally (e-mail), and whether they have it on."""

    channel_id: uuid.UUID
    channel_name: str
    kind: ChannelKind
    enabled: bool


class PreferenceUpdate(BaseModel):
    """Switch a channel on or off for oneself."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool
