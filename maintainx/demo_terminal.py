"""What the demo says in the terminal: one line per step, a banner, a status line; the rest goes to a file.

Libraries log at INFO (pgserver's initdb output, Alembic's migrations, the supervisor's child starts);
in the terminal that buried the banner under a hundred lines. They go to ``logs/demo.log``; the terminal
keeps warnings and the demo's own lines.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloud.auth.demo import DEMO_PASSWORD, DEMO_USERS
from cloud.broker.provision import Provisioned
from maintainx.services import Broker

# Loggers whose INFO records are steps of the demo a newcomer should see (each model update sent).
STEP_LOGGERS = ("cloud.registry.publisher",)
STATUS_EVERY_S = 15.0
# The terminal warns when the newest stored reading is older than this (the demo samples at 1 Hz).
SILENCE_WARN_S = 60.0
FIRST_STATUS_AFTER_S = 5.0


def step(text: str) -> None:
    """One line in the terminal for one step of the demo's start."""
    print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)


class _TerminalFilter(logging.Filter):
    """Warnings from anywhere, and INFO from the step loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "py.warnings":  # libraries' deprecation and environment warnings: the file only
            return False
        return record.levelno >= logging.WARNING or record.name in STEP_LOGGERS


class _TerminalFormatter(logging.Formatter):
    """A step reads like the demo's own lines (time, text); a warning says that it is one."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if record.levelno < logging.WARNING:
            return text
        time_text, _, message = text.partition(" ")
        return f"{time_text} {record.levelname}: {message}"


def log_to_file(path: Path) -> None:
    """Send every log record to ``path``; keep warnings and the steps (one line each) in the terminal."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    terminal = logging.StreamHandler()
    terminal.addFilter(_TerminalFilter())
    terminal.setFormatter(_TerminalFormatter("%(asctime)s %(message)s", "%H:%M:%S"))
    root.addHandler(file_handler)
    root.addHandler(terminal)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)


def broker_kind(broker: Broker | None, credentials: Provisioned | None) -> str:
    """How the banner describes the broker."""
    if broker is None:
        return "external, MQTT_URL"
    if broker.kind == "amqtt":
        return "amqtt: Mosquitto is not installed, so the pure-Python fallback"
    return "private Mosquitto, a login per gateway" if credentials else "private Mosquitto"


def banner(*, api: str, model: str, fleet: str, data_dir: Path) -> str:
    """The block that tells a newcomer where to go and how to sign in."""
    emails = [email for email, _, _ in DEMO_USERS]
    logins = ", ".join(sorted(emails)[:-1]) + f" or {sorted(emails)[-1]}"
    return (
        f"\nMaintainX is running: open {api}\n"
        f"  model serving: {model}\n"
        f"  log in as {logins} with the password {DEMO_PASSWORD}\n"
        f"  {fleet}; logs in {data_dir / 'logs'}\n"
        f"  API documentation: {api}/docs\n"
        f"  Ctrl-C stops everything; data stays in {data_dir}\n"
    )


def _get_json(url: str, token: str | None = None, body: object = None) -> Any:
    """GET ``url`` (POST when there is a body) as JSON, with the token if given."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as resp:
        return json.load(resp)


def silence_warning(newest_reading: datetime | None, started: datetime, now: datetime) -> str | None:
    """A warning when no reading has arrived for ``SILENCE_WARN_S`` (counted from the start if none yet)."""
    since = max(newest_reading, started) if newest_reading else started
    silent_s = (now - since).total_seconds()
    if silent_s < SILENCE_WARN_S:
        return None
    what = (
        "no reading has arrived" if newest_reading is None or newest_reading < started else "no new reading"
    )
    return (
        f"WARNING: {what} for {silent_s:.0f} s; see logs/ingest.log and logs/agent-*.log "
        "(is the broker up, is ingestion subscribed?)"
    )


def summary(api: str) -> tuple[str, datetime | None]:
    """One status line from the API (signed in as the demo engineer) and the newest reading's time."""
    try:
        login = _get_json(f"{api}/api/auth/login", body={"email": "engineer@demo", "password": DEMO_PASSWORD})
        token = login["access_token"]
        machines = _get_json(f"{api}/api/machines", token)
        page = _get_json(f"{api}/api/tickets?limit=200", token)
    except OSError as exc:
        return f"API not answering yet ({exc})", None
    tickets = page["items"]
    online = sum(1 for m in machines if m["online"])
    risks = [m["latest_prediction"]["failure_prob"] for m in machines if m["latest_prediction"]]
    readings = [datetime.fromisoformat(m["latest_reading"]["ts"]) for m in machines if m["latest_reading"]]
    open_tickets = sum(1 for t in tickets if t["status"] != "RESOLVED")
    top = f"{max(risks):.0%}" if risks else "-"
    line = f"{len(machines)} machines, {online} online, highest risk {top}, {open_tickets} open tickets"
    return line, max(readings, default=None)


class StatusWatch:
    """Prints the status line every ``STATUS_EVERY_S`` seconds when polled, and warns when data stops."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.started = datetime.now(UTC)
        self._next = time.monotonic() + FIRST_STATUS_AFTER_S

    def poll(self) -> None:
        """Print the status line (and a warning when no reading arrives) if it is due."""
        if time.monotonic() < self._next:
            return
        line, newest = summary(self.api)
        step(line)
        warning = silence_warning(newest, self.started, datetime.now(UTC))
        if warning:
            step(warning)
        self._next = time.monotonic() + STATUS_EVERY_S
