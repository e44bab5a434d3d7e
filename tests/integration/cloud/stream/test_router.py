"""GET /api/stream over a real HTTP server: an EventSource-style client sees predictions, tickets and
gateway status as they change."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from cloud.app import create_app
from cloud.config import Settings
from cloud.users.models import UserRole
from maintainx.services import free_port

pytestmark = pytest.mark.integration

PASSWORD = "stream test password"


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    """The real app served by uvicorn in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=15)


def _read_events(response: httpx.Response, into: queue.Queue[tuple[str, Any]]) -> None:
    """Parse the SSE wire format (event/data lines, blank line ends an event)."""
    event, data = "message", list[str]()
    try:
        for line in response.iter_lines():
            if line == "":
                if data:
                    into.put((event, json.loads("\n".join(data))))
                event, data = "message", list[str]()
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
    except (httpx.HTTPError, RuntimeError):
        pass  # the test closed the stream


def _wait_for(events: queue.Queue[tuple[str, Any]], match: Any, timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "the expected event never came"
        name, data = events.get(timeout=remaining)
        if match(name, data):
            return dict(data)


def test_the_stream_pushes_predictions_ticket_changes_and_gateway_status(server: str, seed: Any) -> None:
    seed.user("Tess", role=UserRole.TECHNICIAN, email="tess@example.com", password=PASSWORD)
    token = httpx.post(f"{server}/api/auth/login", json={"email": "tess@example.com", "password": PASSWORD})
    token.raise_for_status()
    access = token.json()["access_token"]
    seed.gateway("gw-01")
    machine = seed.machine("Pump 03", gateway_id="gw-01")
    ticket = seed.ticket(machine)
    events: queue.Queue[tuple[str, Any]] = queue.Queue()

    with (
        httpx.Client(timeout=httpx.Timeout(5, read=None)) as http,
        http.stream("GET", f"{server}/api/stream", params={"access_token": access}) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        threading.Thread(target=_read_events, args=(response, events), daemon=True).start()
        time.sleep(0.5)  # let the subscription start (it only reports what changes after it)

        seed.predictions(machine, [0.2, 0.7, 0.91])
        prediction = _wait_for(events, lambda n, d: n == "prediction")
        assert prediction["machine_id"] == str(machine) and prediction["failure_prob"] == 0.91

        admin = seed.user("Ada", role=UserRole.ADMIN, email="ada@example.com", password=PASSWORD)
        assert admin
        ada = httpx.post(f"{server}/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {ada.json()['access_token']}"}
        httpx.patch(f"{server}/api/tickets/{ticket}", json={"status": "IN_PROGRESS"}, headers=headers)
        changed = _wait_for(events, lambda n, d: n == "ticket" and d["id"] == str(ticket))
        assert changed["status"] == "IN_PROGRESS" and changed["machine_name"] == "Pump 03"

        seed.gateway("gw-02", online=True, outbox_depth=12)
        gateway = _wait_for(events, lambda n, d: n == "gateway" and d["id"] == "gw-02")
        assert gateway["online"] is True and gateway["outbox_depth"] == 12
        response.close()


def test_the_stream_refuses_a_request_without_a_token_before_streaming(server: str) -> None:
    response = httpx.get(f"{server}/api/stream", timeout=5)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
