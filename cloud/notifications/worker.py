"""The notification worker (``python -m cloud notify``): enqueue from ticket events, then deliver what is due.

It sleeps on PostgreSQL LISTEN (a trigger NOTIFYs on every ticket event and new delivery), so a ticket's
message leaves within milliseconds, and wakes at least every ``notify_poll_s`` for retries and the
"unacknowledged for N minutes" rules. Several workers may run: the cursor row and SKIP LOCKED share the work.
"""

from __future__ import annotations

import logging
import select
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import psycopg2
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from cloud.notifications import outbox
from cloud.notifications.channels import AttemptResult, post_webhook, send_email
from cloud.notifications.events import enqueue_new_events, enqueue_unacknowledged
from cloud.notifications.models import ChannelKind, NotificationChannel, NotificationDelivery
from cloud.notifications.render import WEBHOOK_RENDERERS, email_message
from cloud.notifications.settings import NotifySettings

logger = logging.getLogger(__name__)

WAKE_CHANNEL = "maintainx_notifications"  # the migration's trigger NOTIFYs this channel


class Dispatcher:
    """Renders a delivery for its channel and sends it (one shared HTTP client, pooled connections)."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings
        self.http = httpx.Client(timeout=settings.http_timeout_s, follow_redirects=False)

    def __call__(self, delivery: NotificationDelivery, channel: NotificationChannel) -> AttemptResult:
        """Try ``delivery`` once on ``channel``."""
        payload = delivery.payload
        link = self.settings.ticket_link(payload["link_path"]) if payload.get("link_path") else None
        event_id = str(delivery.event_id)
        if channel.kind is ChannelKind.EMAIL:
            if not delivery.recipient:
                return AttemptResult(False, None, "an e-mail delivery without a recipient", permanent=True)
            message = email_message(
                payload, event_id, link, sender=self.settings.smtp_from, to=delivery.recipient
            )
            return send_email(self.settings, message)
        if not channel.url:
            return AttemptResult(False, None, "the webhook channel has no URL", permanent=True)
        body = WEBHOOK_RENDERERS[channel.format.value](payload, event_id, link)
        default = self.settings.webhook_secret.get_secret_value() if self.settings.webhook_secret else None
        return post_webhook(self.http, channel.url, body, channel.secret or default)

    def close(self) -> None:
        """Close pooled HTTP connections."""
        self.http.close()


class Waker:
    """A LISTEN connection: ``wait(t)`` returns early when a NOTIFY arrives."""

    def __init__(self, database_url: str) -> None:
        self.dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn: psycopg2.extensions.connection | None = None

    def wait(self, timeout: float) -> None:
        """Sleep up to ``timeout`` seconds or until a NOTIFY; reconnects after a database restart."""
        try:
            if self.conn is None or self.conn.closed:
                self.conn = psycopg2.connect(self.dsn)
                self.conn.autocommit = True
                self.conn.cursor().execute(f"LISTEN {WAKE_CHANNEL}")
            if not self.conn.notifies:
                select.select([self.conn], [], [], timeout)
            self.conn.poll()
            self.conn.notifies.clear()
        except (OSError, psycopg2.Error) as exc:
            logger.warning("LISTEN connection lost (%s); polling", exc)
            self.close()
            threading.Event().wait(timeout)

    def close(self) -> None:
        """Close the LISTEN connection."""
        if self.conn is not None and not self.conn.closed:
            self.conn.close()
        self.conn = None


def run_pass(
    sessions: sessionmaker[Session], settings: NotifySettings, send: outbox.Sender, pool: ThreadPoolExecutor
) -> int:
    """One round: enqueue new events and due "unacknowledged" rules, then deliver everything due."""
    with sessions() as db_session:
        now = datetime.now(UTC)
        enqueue_new_events(db_session, now=now, lag_s=settings.notify_event_lag_s)
        enqueue_unacknowledged(db_session, now=now)
        db_session.commit()

    def drain() -> int:
        done = 0
        while outbox.deliver_one(sessions, settings, send):
            done += 1
        return done

    futures = [pool.submit(drain) for _ in range(settings.notify_workers)]
    return sum(f.result() for f in futures)


def run_worker(
    sessions: sessionmaker[Session], database_url: str, settings: NotifySettings, stop: threading.Event
) -> None:
    """Run passes until ``stop`` is set; a database outage is logged and waited out, never fatal."""
    dispatcher = Dispatcher(settings)
    waker = Waker(database_url)
    logger.info("notification worker started (%d parallel deliveries)", settings.notify_workers)
    try:
        with ThreadPoolExecutor(settings.notify_workers, thread_name_prefix="notify") as pool:
            while not stop.is_set():
                timeout = settings.notify_poll_s
                try:
                    run_pass(sessions, settings, dispatcher, pool)
                    with sessions() as db_session:
                        due = outbox.next_due(db_session)
                    if due is not None:
                        timeout = min(timeout, max(0.0, (due - datetime.now(UTC)).total_seconds()))
                except SQLAlchemyError as exc:
                    logger.warning("notification pass failed (%s); retrying", exc)
                except Exception:  # a bug must not stop notifications for good; the rows wait, unchanged
                    logger.exception("notification pass failed; retrying")
                if not stop.is_set():
                    waker.wait(timeout)
    finally:
        waker.close()
        dispatcher.close()
        logger.info("notification worker stopped")
