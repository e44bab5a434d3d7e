"""Batching: how many decoded messages go into one transaction, and when a partial batch is flushed anyway."""

from __future__ import annotations

import time
from collections.abc import Callable

from cloud.ingestion.routing import Routed


class Batch:
    """Routed messages, collected until ``max_rows`` rows, ``max_messages`` or ``max_wait_s`` is reached."""

    def __init__(
        self,
        *,
        max_rows: int,
        max_messages: int,
        max_wait_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_rows = max_rows
        self.max_messages = max_messages
        self.max_wait_s = max_wait_s
        self._clock = clock
        self.items: list[Routed] = []
        self.rows = 0
        self._started: float | None = None

    def __len__(self) -> int:
        return len(self.items)

    def add(self, item: Routed) -> None:
        """Add one routed message; the first one starts the clock."""
        if self._started is None:
            self._started = self._clock()
        self.items.append(item)
        self.rows += item.rows

    def full(self) -> bool:
        """True when the batch must be written now, whatever its age."""
        return self.rows >= self.max_rows or len(self.items) >= self.max_messages

    def deadline(self) -> float | None:
        """Clock time by which this batch must be written, or None when it is empty."""
        return None if self._started is None else self._started + self.max_wait_s

    def due(self) -> bool:
        """True when the batch is full or its oldest message has waited ``max_wait_s``."""
        deadline = self.deadline()
        return self.full() or (deadline is not None and self._clock() >= deadline)

    def take(self) -> list[Routed]:
        """Return the collected messages and start empty again."""
        items, self.items, self.rows, self._started = self.items, [], 0, None
        return items
