"""One ingestion worker: MQTT consumer → bounded queue → writer thread (batch, commit, then ack) + heartbeat.

Invariant 2: a message is acknowledged to the broker, and its records to their gateway (``acks.py``), only
after the transaction holding it committed. If the database is down the writer retries with backoff and
acknowledges nothing, so a crash at any point makes the broker (or, if the broker forgot, the agent)
send it again, and the keys make the repeat harmless.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

import psycopg2
import sqlalchemy as sa
from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_exponential

from cloud.config import Settings
from cloud.db import make_engine
from cloud.ingestion import metrics
from cloud.ingestion.acks import commit_acks
from cloud.ingestion.batching import Batch
from cloud.ingestion.consumer import MqttConsumer
from cloud.ingestion.errors import DatabaseUnavailableError, IngestionError
from cloud.ingestion.heartbeat import HEARTBEAT_INTERVAL_S, Progress, write_heartbeat
from cloud.ingestion.ownership import Ownership
from cloud.ingestion.routing import Routed
from cloud.ingestion.stats import WriteStats
from cloud.ingestion.timecheck import TimeWindow
from cloud.ingestion.writer import write_batch, write_one_by_one
from cloud.storage.partitions import ensure_partitions

logger = logging.getLogger(__name__)

# Errors that mean "the database is not reachable right now", worth retrying; anything else is in the data.
TRANSIENT_DB_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError, sa.exc.OperationalError)
RETRY_MAX_WAIT_S = 5.0
# Longest the writer idles in one wait, so a stop request is noticed promptly.
_IDLE_POLL_S = 0.25
SUMMARY_INTERVAL_S = 10.0
# While the database is unreachable, the heartbeat says so once per this many seconds.
DB_DOWN_LOG_S = 30.0


class IngestWorker:
    """An ingestion worker; ``start()`` runs it in background threads, ``stop()`` ends it gracefully."""

    def __init__(self, settings: Settings, *, database_url: str | None = None) -> None:
        self.settings = settings
        self.worker_id = settings.ingest_worker_id
        self.database_url = database_url
        self.inbox: queue.Queue[Routed] = queue.Queue(maxsize=settings.ingest_queue_messages)
        self.consumer = MqttConsumer(
            settings.mqtt_endpoint(),
            client_id=f"maintainx-ingest-{self.worker_id}",
            share_group=settings.ingest_share_group,
            inbox=self.inbox,
            window=TimeWindow.from_settings(settings),
        )
        self.owners = Ownership(
            ttl_s=settings.ingest_owner_cache_s, pending=settings.ingest_machine_binding == "approve"
        )
        self.totals = WriteStats()
        self.progress = Progress()
        self.error: BaseException | None = None
        self.finished = threading.Event()
        self._stopping = threading.Event()
        self._abandon = threading.Event()
        self._engine: sa.Engine | None = None
        self._thread: threading.Thread | None = None
        self._db_down_logged_at = -DB_DOWN_LOG_S

    def start(self) -> IngestWorker:
        """Open the database pool, start the writer thread and connect to the broker."""
        url = self.database_url or self.settings.resolved_database_url()
        self._engine = make_engine(url, pool_size=2, max_overflow=0)
        self._prepare_partitions()
        metrics.watch_queue(self.inbox)
        self._thread = threading.Thread(target=self._run, name=f"ingest-writer-{self.worker_id}", daemon=True)
        self._thread.start()
        self.consumer.start()
        logger.info("ingestion worker %s started", self.worker_id, extra={"worker_id": self.worker_id})
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop taking messages, commit and ack what was taken, then disconnect; give up after ``timeout``."""
        self.consumer.pause()
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.error("writer did not finish within %.0fs; leaving its batch un-acked", timeout)
                self._abandon.set()
                self._thread.join(RETRY_MAX_WAIT_S)
        self._heartbeat(broker_connected=False)
        self.consumer.stop()
        if self._engine is not None:
            self._engine.dispose()
        self._log_totals("ingestion worker stopped")

    def _prepare_partitions(self) -> None:
        """Create the coming days' partitions now (the maintenance job keeps them up); best effort."""
        assert self._engine is not None
        today = datetime.now(UTC).date()
        try:
            ensure_partitions(self._engine, today, today + timedelta(days=self.settings.storage_days_ahead))
        except sa.exc.DBAPIError as exc:
            # Not fatal: rows without their day partition go to the DEFAULT one.
            logger.warning("could not prepare partitions: %s", str(exc).strip().splitlines()[0])

    def _run(self) -> None:
        batch = Batch(
            max_rows=self.settings.ingest_batch_rows,
            max_messages=self.settings.ingest_batch_messages,
            max_wait_s=self.settings.ingest_flush_interval_s,
        )
        next_heartbeat = next_summary = time.monotonic()
        try:
            while True:
                deadline = batch.deadline()
                timeout = _IDLE_POLL_S if deadline is None else max(0.0, deadline - time.monotonic())
                with contextlib.suppress(queue.Empty):
                    batch.add(self.inbox.get(timeout=min(timeout, _IDLE_POLL_S)))
                draining = self._stopping.is_set() and self.inbox.empty()
                if batch and (batch.due() or draining):
                    self._flush(batch.take())
                elif draining:
                    break
                now = time.monotonic()
                if now >= next_heartbeat:
                    self._heartbeat(broker_connected=self.consumer.connected)
                    next_heartbeat = now + HEARTBEAT_INTERVAL_S
                if now >= next_summary:
                    self._log_totals("ingestion running")
                    next_summary = now + SUMMARY_INTERVAL_S
        except DatabaseUnavailableError as exc:
            logger.error("%s", exc)
        except BaseException as exc:
            # A bug, not bad input: stop the worker loudly rather than run on without a writer.
            self.error = exc
            logger.exception("ingestion writer failed")
        finally:
            self.finished.set()

    def _flush(self, items: Sequence[Routed]) -> None:
        """Commit one batch (retrying while the database is unreachable), then acknowledge its messages."""
        retrying = Retrying(
            retry=retry_if_exception_type(TRANSIENT_DB_ERRORS),
            wait=wait_exponential(multiplier=0.1, max=RETRY_MAX_WAIT_S),
            stop=self._should_abandon,
            sleep=self._sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        started = time.monotonic()
        try:
            stats = retrying(self._commit, items)
        except TRANSIENT_DB_ERRORS as exc:
            raise DatabaseUnavailableError(
                f"gave up writing {len(items)} messages: database unavailable ({exc}); they stay un-acked"
            ) from exc
        # Committed: only now may the edge forget these records. Sent before the broker acks, so a crash
        # between the two costs a redelivery (absorbed by the keys), never an unconfirmed record.
        self.consumer.send_commit_acks(commit_acks(items))
        for item in items:
            self.consumer.ack(item.message)
        self.progress.committed(stats.rows, stats.dead_letters, datetime.now(UTC), stats.newest_event_ts)
        self.totals.add(stats)
        metrics.observe_batch(items, stats, started)
        for reason, count in stats.dead_letter_reasons.items():
            logger.warning("dead-lettered %d message(s): %s", count, reason, extra={"reason": reason})

    def _commit(self, items: Sequence[Routed]) -> WriteStats:
        assert self._engine is not None
        raw = self._engine.raw_connection()
        try:
            connection: Any = raw.driver_connection
            try:
                stats = write_batch(connection, items, self.owners)
            except TRANSIENT_DB_ERRORS:
                raise
            except Exception as exc:
                # Anything else is in the data (a value PostgreSQL refuses, or one that trips our own code):
                # isolate the message that causes it rather than stop the worker on it at every redelivery.
                connection.rollback()
                self.owners.discard()
                stats = write_one_by_one(connection, items, exc, self.owners)
            connection.commit()
            self.owners.committed()
            return stats
        except TRANSIENT_DB_ERRORS:
            raw.invalidate()
            raise
        finally:
            self.owners.discard()  # whatever was not committed
            raw.close()

    def _sleep(self, seconds: float) -> None:
        # Wakes early when the worker is told to give up.
        self._abandon.wait(seconds)

    def _log_totals(self, what: str) -> None:
        totals = self.totals.summary()
        logger.info(
            "%s: %d readings, %d predictions stored; %d duplicates, %d dead letters",
            what,
            totals["readings"],
            totals["predictions"],
            totals["readings_duplicate"] + totals["predictions_duplicate"],
            totals["dead_letters"],
            extra={"worker_id": self.worker_id, **totals},
        )

    def _should_abandon(self, state: RetryCallState) -> bool:
        return self._abandon.is_set()

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        logger.warning(
            "database unavailable (attempt %d): %s; retrying, nothing acked",
            state.attempt_number,
            str(exc).strip(),
        )

    def _heartbeat(self, *, broker_connected: bool) -> None:
        if self._engine is None:
            return
        taken = self.progress.take()
        try:
            raw = self._engine.raw_connection()
        except TRANSIENT_DB_ERRORS as exc:
            self.progress.give_back(taken)
            now = time.monotonic()
            if now - self._db_down_logged_at >= DB_DOWN_LOG_S:
                # A heartbeat comes every few seconds; a database down for an hour needs no flood of lines.
                logger.warning("heartbeat skipped, database unavailable: %s", str(exc).strip())
                self._db_down_logged_at = now
            return
        if self._db_down_logged_at > -DB_DOWN_LOG_S:
            logger.info("database reachable again")
            self._db_down_logged_at = -DB_DOWN_LOG_S
        try:
            write_heartbeat(raw.driver_connection, self.worker_id, broker_connected, taken)
        except psycopg2.Error as exc:
            raw.invalidate()
            self.progress.give_back(taken)
            logger.warning("heartbeat failed: %s", str(exc).strip())
        finally:
            raw.close()


def _on_sigterm(stop: threading.Event) -> Callable[[], None]:
    """Make SIGTERM set ``stop`` (only possible from the main thread); return a function that undoes it."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: FrameType | None) -> None:
        logger.info("SIGTERM received; stopping ingestion")
        stop.set()

    previous = signal.signal(signal.SIGTERM, handler)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


def run_ingest(settings: Settings, stop: threading.Event | None = None) -> None:
    """Run one ingestion worker until ``stop`` is set or SIGTERM arrives, then stop it gracefully."""
    stop = stop or threading.Event()
    restore = _on_sigterm(stop)
    worker = IngestWorker(settings).start()
    try:
        while not stop.wait(_IDLE_POLL_S):
            if worker.finished.is_set():
                break
    finally:
        worker.stop()
        restore()
    if worker.error is not None:
        raise IngestionError(f"ingestion writer failed: {worker.error}") from worker.error
