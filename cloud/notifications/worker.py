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
from cloud.notifications.channels import AttemptResult, SmtpSender, post_webhook
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
        self.smtp = SmtpSender(settings)

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
            return self.smtp.send(message)
        if not channel.url:
            return AttemptResult(False, None, "the webhook channel has no URL", permanent=True)
        body = WEBHOOK_RENDERERS[channel.format.value](payload, event_id, link)
        default = self.settings.webhook_secret.get_secret_value() if self.settings.webhook_secret else None
        return post_webhook(self.http, channel.url, body, channel.secret or default)

    def close(self) -> None:
        """Close pooled HTTP connections and SMTP sessions."""
        self.http.close()
        self.smtp.close()


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


def enqueue_pass(sessions: sessionmaker[Session], settings: NotifySettings) -> datetime | None:
    """Enqueue new ticket events and due "unacknowledged" rules; returns when the next delivery is due."""
    with sessions() as db_session:
        now = datetime.now(UTC)
        enqueue_new_events(db_session, now=now, lag_s=settings.notify_event_lag_s)
        enqueue_unacknowledged(db_session, now=now)
        db_session.commit()
        return outbox.next_due(db_session)


class Work:
    """Wakes the delivery threads when the enqueuer added work (a generation counter: no lost wake-up)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0

    def added(self) -> None:
        """New deliveries may be due."""
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Wait until a generation after ``seen`` (or the timeout); returns the current one."""
        with self._cond:
            self._cond.wait_for(lambda: self._generation != seen, timeout)
            return self._generation


def _deliver_loop(
    sessions: sessionmaker[Session],
    settings: NotifySettings,
    send: outbox.Sender,
    work: Work,
    stop: threading.Event,
) -> None:
    """One delivery thread: deliver everything due, then sleep until the enqueuer says there is more."""
    seen = -1
    while not stop.is_set():
        seen = work.wait(seen, settings.notify_poll_s)
        try:
            while not stop.is_set() and outbox.deliver_one(sessions, settings, send):
                pass
        except SQLAlchemyError as exc:
            logger.warning("delivery failed (%s); retrying", exc)
            stop.wait(settings.notify_poll_s)
        except Exception:  # a bug must not stop notifications for good; the row stays pending
            logger.exception("delivery failed; retrying")
            stop.wait(settings.notify_poll_s)


def _enqueue_loop(
    sessions: sessionmaker[Session], settings: NotifySettings, waker: Waker, work: Work, stop: threading.Event
) -> None:
    while not stop.is_set():
        timeout = settings.notify_poll_s
        try:
            due = enqueue_pass(sessions, settings)
            if due is not None:
                timeout = min(timeout, max(0.0, (due - datetime.now(UTC)).total_seconds()))
        except SQLAlchemyError as exc:
            logger.warning("notification pass failed (%s); retrying", exc)
        except Exception:  # a bug must not stop notifications for good; the rows wait, unchanged
            logger.exception("notification pass failed; retrying")
        work.added()
        if not stop.is_set():
            waker.wait(timeout)


def run_worker(
    sessions: sessionmaker[Session], database_url: str, settings: NotifySettings, stop: threading.Event
) -> None:
    """Enqueue on every NOTIFY (or poll) while delivery threads send; a database outage is waited out.

    Enqueueing and delivering run side by side, so a burst of tickets does not wait for the previous
    burst's messages to be sent before its own are enqueued.
    """
    dispatcher = Dispatcher(settings)
    waker = Waker(database_url)
    work = Work()
    logger.info("notification worker started (%d parallel deliveries)", settings.notify_workers)
    try:
        with ThreadPoolExecutor(settings.notify_workers, thread_name_prefix="notify") as pool:
            for _ in range(settings.notify_workers):
                pool.submit(_deliver_loop, sessions, settings, dispatcher, work, stop)
            try:
                _enqueue_loop(sessions, settings, waker, work, stop)
            finally:
                stop.set()  # the delivery threads finish the message in hand, then end
                work.added()
    finally:
        waker.close()
        dispatcher.close()
        logger.info("notification worker stopped")
