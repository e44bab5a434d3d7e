"""The body-size middleware on its own: declared and streamed bodies over the limit get 413."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse

from cloud.api.limits import BodySizeLimit

pytestmark = pytest.mark.unit


async def _echo_length(scope: Any, receive: Any, send: Any) -> None:
    body = await Request(scope, receive).body()
    await JSONResponse({"bytes": len(body)})(scope, receive, send)


def _call(chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[int, dict[str, Any]]:
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers, "query_string": b""}
    asyncio.run(BodySizeLimit(_echo_length, max_bytes=1000)(scope, receive, send))  # type: ignore[arg-type]
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body)


def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    status, body = _call([b"x" * 10], [(b"content-length", b"5000")])
    assert status == 413 and body["status"] == 413


def test_a_streamed_body_is_refused_when_it_passes_the_limit() -> None:
    status, body = _call([b"x" * 600, b"x" * 600], [])
    assert status == 413 and "1000 bytes" in body["detail"]


def test_bodies_within_the_limit_pass_whole() -> None:
    assert _call([b"x" * 500, b"x" * 500], []) == (200, {"bytes": 1000})
