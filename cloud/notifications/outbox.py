"""The outbox: claim one due delivery (``FOR UPDATE SKIP LOCKED``), try it, record the attempt, commit.

A delivery is locked only while its channel answers, and the row changes in the same transaction as the
attempt is logged: a worker killed mid-send leaves the row pending and unlocked, so another try follows
(at-least-once; receivers de-duplicate on ``event_id``). A ticket's deliveries to one channel and recipient
go in the order they were enqueued: a row is not claimed while an older one of the same ticket is pending.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from cloud.notifications.backoff import retry_delay_s
from cloud.notifications.channels import AttemptResult
from cloud.notifications.models import (
    DeliveryStatus,
    NotificationAttempt,
    NotificationChannel,
    NotificationDelivery,
)
from cloud.notifications.settings import NotifySettings

logger = logging.getLogger(__name__)

# Due, on an enabled channel, and no older pending delivery of the same ticket, channel and recipient.
_CLAIM = sa.text(
    """
    SELECT d.id FROM notification_deliveries d
    JOIN notification_channels c ON c.id = d.channel_id AND c.enabled
    WHERE d.status = 'pending' AND d.next_attempt_at <= now()
      AND (d.ticket_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM notification_deliveries e
        WHERE e.ticket_id = d.ticket_id AND e.channel_id = d.channel_id
          AND e.recipient IS NOT DISTINCT FROM d.recipient
          AND e.status = 'pending' AND e.id < d.id))
    ORDER BY d.next_attempt_at, d.id
    LIMIT 1
    FOR UPDATE OF d SKIP LOCKED
    """
)

Sender = Callable[[NotificationDelivery, NotificationChannel], AttemptResult]


def deliver_one(sessions: sessionmaker[Session], settings: NotifySettings, send: Sender) -> bool:
    """Claim and try one due delivery; False when none is due."""
    with sessions() as db_session:
        delivery_id = db_session.scalar(_CLAIM)
        if delivery_id is None:
            db_session.rollback()
            return False
        delivery = db_session.get_one(NotificationDelivery, delivery_id)
        channel = db_session.get_one(NotificationChannel, delivery.channel_id)
        started = time.perf_counter()
        try:
            result = send(delivery, channel)
        except Exception as exc:  # a bug in a renderer must not stop the worker or lose the row
            logger.exception("delivery %s: unexpected error", delivery.id)
            result = AttemptResult(False, None, f"internal error: {type(exc).__name__}: {exc}")
        duration_ms = (time.perf_counter() - started) * 1000
        record(db_session, delivery, result, duration_ms, settings, datetime.now(UTC))
        db_session.commit()
        return True


def record(
    db_session: Session,
    delivery: NotificationDelivery,
    result: AttemptResult,
    duration_ms: float,
    settings: NotifySettings,
    now: datetime,
) -> None:
    """Log the attempt and move the delivery on: delivered, failed for good, or due again after a backoff."""
    delivery.attempts += 1
    delivery.held = False
    db_session.add(
        NotificationAttempt(
            delivery_id=delivery.id,
            at=now,
            ok=result.ok,
            status_code=result.status_code,
            error=result.error,
            duration_ms=duration_ms,
        )
    )
    if result.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.last_error = None
        return
    delivery.last_error = result.error
    if result.permanent or delivery.attempts >= settings.notify_max_attempts:
        delivery.status = DeliveryStatus.FAILED
        logger.warning("delivery %s failed for good after %d tries: %s", delivery.id, delivery.attempts,
                       result.error)  # fmt: skip
        return
    delay = retry_delay_s(
        delivery.attempts, initial_s=settings.notify_backoff_initial_s, max_s=settings.notify_backoff_max_s
    )
    delivery.next_attempt_at = now + timedelta(seconds=delay)
    logger.info("delivery %s: try %d failed (%s), next in %.1f s", delivery.id, delivery.attempts,
                result.error, delay)  # fmt: skip


def next_due(db_session: Session) -> datetime | None:
    """When the earliest pending delivery becomes due (for the worker's sleep)."""
    return db_session.scalar(
        sa.select(sa.func.min(NotificationDelivery.next_attempt_at)).where(
            NotificationDelivery.status == DeliveryStatus.PENDING
        )
    )
