"""Ingestion: MQTT (shared subscriptions) to PostgreSQL in batches, acknowledged only after commit.

``run_ingest`` is imported lazily so that reading ``cloud.ingestion.models`` (the API's health check does)
does not load paho and the writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloud.ingestion.worker import IngestWorker, run_ingest

__all__ = ["IngestWorker", "run_ingest"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from cloud.ingestion import worker

        return getattr(worker, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
