"""The worker heartbeat: each ingestion process upserts its ``ingestion_workers`` row every few seconds."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

HEARTBEAT_INTERVAL_S = 2.0

# Counters are added as deltas, so a worker that restarts under the same id keeps its running totals;
# the newest event time only moves forward (unless the stored one is implausibly far ahead).
_UPSERT = """
INSERT INTO ingestion_workers
    (worker_id, broker_connected, last_commit_at, newest_event_ts, rows_committed, dead_letters, heartbeat_at)
VALUES (%s, %s, %s, %s, %s, %s, now())
ON CONFLICT (worker_id) DO UPDATE SET
    broker_connected = EXCLUDED.broker_connected,
    last_commit_at = COALESCE(EXCLUDED.last_commit_at, ingestion_workers.last_commit_at),
    -- A stored time more than a day ahead (written before event times were checked) would win forever.
    newest_event_ts = CASE WHEN ingestion_workers.newest_event_ts > now() + interval '1 day'
        THEN EXCLUDED.newest_event_ts
        ELSE GREATEST(EXCLUDED.newest_event_ts, ingestion_workers.newest_event_ts) END,
    rows_committed = ingestion_workers.rows_committed + EXCLUDED.rows_committed,
    dead_letters = ingestion_workers.dead_letters + EXCLUDED.dead_letters,
    heartbeat_at = now()"""


@dataclass
class Progress:
    """What this worker committed since its last heartbeat (thread-safe: the writer adds, heartbeats take)."""

    rows: int = 0
    dead_letters: int = 0
    last_commit_at: datetime | None = None
    newest_event_ts: datetime | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def committed(self, rows: int, dead_letters: int, at: datetime, newest_event_ts: datetime | None) -> None:
        """Record one committed batch."""
        with self._lock:
            self.rows += rows
            self.dead_letters += dead_letters
            self.last_commit_at = at
            if newest_event_ts is not None and (
                self.newest_event_ts is None or newest_event_ts > self.newest_event_ts
            ):
                self.newest_event_ts = newest_event_ts

    def take(self) -> Progress:
        """Return the counts since the last call and reset them (times are levels, not deltas: kept)."""
        with self._lock:
            taken = Progress(self.rows, self.dead_letters, self.last_commit_at, self.newest_event_ts)
            self.rows = self.dead_letters = 0
            return taken

    def give_back(self, taken: Progress) -> None:
        """Return counts whose heartbeat could not be written, so the next one carries them."""
        with self._lock:
            self.rows += taken.rows
            self.dead_letters += taken.dead_letters


def write_heartbeat(connection: Any, worker_id: str, broker_connected: bool, progress: Progress) -> None:
    """Upsert this worker's row with a psycopg2 connection and commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT,
            (
                worker_id,
                broker_connected,
                progress.last_commit_at,
                progress.newest_event_ts,
                progress.rows,
                progress.dead_letters,
            ),
        )
    connection.commit()
