"""Optional Prometheus endpoint: ``GET /metrics`` in the plain-text exposition format (version 0.0.4).

Served by the standard library's ``http.server`` on a daemon thread rather than ``prometheus_client``: the
agent has a dozen numbers to show, and a gateway counts megabytes. Values are read when scraped, from the
objects that own them (agent, MQTT link, outbox), so nothing is double-counted or goes stale.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, NamedTuple

from edge_agent.errors import AgentError
from edge_agent.outbox import Stream

if TYPE_CHECKING:
    from edge_agent.agent import Agent
    from edge_agent.mqtt import MqttLink

logger = logging.getLogger(__name__)

PREFIX = "maintainx_agent_"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class MetricsError(AgentError):
    """The metrics endpoint cannot listen where it was configured to."""


class Sample(NamedTuple):
    """One exposed value: name without prefix, type, help text, labels, value."""

    name: str
    kind: str  # counter | gauge
    help: str
    labels: dict[str, str]
    value: float


def render(samples: Iterable[Sample]) -> str:
    """Samples in the text exposition format, one HELP and TYPE line per metric name."""
    lines: list[str] = []
    seen: set[str] = set()
    for s in samples:
        name = PREFIX + s.name
        if name not in seen:
            seen.add(name)
            lines += [f"# HELP {name} {s.help}", f"# TYPE {name} {s.kind}"]
        labels = ",".join(f'{k}="{_escape(v)}"' for k, v in s.labels.items())
        lines.append(f"{name}{{{labels}}} {s.value:g}" if labels else f"{name} {s.value:g}")
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def agent_samples(agent: Agent, link: MqttLink) -> list[Sample]:
    """What an operator watches on a gateway: flow, backlog, drops, connection, model."""
    box = agent.outbox
    out = [
        Sample("ticks_total", "counter", "Sampling rounds run.", {}, agent.ticks),
        Sample("tick_seconds_total", "counter", "Time spent in sampling rounds.", {}, agent.tick_seconds),
        Sample(
            "samples_invalid_total", "counter", "Samples refused by the contract.", {}, agent.invalid_samples
        ),
        Sample("mqtt_connected", "gauge", "1 while the broker accepts the connection.", {}, link.connected),
        Sample("mqtt_messages_sent_total", "counter", "Batches published.", {}, link.messages_sent),
        Sample(
            "mqtt_records_acked_total", "counter", "Records the broker acknowledged.", {}, link.records_acked
        ),
        Sample(
            "records_confirmed_total",
            "counter",
            "Records the cloud confirmed it committed (released from the outbox).",
            {},
            link.records_confirmed,
        ),
        Sample(
            "records_resent_total",
            "counter",
            "Records sent again: not confirmed by the cloud in time.",
            {},
            link.records_resent,
        ),
        Sample("outbox_unconfirmed", "gauge", "Records sent, awaiting the cloud's ack.", {}, box.sent()),
        Sample(
            "commands_refused_total", "counter", "Commands refused as invalid.", {}, link.commands_refused
        ),
        Sample("alerts_total", "counter", "Local alerts: a machine crossed the threshold.", {}, agent.alerts),
        Sample("model_info", "gauge", "The loaded model.", {"version": agent.model.version}, 1),
    ]
    dropped = box.dropped()
    for stream in Stream:
        labels = {"stream": stream.value}
        out += [
            Sample("records_total", "counter", "Records stored, by stream.", labels, box.next_seq(stream)),
            Sample(
                "outbox_depth", "gauge", "Records not yet confirmed (sent or not).", labels, box.depth(stream)
            ),
            Sample(
                "outbox_backlog", "gauge", "Backlog records not yet sent.", labels, box.waiting(stream, True)
            ),
            Sample(
                "outbox_dropped_total", "counter", "Records dropped: outbox full.", labels, dropped[stream]
            ),
            Sample(
                "outbox_disk_dropped_total",
                "counter",
                "Records dropped: the disk refused the write (full or failing).",
                labels,
                dropped.get(f"disk.{stream}", 0),
            ),
            Sample(
                "records_made_total", "counter", "Records made, stored or not.", labels, agent.made[stream]
            ),
        ]
    rss = _resident_bytes()
    if rss is not None:
        out.append(Sample("resident_memory_bytes", "gauge", "Resident memory of the agent.", {}, rss))
    return out


def _resident_bytes() -> int | None:
    """Resident set size from /proc (Linux); None elsewhere."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class MetricsServer:
    """``GET /metrics`` on ``host:port`` from a daemon thread; ``port`` 0 picks a free one."""

    def __init__(self, host: str, port: int, collect: Callable[[], Iterable[Sample]]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?")[0] != "/metrics":
                    self.send_error(404, "only /metrics is served here")
                    return
                try:
                    body = render(collect()).encode()
                except Exception:  # a scrape must never take the agent down; say so and carry on
                    logger.exception("collecting metrics failed")
                    self.send_error(500, "collecting metrics failed")
                    return
                self.send_response(200)
                self.send_header("Content-Type", CONTENT_TYPE)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                logger.debug("metrics: " + format, *args)

        try:
            self._server = ThreadingHTTPServer((host, port), Handler)
        except OSError as exc:
            raise MetricsError(f"metrics endpoint: cannot listen on {host}:{port}: {exc.strerror}") from exc
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="metrics", daemon=True)

    @property
    def port(self) -> int:
        """The port actually listened on."""
        return int(self._server.server_address[1])

    def start(self) -> MetricsServer:
        """Start serving in the background."""
        self._thread.start()
        logger.info("metrics on http://%s:%d/metrics", self._server.server_address[0], self.port)
        return self

    def stop(self) -> None:
        """Stop serving (if started) and close the socket."""
        if self._thread.is_alive():
            self._server.shutdown()  # waits for serve_forever to return, which only a started server does
        self._server.server_close()
