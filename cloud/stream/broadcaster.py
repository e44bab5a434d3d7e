"""One background task per API process polls the change feed and fans each change out to every viewer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from cloud.stream.feed import Change, ChangeFeed

logger = logging.getLogger(__name__)

# Changes a viewer may have waiting; one that falls this far behind is cut off (its EventSource reconnects)
# rather than making the API hold an ever-growing backlog for it.
QUEUE_SIZE = 1000
# A poll that fails (database restarting) is retried after this long.
ERROR_BACKOFF_S = 5.0


class Broadcaster:
    """Fans changes out to subscribers; polls only while someone is listening."""

    def __init__(self, feed: ChangeFeed, poll_s: float) -> None:
        self._feed = feed
        self._poll_s = poll_s
        self._queues: set[asyncio.Queue[Change | None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def start(self) -> None:
        """Start the polling task (in the running event loop)."""
        self._task = asyncio.create_task(self._run(), name="stream-broadcaster")

    async def stop(self) -> None:
        """Stop polling and end every subscription."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for queue in list(self._queues):
            self._close(queue)

    @property
    def subscribers(self) -> int:
        """How many viewers are connected."""
        return len(self._queues)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Change | None]]:
        """A queue of the changes from now on; None in it means the subscription was ended."""
        queue: asyncio.Queue[Change | None] = asyncio.Queue(QUEUE_SIZE + 1)  # +1: room for the closing None
        if not self._queues:
            # Nobody was listening, so the feed is stale: start from now, not from the last viewer's time.
            await asyncio.to_thread(self._feed.reset)
        self._queues.add(queue)
        self._wake.set()
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    def _close(self, queue: asyncio.Queue[Change | None]) -> None:
        self._queues.discard(queue)
        with contextlib.suppress(asyncio.QueueFull):
            queue.put_nowait(None)

    def publish(self, change: Change) -> None:
        """Give ``change`` to every subscriber; cut off those that are too far behind."""
        for queue in list(self._queues):
            if queue.qsize() >= QUEUE_SIZE:
                logger.warning("a live-stream viewer fell %d changes behind; disconnecting it", QUEUE_SIZE)
                self._close(queue)
            else:
                queue.put_nowait(change)

    async def _run(self) -> None:
        while True:
            if not self._queues:
                self._wake.clear()
                await self._wake.wait()
            try:
                changes = await asyncio.to_thread(self._feed.poll)
            except Exception:
                logger.exception("the live stream could not read changes; retrying in %s s", ERROR_BACKOFF_S)
                await asyncio.sleep(ERROR_BACKOFF_S)
                continue
            for change in changes:
                self.publish(change)
            await asyncio.sleep(self._poll_s)
