"""The durable outbox: every record is stored here before it is published, and deleted only when confirmed.

A record is confirmed when the cloud's commit acknowledgement (``CommitAck``) names its seq: the broker's
PUBACK only marks it *sent*, because a broker restarted after a kill -9 can forget messages it acknowledged.
Sent records count in the depth and stay on disk; ``expire`` hands those the cloud has not confirmed within a
timeout back for resending, and ``mark_backlog`` (a reconnect) hands all of them back. ``ack`` deletes on
PUBACK for an agent told to trust the broker (``confirm_by = "puback"``, for a cloud that sends no acks).
Sent state is kept in memory only: after a restart every stored row is sent again anyway.

SQLite in WAL mode with ``synchronous=NORMAL``: a commit is in the WAL (the OS page cache) before
``add`` returns, so a kill -9 of the agent loses nothing; only an OS crash or power cut can lose the last
few commits, and never corrupts the file. FULL would fsync on every tick (up to 10 a second), wearing a
gateway's flash for records that nobody has acknowledged yet anyway.

The outbox is bounded by ``max_records``: when full, the oldest raw readings are dropped first (a
prediction summarises a whole window and is worth more), then the oldest predictions; every drop is
counted per stream. Sequence counters live in the same database and advance in the same transaction as the
records that use them, so a restarted agent continues each stream without a gap or a repeat.

Rows are either *live* or *backlog*. ``mark_backlog()`` (called when the broker connection comes up, and
implied when the outbox opens) turns everything stored so far into backlog; rows added afterwards are live.
The publisher sends live rows as they come and drains the backlog beside them, so fresh data never waits
behind hours of history.
"""

from __future__ import annotations

import enum
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from edge_agent.errors import OutboxError, OutboxWriteError

logger = logging.getLogger(__name__)

OUTBOX_FILE = "outbox.sqlite3"
# A full outbox drops on every tick: one log line per this many seconds says how many, not one a tick.
FULL_LOG_S = 30.0
# Rows deleted per statement when making room or acknowledging; keeps SQLite's parameter list short.
_CHUNK = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    stream TEXT NOT NULL,
    payload BLOB NOT NULL,
    seq INTEGER
);
CREATE INDEX IF NOT EXISTS records_by_stream ON records (stream, id);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""
# Created after the upgrade below, which adds the seq column to an outbox made by an older agent.
_SEQ_INDEX = "CREATE INDEX IF NOT EXISTS records_by_seq ON records (stream, seq)"


class Stream(enum.StrEnum):
    """The two record streams; each has its own sequence and drop counter."""

    PREDICTIONS = "predictions"
    READINGS = "readings"


# Drain order after an outage: predictions first (fresh risk matters more than raw history).
DRAIN_ORDER = (Stream.PREDICTIONS, Stream.READINGS)
# Drop order when full: raw readings first.
DROP_ORDER = (Stream.READINGS, Stream.PREDICTIONS)


