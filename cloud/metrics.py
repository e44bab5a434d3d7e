"""Prometheus metrics of the cloud's processes: the API's ``/metrics``, an HTTP listener for the workers and
the engine (``MAINTAINX_METRICS_PORT``), and a text file for one-shot jobs (``MAINTAINX_METRICS_TEXTFILE``,
for node_exporter's textfile collector). Each process has its own registry: the default process collectors
plus what its modules define.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
    write_to_textfile,
)
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cloud.config import Settings

logger = logging.getLogger(__name__)

API_REQUESTS = Counter(
    "maintainx_api_requests", "HTTP requests answered by the API", ["method", "route", "status"]
)
API_LATENCY = Histogram(
    "maintainx_api_request_seconds",
    "Time to answer an HTTP request (streams excluded)",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ENGINE_EVALUATED = Counter("maintainx_engine_evaluations", "Machines the ticket engine evaluated")
ENGINE_TICKETS = Counter("maintainx_engine_tickets", "Tickets the engine opened or escalated", ["action"])
ENGINE_LAST_TICK = Gauge("maintainx_engine_last_tick_timestamp_seconds", "Unix time of the last engine tick")

# A one-shot job writes these to its text file; each run replaces the file.
STORAGE_RUN = Gauge("maintainx_storage_last_run_timestamp_seconds", "Unix time the storage job last finished")
STORAGE_OK = Gauge("maintainx_storage_last_run_success", "1 when the last storage pass succeeded, else 0")
STORAGE_PARTITIONS = Gauge("maintainx_storage_partitions_created", "Partitions the last pass created")
STORAGE_DROPPED = Gauge("maintainx_storage_partitions_dropped", "Day partitions the last pass dropped")

# Long-lived responses would only skew the latency histogram.
_UNTIMED_PREFIXES = ("/api/stream",)


def serve(settings: Settings) -> None:
    """Expose this process's metrics on ``settings.metrics_port`` (loopback by default), when one is set."""
    if settings.metrics_port is None:
        return
    start_http_server(settings.metrics_port, addr=settings.metrics_host)
    logger.info("metrics on http://%s:%d/metrics", settings.metrics_host, settings.metrics_port)


def write_textfile(path: Path | None, registry: CollectorRegistry = REGISTRY) -> None:
    """Write the metrics to ``path`` atomically (node_exporter's textfile format), when a path is set."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), registry)


class RequestMetrics:
    """Pure ASGI middleware (streams and body limits pass through untouched): count every request by route
    template and status, and time the short ones."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, noting the response's status."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when the app raises before answering

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            route = _route_template(scope)
            API_REQUESTS.labels(scope["method"], route, str(status)).inc()
            if not route.startswith(_UNTIMED_PREFIXES):
                API_LATENCY.labels(scope["method"], route).observe(time.perf_counter() - started)


def _route_template(scope: Scope) -> str:
    """The matched route's path template (the router fills ``scope["route"]``), or "unmatched"."""
    template = getattr(scope.get("route"), "path", None)
    if template is None:
        return "unmatched"
    # The matched route of an included router carries its path without the routers' prefixes.
    if scope["path"].startswith("/api/") and not template.startswith("/api/"):
        return "/api" + template
    return str(template)


def metrics_response() -> Response:
    """The API's own metrics in Prometheus' text format."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def observe_tick(evaluated: int, opened: int, escalated: int) -> None:
    """Record one ticket-engine tick."""
    ENGINE_EVALUATED.inc(evaluated)
    ENGINE_TICKETS.labels("opened").inc(opened)
    ENGINE_TICKETS.labels("escalated").inc(escalated)
    ENGINE_LAST_TICK.set(time.time())


def observe_storage(*, ok: bool, created: int = 0, dropped: int = 0) -> None:
    """Record one storage maintenance pass."""
    STORAGE_RUN.set(time.time())
    STORAGE_OK.set(1 if ok else 0)
    STORAGE_PARTITIONS.set(created)
    STORAGE_DROPPED.set(dropped)
