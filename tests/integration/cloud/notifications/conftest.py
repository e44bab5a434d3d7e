"""Fixtures of the notification tests: a real SMTP server, a real webhook receiver, and a worker thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from cloud.notifications.settings import NotifySettings
from cloud.notifications.worker import run_worker
from tests.integration.cloud.notifications.receivers import SMTP_PASSWORD, SMTP_USER, HttpReceiver, SmtpSink

WEBHOOK_SECRET = "webhook-test-secret-0123456789"


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpSink]:
    """An SMTP server requiring STARTTLS and login."""
    sink = SmtpSink(tmp_path).start()
    yield sink
    sink.stop()


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    """A webhook receiver."""
    server = HttpReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def notify_settings(smtp: SmtpSink) -> NotifySettings:
    """Worker settings against the test SMTP server, with fast retries."""
    return NotifySettings(
        public_base_url="https://maint.example.com",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_username=SMTP_USER,
        smtp_password=SecretStr(SMTP_PASSWORD),
        smtp_from="maintainx@plant.example",
        smtp_ca_file=smtp.cert,
        webhook_secret=SecretStr(WEBHOOK_SECRET),
        notify_backoff_initial_s=0.05,
        notify_backoff_max_s=0.3,
        notify_poll_s=0.2,
        notify_workers=2,
        http_timeout_s=5,
    )


@pytest.fixture
def worker(
    sessions: sessionmaker[Session], database_url: str, notify_settings: NotifySettings
) -> Iterator[Callable[[], None]]:
    """Call to start a worker thread on the test database; stopped after the test."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start() -> None:
        thread = threading.Thread(
            target=run_worker, args=(sessions, database_url, notify_settings, stop), name="notify-worker"
        )
        thread.start()
        threads.append(thread)

    yield start
    stop.set()
    for thread in threads:
        thread.join(10)
