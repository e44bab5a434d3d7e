"""Prometheus metrics of an ingestion worker, kept apart from the worker so its hooks are two calls."""

from __future__ import annotations

import queue
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

from cloud.ingestion.routing import Accepted, Routed
from cloud.ingestion.stats import WriteStats

MESSAGES = Counter("maintainx_ingest_messages", "MQTT messages committed and acknowledged")
ROWS = Counter("maintainx_ingest_rows", "Rows stored, duplicates excluded", ["kind"])
DUPLICATES = Counter("maintainx_ingest_duplicates", "Rows the database already had (redeliveries)", ["kind"])
DEAD_LETTERS = Counter("maintainx_ingest_dead_letters", "Messages dead-lettered, by reason", ["reason"])
BATCH_SECONDS = Histogram(
    "maintainx_ingest_batch_seconds",
    "Time to commit one batch, retries included",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
LAG = Gauge(
    "maintainx_ingest_lag_seconds",
    "Age of the newest event in the last committed batch: how far storage is behind the gateways",
)
QUEUED = Gauge(
    "maintainx_ingest_queued_messages", "Messages received from the broker, waiting for the writer"
)
# One series per gateway (the broker's ACL admits only provisioned ones); max over workers in queries.
GATEWAY_LAST_MESSAGE = Gauge(
    "maintainx_gateway_last_message_timestamp_seconds",
    "Unix time this worker last committed a message from the gateway",
    ["gateway"],
)
LAST_COMMIT = Gauge("maintainx_ingest_last_commit_timestamp_seconds", "Unix time of the last commit")


def watch_queue(inbox: queue.Queue[Any]) -> None:
    """Report the depth of the worker's inbox at every scrape."""
    QUEUED.set_function(inbox.qsize)


def observe_batch(items: Sequence[Routed], stats: WriteStats, started: float) -> None:
    """Record one committed batch of ``items``, begun at ``started`` (time.monotonic())."""
    BATCH_SECONDS.observe(time.monotonic() - started)
    MESSAGES.inc(len(items))
    ROWS.labels("readings").inc(stats.readings)
    ROWS.labels("predictions").inc(stats.predictions)
    ROWS.labels("reports").inc(stats.reports)
    DUPLICATES.labels("readings").inc(stats.readings_duplicate)
    DUPLICATES.labels("predictions").inc(stats.predictions_duplicate)
    for reason, count in stats.dead_letter_reasons.items():
        DEAD_LETTERS.labels(reason).inc(count)
    now = datetime.now(UTC)
    LAST_COMMIT.set(now.timestamp())
    for gateway in {item.gateway_id for item in items if isinstance(item, Accepted)}:
        GATEWAY_LAST_MESSAGE.labels(gateway).set(now.timestamp())
    if stats.newest_event_ts is not None:
        LAG.set(max(0.0, (now - stats.newest_event_ts).total_seconds()))
