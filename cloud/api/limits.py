"""A request-body size limit as plain ASGI middleware: oversized bodies get a 413 problem, unread.

A declared Content-Length over the limit is refused before the app runs; a chunked body is counted as it
arrives and refused as soon as it passes the limit, so nobody can make the API buffer an unbounded body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cloud.api.errors import PROBLEM_JSON


class BodyTooLargeError(HTTPException):
    """Raised inside the app's receive() when a streamed body passes the limit (the app answers 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _detail(limit))


def _detail(limit: int) -> str:
    return f"the request body is larger than the limit of {limit} bytes"


def _problem_body(limit: int) -> bytes:
    return json.dumps(
        {
            "type": "about:blank",
            "title": HTTPStatus(413).phrase,
            "status": 413,
            "detail": _detail(limit),
        }
    ).encode()


class BodySizeLimit:
    """Refuse request bodies larger than ``max_bytes`` with 413 (``path_limits``: another limit for paths
    that fully match a pattern, e.g. file uploads)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, path_limits: Sequence[tuple[re.Pattern[str], int]] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_limits = tuple(path_limits)

    def _limit(self, path: str) -> int:
        return next((limit for pattern, limit in self.path_limits if pattern.fullmatch(path)), self.max_bytes)

    async def _reply_413(self, send: Send, limit: int) -> None:
        body = _problem_body(limit)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0  # the server rejects a malformed length itself
                if declared > limit:
                    await self._reply_413(send, limit)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError:
            # Only reached when the body was read outside the app's error handling (e.g. a middleware).
            if not started:
                await self._reply_413(send, limit)
