"""GET /api/stream: Server-Sent Events of predictions, tickets and gateway status."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from cloud.api.deps import StreamUser
from cloud.stream.broadcaster import Broadcaster

router = APIRouter(tags=["stream"])

# How long a browser waits before reconnecting after the stream drops (milliseconds).
RECONNECT_MS = 3000


@router.get("/stream", response_class=EventSourceResponse)
async def stream(request: Request, user: StreamUser) -> AsyncIterator[ServerSentEvent]:
    """Live changes: ``prediction``, ``ticket`` and ``gateway`` events (token in ``?access_token=``)."""
    broadcaster: Broadcaster = request.app.state.broadcaster
    async with broadcaster.subscribe() as queue:
        yield ServerSentEvent(comment="connected", retry=RECONNECT_MS)
        while True:
            change = await queue.get()
            if change is None:  # cut off (too slow) or the API is stopping
                return
            yield ServerSentEvent(event=change.event, data=change.data)
