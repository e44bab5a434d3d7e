"""Ticket opened → webhook delivered and e-mail accepted: ``python -m bench.notify --tickets 200``.

A real ``python -m cloud notify`` process, an embedded PostgreSQL, an SMTP server with STARTTLS and login and
an HTTP receiver (both from the test suite). Each ticket is committed with its ``created`` event, as the
engine does; latency is from that commit to the receiver having the request / the SMTP server having the
message. The baseline, measured in the same run, is the same POST and e-mail sent directly (no outbox,
no database): the ratio says what the durable outbox costs. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import smtplib
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from bench.host import machine_info
from cloud.db import make_engine, upgrade_database
from cloud.embedded_postgres import embedded_postgres
from cloud.machines.models import Machine
from cloud.notifications.models import ChannelKind, NotificationChannel, NotificationRule
from cloud.tickets import system
from cloud.tickets.models import TicketPriority
from cloud.users.models import User, UserRole
from contract.payloads import new_id
from tests.conftest import reachable_tmpdir
from tests.integration.cloud.notifications.receivers import SMTP_PASSWORD, SMTP_USER, HttpReceiver, SmtpSink

REPO = Path(__file__).resolve().parents[1]
_TICKET_IN_TEXT = re.compile(r"/tickets/([0-9a-f-]{36})")


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def _baseline(sink: SmtpSink, receiver: HttpReceiver, count: int) -> list[float]:
    """Seconds per direct POST + e-mail, without the outbox."""
    context = ssl.create_default_context(cafile=str(sink.cert))
    times = []
    with httpx.Client(timeout=10) as client:
        for i in range(count):
            started = time.monotonic()
            client.post(receiver.url, content=b'{"baseline": %d}' % i)
            with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
                smtp.starttls(context=context)
                smtp.login(SMTP_USER, SMTP_PASSWORD)
                smtp.sendmail(
                    "bench@plant.example", ["base@plant.example"], b"Subject: baseline\r\n\r\nx\r\n"
                )
            times.append(time.monotonic() - started)
    return times


def _seed(url: str, receiver: HttpReceiver) -> uuid.UUID:
    engine = make_engine(url)
    with Session(engine) as s, s.begin():
        hook = NotificationChannel(name="cmms", kind=ChannelKind.WEBHOOK, url=receiver.url + "/bench")
        mail = NotificationChannel(name="mail", kind=ChannelKind.EMAIL)
        s.add_all([hook, mail, User(email="erin@plant.example", full_name="Erin", role=UserRole.ENGINEER)])
        s.flush()
        s.add(NotificationRule(name="hook", channel_id=hook.id, events=["opened"]))
        s.add(NotificationRule(name="mail", channel_id=mail.id, events=["opened"], roles=["engineer"]))
        machine_id = new_id()
        s.add(Machine(id=machine_id, name="Pump", type="pump"))
    engine.dispose()
    return machine_id


def _open_tickets(url: str, machine_id: uuid.UUID, count: int, gap_s: float) -> dict[str, float]:
    """Open ``count`` tickets one by one; returns ticket id -> monotonic time of its commit."""
    engine = make_engine(url)
    opened: dict[str, float] = {}
    for i in range(count):
        # Opened the way the ticket engine opens one: the ticket and its "created" event in one commit.
        with Session(engine) as s, s.begin():
            ticket_id = system.open_predictive(
                db_session=s,
                machine_id=machine_id,
                title=f"Bench {i}",
                priority=TicketPriority.HIGH,
                fault=f"b{i}",
                reason={},
                model_version="bench",
                risk=0.9,
                technician=None,
                at=datetime.now(UTC),
            )
        assert ticket_id is not None, "a bench ticket's fault is unique: it always opens"
        opened[str(ticket_id)] = time.monotonic()
        time.sleep(gap_s)
    engine.dispose()
    return opened


def main() -> None:
    """Run the benchmark and print one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.notify", description=__doc__)
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--gap-ms", type=float, default=50.0, help="between tickets (default 50)")
    args = parser.parse_args()
    url = embedded_postgres(reachable_tmpdir("maintainx-bench-notify-pg-"), f"bench_{uuid.uuid4().hex[:6]}")
    upgrade_database(url)
    with tempfile.TemporaryDirectory(prefix="maintainx-bench-notify-") as tmp:
        sink, receiver = SmtpSink(Path(tmp)).start(), HttpReceiver().start()
        try:
            baseline = _baseline(sink, receiver, 50)
            sink.mails.clear()
            receiver.state.hooks.clear()
            machine_id = _seed(url, receiver)
            env = {
                **os.environ, "DATABASE_URL": url, "MAINTAINX_SMTP_HOST": "127.0.0.1",
                "MAINTAINX_SMTP_PORT": str(sink.port), "MAINTAINX_SMTP_USERNAME": SMTP_USER,
                "MAINTAINX_SMTP_PASSWORD": SMTP_PASSWORD, "MAINTAINX_SMTP_CA_FILE": str(sink.cert),
                "MAINTAINX_WEBHOOK_SECRET": "bench-secret-0123456789", "MAINTAINX_LOG_LEVEL": "WARNING",
            }  # fmt: skip
            worker = subprocess.Popen([sys.executable, "-m", "cloud", "notify"], cwd=REPO, env=env)
            try:
                time.sleep(2.0)  # the worker's start-up is not what is measured
                opened = _open_tickets(url, machine_id, args.tickets, args.gap_ms / 1000)
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and (
                    len(receiver.received()) < args.tickets or len(sink.received()) < args.tickets
                ):
                    time.sleep(0.05)
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(20)
            hooks = {json.loads(h.body)["ticket"]["id"]: h.at for h in receiver.received()}
            mails = {}
            for mail in sink.received():
                found = _TICKET_IN_TEXT.search(mail.message.get_payload(decode=True).decode())  # type: ignore[union-attr]
                if found:
                    mails[found.group(1)] = mail.at
        finally:
            sink.stop()
            receiver.stop()
    webhook = [hooks[t] - at for t, at in opened.items() if t in hooks]
    email = [mails[t] - at for t, at in opened.items() if t in mails]
    both = [max(hooks[t], mails[t]) - at for t, at in opened.items() if t in hooks and t in mails]
    result = {
        "bench": "notify",
        "tickets": args.tickets,
        "webhooks_delivered": len(webhook),
        "emails_accepted": len(email),
        "webhook": _quantiles(webhook),
        "email": _quantiles(email),
        "both": _quantiles(both),
        "baseline_direct": _quantiles(baseline),
        "ratio_p50_vs_direct": round(statistics.median(both) / statistics.median(baseline), 2),
        "target_p99_ms": 5000,
        "machine": machine_info(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
