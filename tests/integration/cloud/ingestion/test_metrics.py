"""The ingestion worker's Prometheus metrics, from a real worker on a real broker and database."""

from __future__ import annotations

import urllib.request

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from cloud.config import Settings
from cloud.ingestion.worker import IngestWorker
from cloud.metrics import serve
from contract.codec import encode
from contract.topics import Kind, gateway_topic
from maintainx.services import free_port
from tests.integration.cloud.ingestion.kit import Publisher, machine, readings, scalar, telemetry, wait_until

pytestmark = pytest.mark.integration

GW = "gw-metrics"


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_worker_counts_messages_rows_dead_letters_and_reports_lag(
    worker: IngestWorker, publisher: Publisher, db: sa.Engine
) -> None:
    before = {
        "messages": _value("maintainx_ingest_messages_total"),
        "rows": _value("maintainx_ingest_rows_total", kind="readings"),
        "batches": _value("maintainx_ingest_batch_seconds_count"),
    }
    press = machine()
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), encode(telemetry(GW, readings(press.id, 120))))
    publisher.publish(gateway_topic(GW, Kind.TELEMETRY), b"\x00 not a batch \xff")
    wait_until(lambda: scalar(db, "SELECT count(*) FROM sensor_data") == 120, what="readings stored")
    wait_until(lambda: scalar(db, "SELECT count(*) FROM dead_letters") == 1, what="dead letter stored")
    wait_until(lambda: _value("maintainx_ingest_messages_total") >= before["messages"] + 2, what="counted")

    assert _value("maintainx_ingest_rows_total", kind="readings") == before["rows"] + 120
    assert _value("maintainx_ingest_batch_seconds_count") > before["batches"]
    reasons = [
        s.labels["reason"]
        for metric in REGISTRY.collect()
        if metric.name == "maintainx_ingest_dead_letters"
        for s in metric.samples
        if s.name.endswith("_total") and s.value > 0
    ]
    assert reasons, "no dead letter reason counted"
    # The readings are from the kit's fixed past, so the lag is their age: positive, and reported.
    assert _value("maintainx_ingest_lag_seconds") > 0
    assert _value("maintainx_gateway_last_message_timestamp_seconds", gateway=GW) > 0

    port = free_port()
    serve(Settings(metrics_port=port))
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    assert 'maintainx_ingest_rows_total{kind="readings"}' in text
    assert "maintainx_ingest_queued_messages" in text