class Outbox:
    """Records waiting for the cloud's confirmation, with per-stream seq and drop counters (thread-safe)."""

    def __init__(self, data_dir: str | Path, max_records: int) -> None:
        path = Path(data_dir) / OUTBOX_FILE
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Shared by the sampling thread (add) and the MQTT thread (claim, ack), serialised by _lock.
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            _add_seq_column(self._db)
            self._db.execute(_SEQ_INDEX)
        except (sqlite3.Error, OSError) as exc:
            raise OutboxError(f"{path}: cannot open the outbox: {exc}") from exc
        self.path = path
        self.max_records = max_records
        self._lock = threading.Lock()
        # Rows handed to the publisher and not yet confirmed; never handed out twice. Those awaiting PUBACK
        # are never dropped (a paho message carries them); those already sent may be, oldest first.
        self._in_flight: dict[int, Stream] = {}
        # Rows sent (PUBACKed) and not yet confirmed by the cloud -> monotonic time sent, in sending order.
        self._sent: dict[int, float] = {}
        self._flying = dict.fromkeys(Stream, 0)  # in-flight rows per stream
        self._depth = {
            s: int(self._db.execute("SELECT count(*) FROM records WHERE stream = ?", (s,)).fetchone()[0])
            for s in Stream
        }
        self._last_id = int(self._db.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0])
        # Rows with id <= _mark are backlog; _backlog counts those waiting (stored, not in flight).
        self._mark = self._last_id
        self._backlog = dict(self._depth)
        # Highest row id claimed so far per (stream, backlog?): everything at or below it in that part is
        # in flight or gone, so a claim starts there and stays O(limit) however much is in flight.
        self._cursor: dict[tuple[Stream, bool | None], int] = {
            (s, part): self._mark if part is False else 0 for s in Stream for part in (True, False, None)
        }
        self._counters: dict[str, int] = dict(self._db.execute("SELECT name, value FROM counters").fetchall())
        # Counter values written in the open transaction; visible in _counters only once it commits.
        self._pending: dict[str, int] = {}
        # Records refused by a full or failing disk since the last successful write, not yet persisted.
        self._lost = dict.fromkeys(Stream, 0)
        self._unlogged = dict.fromkeys(Stream, 0)  # dropped since the last "outbox full" log line
        self._undeleted: list[int] = []  # acknowledged rows whose delete the disk refused; retried
        self._logged_at = -FULL_LOG_S

    def next_seq(self, stream: Stream) -> int:
        """The seq the next record of ``stream`` must carry; ``add`` advances it by the records added."""
        with self._lock:
            return int(self._counters.get(f"seq.{stream}", 0))

    def dropped(self) -> dict[str, int]:
        """Records given up so far: outbox full (``<stream>``), disk refused (``disk.<stream>``)."""
        with self._lock:
            out = {s.value: int(self._counters.get(f"dropped.{s}", 0)) for s in Stream}
            for s in Stream:
                lost = int(self._counters.get(f"disk.{s}", 0)) + self._lost[s]
                if lost:
                    out[f"disk.{s}"] = lost
            return out

    def mark_backlog(self) -> int:
        """Make every row stored so far backlog (e.g. when the broker comes back); return how many wait.

        Rows sent but not confirmed are handed back too: the broker that acknowledged them may have
        restarted without them.
        """
        with self._lock:
            unconfirmed = list(self._sent)
        self.release(unconfirmed)
        with self._lock:
            self._mark = self._last_id
            for stream in Stream:
                self._backlog[stream] = self._depth[stream] - self._flying[stream]
                self._cursor[stream, True] = 0
                self._cursor[stream, False] = self._mark
                self._cursor[stream, None] = 0
            return sum(self._backlog.values())

    def depth(self, stream: Stream | None = None) -> int:
        """Records waiting (including those in flight), for one stream or all."""
        with self._lock:
            return self._depth[stream] if stream else sum(self._depth.values())

    def add(self, stream: Stream, payloads: Sequence[bytes]) -> None:
        """Store records whose seqs are ``next_seq(stream)`` onwards, making room first if full.

        When the disk is full, the outbox counts as full at its present size: the oldest records make
        room, as the drop policy says. Records that still cannot be written (nothing left to drop, a
        failing disk) are counted under ``disk.<stream>`` and OutboxWriteError says why; they take no seq,
        so the stream stays gapless. The next write that succeeds persists those counts.
        """
        if not payloads:
            return
        with self._lock:
            try:
                self._insert(stream, payloads, self.max_records)
                return
            except sqlite3.Error as exc:
                error = exc
            if _code(error) == sqlite3.SQLITE_FULL:
                try:
                    self._insert(stream, payloads, min(self.max_records, sum(self._depth.values())))
                    return
                except sqlite3.Error as exc:
                    error = exc
            self._lost[stream] += len(payloads)
            raise OutboxWriteError(
                f"{self.path}: cannot store {len(payloads)} {stream}, dropped: {error}"
            ) from error

    def _insert(self, stream: Stream, payloads: Sequence[bytes], capacity: int) -> None:
        """One transaction: room made below ``capacity``, records inserted, seq and loss counters moved."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            drops = self._make_room(len(payloads), capacity)
            first = int(self._counters.get(f"seq.{stream}", 0))
            self._db.executemany(
                "INSERT INTO records (stream, seq, payload) VALUES (?, ?, ?)",
                ((stream, first + i, p) for i, p in enumerate(payloads)),
            )
            # Read before _bump, whose upsert into counters moves last_insert_rowid().
            last_id = int(self._db.execute("SELECT last_insert_rowid()").fetchone()[0])
            self._bump(f"seq.{stream}", len(payloads))
            for lost_stream, n in self._lost.items():
                if n:
                    self._bump(f"disk.{lost_stream}", n)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            self._rollback()
            raise
        self._counters.update(self._pending)
        self._pending.clear()
        self._lost = dict.fromkeys(Stream, 0)
        for dropped_stream, victims in drops:
            self._depth[dropped_stream] -= len(victims)
            # Rows in flight left the backlog count when they were claimed.
            self._backlog[dropped_stream] -= sum(
                1 for v in victims if v <= self._mark and v not in self._in_flight
            )
            self._land(victims)
            self._unlogged[dropped_stream] += len(victims)
        now = time.monotonic()
        if drops and now - self._logged_at >= FULL_LOG_S:
            # Once a while with the totals: a full outbox drops on every tick, and says so in the status.
            logger.warning(
                "outbox full: dropped the oldest %s since the last report (totals in the status)",
                ", ".join(f"{n} {s}" for s, n in self._unlogged.items() if n),
            )
            self._logged_at, self._unlogged = now, dict.fromkeys(Stream, 0)
        self._depth[stream] += len(payloads)
        self._last_id = last_id

    def _make_room(self, incoming: int, capacity: int) -> list[tuple[Stream, list[int]]]:
        """Delete the oldest rows not awaiting PUBACK, readings first, so ``incoming`` more fit; say which."""
        excess = sum(self._depth.values()) + incoming - capacity
        drops: list[tuple[Stream, list[int]]] = []
        for stream in DROP_ORDER:
            if excess <= 0:
                break
            pinned = len(self._in_flight) - len(self._sent)
            rows = self._db.execute(
                "SELECT id FROM records WHERE stream = ? ORDER BY id LIMIT ?", (stream, excess + pinned)
            ).fetchall()
            victims = [r[0] for r in rows if r[0] not in self._in_flight or r[0] in self._sent][:excess]
            if not victims:
                continue
            self._delete(victims)
            # Counted in the transaction; the in-memory depth moves only once it commits.
            self._bump(f"dropped.{stream}", len(victims))
            drops.append((stream, victims))
            excess -= len(victims)
        return drops

    def claim(self, stream: Stream, limit: int, *, backlog: bool | None = None) -> list[tuple[int, bytes]]:
        """Up to ``limit`` oldest rows of ``stream`` (all, backlog or live) not in flight; now in flight."""
        with self._lock:
            rows: list[tuple[int, bytes]] = []
            after = max(self._cursor[stream, backlog], self._mark if backlog is False else 0)
            upto = self._mark if backlog else self._last_id
            while len(rows) < limit:
                batch = self._db.execute(
                    "SELECT id, payload FROM records"
                    " WHERE stream = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?",
                    (stream, after, upto, limit - len(rows)),
                ).fetchall()
                if not batch:
                    break
                rows += [r for r in batch if r[0] not in self._in_flight]
                after = batch[-1][0]
            self._cursor[stream, backlog] = after
            self._in_flight.update((r[0], stream) for r in rows)
            self._flying[stream] += len(rows)
            self._backlog[stream] -= sum(1 for r in rows if r[0] <= self._mark)
            return rows

    def ack(self, ids: Iterable[int]) -> None:
        """Delete these rows now: with ``confirm_by = "puback"``, on the broker's PUBACK.

        A delete needs disk space too (SQLite's WAL): when the disk refuses it, the rows stay stored and in
        flight (never dropped, never sent again by this process) and are deleted with the next ack that
        can write. Raising here would kill the MQTT thread that called it.
        """
        with self._lock:
            ids = list(ids) + self._undeleted
            try:
                self._db.execute("BEGIN IMMEDIATE")
                depth = self._depth_by_stream(ids)
                self._delete(ids)
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                if not self._undeleted:
                    logger.error(
                        "%s: cannot delete %d acknowledged rows, kept for now: %s", self.path, len(ids), exc
                    )
                self._undeleted = ids
                return
            if self._undeleted:
                logger.warning("%s: acknowledged rows kept after a failed delete are deleted now", self.path)
            self._undeleted = []
            for stream, n in depth.items():
                self._depth[stream] -= n
            self._land(ids)

    def mark_sent(self, ids: Iterable[int], now: float) -> None:
        """The broker acknowledged these rows: keep them, sent at ``now``, until the cloud confirms them."""
        with self._lock:
            for i in ids:
                if i in self._in_flight:  # not if confirmed (or dropped) while its message was in flight
                    self._sent[i] = now

    def confirm(self, stream: Stream, ranges: Iterable[tuple[int, int]]) -> int:
        """The cloud committed the records of ``stream`` with seqs in these inclusive ranges: delete them.

        Returns how many rows went; seqs no longer stored (confirmed before, dropped) are ignored.
        """
        ranges = list(ranges)
        if not ranges:  # an ack for the other stream only: no write transaction at all
            return 0
        with self._lock:
            gone: list[int] = []
            try:
                self._db.execute("BEGIN IMMEDIATE")
                for first, last in ranges:
                    gone += [
                        r[0]
                        for r in self._db.execute(
                            "DELETE FROM records WHERE stream = ? AND seq BETWEEN ? AND ? RETURNING id",
                            (stream, first, last),
                        )
                    ]
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise OutboxError(f"{self.path}: cannot delete confirmed rows: {exc}") from exc
            self._depth[stream] -= len(gone)
            self._backlog[stream] -= sum(1 for i in gone if i <= self._mark and i not in self._in_flight)
            self._land(gone)
            return len(gone)

    def expire(self, before: float) -> int:
        """Hand back for resending every row sent before ``before`` and still unconfirmed; return how many."""
        with self._lock:
            old: list[int] = []
            for i, at in self._sent.items():  # in sending order: stop at the first recent one
                if at >= before:
                    break
                old.append(i)
        self.release(old)
        return len(old)

    def sent(self) -> int:
        """Rows the broker acknowledged that the cloud has not confirmed yet."""
        with self._lock:
            return len(self._sent)

    def release(self, ids: Iterable[int] | None = None) -> None:
        """Return rows (all when None) to the waiting state, e.g. when their message will not be acked."""
        with self._lock:
            ids = list(self._in_flight) if ids is None else list(ids)
            for i in ids:
                stream = self._in_flight.get(i)
                if stream is not None:
                    backlog = i <= self._mark
                    for part in (backlog, None):
                        self._cursor[stream, part] = min(self._cursor[stream, part], i - 1)
                    self._backlog[stream] += backlog
            self._land(ids)

    def _land(self, ids: Iterable[int]) -> None:
        """Forget that ``ids`` are in flight (they were confirmed, dropped or released)."""
        for i in ids:
            self._sent.pop(i, None)
            stream = self._in_flight.pop(i, None)
            if stream is not None:
                self._flying[stream] -= 1

    def in_flight(self) -> int:
        """How many rows are published and waiting for PUBACK."""
        with self._lock:
            return len(self._in_flight) - len(self._sent)

    def waiting(self, stream: Stream, backlog: bool | None = None) -> int:
        """Rows of ``stream`` stored and not yet handed to the publisher: all, only backlog, or only live."""
        with self._lock:
            total = self._depth[stream] - self._flying[stream]
            if backlog is None:
                return total
            return self._backlog[stream] if backlog else total - self._backlog[stream]

    def close(self) -> None:
        """Checkpoint the WAL and close the database."""
        with self._lock:
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                logger.warning("outbox checkpoint on close failed: %s", exc)
            self._db.close()

    def _depth_by_stream(self, ids: list[int]) -> dict[Stream, int]:
        out: dict[Stream, int] = {}
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for stream, n in self._db.execute(
                f"SELECT stream, count(*) FROM records WHERE id IN ({marks}) GROUP BY stream", chunk
            ):
                out[Stream(stream)] = out.get(Stream(stream), 0) + n
        return out

    def _delete(self, ids: list[int]) -> None:
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            self._db.execute(f"DELETE FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk)

    def _bump(self, name: str, by: int) -> None:
        value = self._pending.get(name, self._counters.get(name, 0)) + by
        self._db.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )
        self._pending[name] = value

    def _rollback(self) -> None:
        self._pending.clear()
        try:
            self._db.execute("ROLLBACK")
        except sqlite3.Error:
            logger.debug("rollback after a failed outbox transaction also failed", exc_info=True)


def _code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of ``exc`` (SQLITE_FULL, SQLITE_IOERR, ...), -1 when it has none."""
    code = getattr(exc, "sqlite_errorcode", None)
    return -1 if code is None else code & 0xFF


def _add_seq_column(db: sqlite3.Connection) -> None:
    """Give an outbox made before commit acknowledgements its seq column, read from the payloads."""
    if any(row[1] == "seq" for row in db.execute("PRAGMA table_info(records)")):
        return
    db.execute("ALTER TABLE records ADD COLUMN seq INTEGER")
    # Payloads are JSON stored as BLOBs, which SQLite's JSON functions read only as text.
    db.execute(
        "UPDATE records SET seq = json_extract(CAST(payload AS TEXT), '$.seq')"
        " WHERE json_valid(CAST(payload AS TEXT))"
    )
