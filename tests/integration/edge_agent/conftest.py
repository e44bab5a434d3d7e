"""Helpers for running the real agent process against a real Mosquitto and watching what it publishes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

import contract.features
from contract import GatewayStatus, Prediction, PredictionBatch, Reading, TelemetryBatch
from contract.codec import decode_any
from contract.topics import Kind, gateway_namespace, parse
from tests.support.tiny_model import write_model_dir

REPO = Path(contract.features.__file__).resolve().parents[1]
GATEWAY = "gw-it"
MACHINE_IDS = [uuid.UUID(f"0195f0a0-0000-7000-8000-0000000000{i:02d}") for i in range(1, 11)]
TYPES = ("pump", "compressor", "cnc_spindle")


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``predicate`` until true; fail the test naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


class Watcher:
    """A paho subscriber on the gateway's whole namespace that decodes every message with the contract."""

    def __init__(self, broker_url: str, client_id: str | None = None) -> None:
        host, port = broker_url.removeprefix("mqtt://").split(":")
        self.lock = threading.Lock()
        self.readings: list[Reading] = []
        self.predictions: list[Prediction] = []
        self.statuses: list[GatewayStatus] = []
        self.other: list[object] = []
        # (kind, seq, monotonic time) of every record in arrival order, across both streams.
        self.arrivals: list[tuple[Kind, int, float]] = []
        # With a client id: a persistent session, so messages queued across a broker restart still arrive.
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id or f"watcher-{uuid.uuid4().hex[:8]}",
            clean_session=client_id is None,
            protocol=mqtt.MQTTv311,
        )
        self.client.on_connect = lambda c, *_: c.subscribe(gateway_namespace(GATEWAY), qos=1)
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(1, 1)
        self.client.connect(host, int(port))
        self.client.loop_start()

    def _on_message(self, _c: object, _u: object, message: mqtt.MQTTMessage) -> None:
        if parse(message.topic).kind is Kind.COMMANDS:
            return  # what the test itself sends, possibly malformed on purpose
        decoded = decode_any(bytes(message.payload))  # raises (and fails the test) on a contract breach
        now = time.monotonic()
        with self.lock:
            if isinstance(decoded, TelemetryBatch):
                self.readings += decoded.readings
                self.arrivals += [(Kind.TELEMETRY, r.seq, now) for r in decoded.readings]
            elif isinstance(decoded, PredictionBatch):
                self.predictions += decoded.predictions
                self.arrivals += [(Kind.PREDICTIONS, p.seq, now) for p in decoded.predictions]
            elif isinstance(decoded, GatewayStatus):
                self.statuses.append(decoded)
            else:
                self.other.append(decoded)

    def close(self) -> None:
        """Disconnect and stop the network thread."""
        self.client.disconnect()
        self.client.loop_stop()


class AgentProcess:
    """``python -m edge_agent`` in a subprocess with its own config, data folder and log file."""

    def __init__(self, tmp_path: Path, broker_url: str, machines: int, **settings: object) -> None:
        self.data_dir = tmp_path / "agent-data"
        self.log = tmp_path / "agent.log"
        model = write_model_dir(tmp_path / "model", window=10)
        fields: dict[str, object] = {
            "gateway_id": GATEWAY,
            "data_dir": str(self.data_dir),
            "model_dir": str(model),
            "mqtt_url": broker_url,
            "sample_hz": 50.0,
            "publish_interval_s": 0.2,
            "heartbeat_s": 1.0,
            # No cloud here, only a broker and a watcher: the broker's PUBACK releases records. The cloud's
            # commit acknowledgement is tested with real ingestion (tests/reliability/chaos).
            "confirm_by": "puback",
        }
        fields.update({k: v for k, v in settings.items() if k != "machine_extra"})
        lines = [f"{k} = {_toml(v)}" for k, v in fields.items()]
        extra: dict[int, str] = settings.get("machine_extra", {})  # type: ignore[assignment]
        for i in range(machines):
            lines += [
                "[[machines]]",
                f'id = "{MACHINE_IDS[i]}"',
                f'name = "machine {i}"',
                f'type = "{TYPES[i % 3]}"',
                f'location = "hall {i % 2}"',
                extra.get(i, ""),
            ]
        self.config = tmp_path / "agent.toml"
        self.config.write_text("\n".join(lines) + "\n")
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "edge_agent", "--config", str(self.config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=tmp_path,
            )

    def terminate(self, timeout: float = 20.0) -> int:
        """SIGTERM, then wait for a clean exit; returns the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def counters(self) -> dict[str, int]:
        """The outbox's counters (seqs, drops) and depth, read from its SQLite file ({} before it exists)."""
        if not (self.data_dir / "outbox.sqlite3").exists():
            return {}
        db = sqlite3.connect(f"file:{self.data_dir / 'outbox.sqlite3'}?mode=ro", uri=True)
        try:
            out = dict(db.execute("SELECT name, value FROM counters").fetchall())
            out["depth"] = db.execute("SELECT count(*) FROM records").fetchone()[0]
            return out
        except sqlite3.OperationalError:  # the agent is creating its tables right now
            return {}
        finally:
            db.close()

    def log_text(self) -> str:
        """Everything the agent logged so far."""
        return self.log.read_text()


def _toml(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


@pytest.fixture
def start_agent(tmp_path: Path) -> Iterator[Callable[..., AgentProcess]]:
    """Start agent processes; any still running at the end of the test are killed."""
    started: list[AgentProcess] = []

    def start(broker_url: str, machines: int = 3, **settings: object) -> AgentProcess:
        agent = AgentProcess(tmp_path, broker_url, machines, **settings)
        started.append(agent)
        return agent

    yield start
    for agent in started:
        if agent.proc.poll() is None:
            agent.proc.kill()
            agent.proc.wait()


@pytest.fixture
def watchers() -> Iterator[Callable[..., Watcher]]:
    """Open MQTT subscribers; all are closed at the end of the test."""
    opened: list[Watcher] = []

    def open_watcher(broker_url: str, client_id: str | None = None) -> Watcher:
        w = Watcher(broker_url, client_id)
        opened.append(w)
        return w

    yield open_watcher
    for w in opened:
        w.close()
