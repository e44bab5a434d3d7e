"""Real agent processes with signed baseline models, and an MQTT watcher of their reports and predictions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import paho.mqtt.client as mqtt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from paho.mqtt.enums import CallbackAPIVersion

import contract.features
from cloud.registry.signing import sign_manifest
from contract.codec import decode
from contract.payloads import DeploymentReport, PredictionBatch
from contract.topics import Kind, fleet_filter, parse
from tests.support.tiny_model import write_model_dir
from tests.unit.edge_agent.signed_kit import WINDOW

REPO = Path(contract.features.__file__).resolve().parents[1]


def wait_for(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll until ``predicate()`` is truthy; fail naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Agent:
    """``python -m edge_agent`` for one gateway, whose installed model is v1 signed with ``serial``."""

    def __init__(
        self,
        root: Path,
        gateway_id: str,
        broker_url: str,
        key: Ed25519PrivateKey,
        keys_dir: Path,
        serial: int = 1,
    ) -> None:
        self.gateway_id = gateway_id
        self.root = root / gateway_id
        self.data_dir = self.root / "data"
        model = write_model_dir(self.root / "model", version="v1", window=WINDOW)
        manifest = json.loads((model / "manifest.json").read_text())
        (model / "signed.json").write_text(sign_manifest(manifest, serial=serial, key=key))
        machines = [uuid.uuid4() for _ in range(2)]
        lines = [
            f'gateway_id = "{gateway_id}"',
            f'data_dir = "{self.data_dir}"',
            f'model_dir = "{model}"',
            f'keys_dir = "{keys_dir}"',
            f'mqtt_url = "{broker_url}"',
            "sample_hz = 10.0",
            "publish_interval_s = 0.2",
            "heartbeat_s = 1.0",
            "shadow_report_s = 1.0",
        ]
        for i, mid in enumerate(machines):
            lines += ["[[machines]]", f'id = "{mid}"', f'name = "m{i}"', 'type = "pump"']
        self.config = self.root / "agent.toml"
        self.config.write_text("\n".join(lines) + "\n")
        self.runs = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Agent:
        """Start (or restart) the process; each run logs to its own file."""
        self.runs += 1
        log = (self.root / f"agent-{self.runs}.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "edge_agent", "--config", str(self.config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            cwd=self.root,
        )
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL: no chance to clean up, as with a power cut."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        """Terminate if still running."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self, run: int | None = None) -> str:
        """What run ``run`` (default: the latest) logged."""
        return (self.root / f"agent-{run or self.runs}.log").read_text()


class FleetWatcher:
    """Collects every gateway's deployment reports and the model version of its predictions."""

    def __init__(self, broker_url: str) -> None:
        host, port = broker_url.removeprefix("mqtt://").split(":")
        self.lock = threading.Lock()
        self.reports: dict[str, list[DeploymentReport]] = defaultdict(list)
        self.versions: dict[str, list[str]] = defaultdict(list)
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"fleet-{uuid.uuid4().hex[:8]}")
        self.client.on_connect = lambda c, *_: c.subscribe(
            [(fleet_filter(Kind.DEPLOYMENT), 1), (fleet_filter(Kind.PREDICTIONS), 1)]
        )
        self.client.on_message = self._on_message
        self.client.connect(host, int(port))
        self.client.loop_start()

    def _on_message(self, _c: object, _u: object, message: mqtt.MQTTMessage) -> None:
        topic = parse(message.topic)
        with self.lock:
            if topic.kind is Kind.DEPLOYMENT:
                self.reports[topic.gateway_id].append(decode(bytes(message.payload), DeploymentReport))
            else:
                batch = decode(bytes(message.payload), PredictionBatch)
                self.versions[topic.gateway_id] += [p.model_version for p in batch.predictions]

    def states(self, gateway_id: str, version: str | None = None) -> list[str]:
        """States ``gateway_id`` reported, optionally only about ``version``."""
        with self.lock:
            return [r.state for r in self.reports[gateway_id] if version is None or r.version == version]

    def last(self, gateway_id: str) -> DeploymentReport:
        """The latest report of a gateway."""
        with self.lock:
            return self.reports[gateway_id][-1]

    def scored_with(self, gateway_id: str, since: int = 0) -> set[str]:
        """Model versions of the gateway's predictions after the first ``since``."""
        with self.lock:
            return set(self.versions[gateway_id][since:])

    def switched_to(self, gateway_id: str, version: str) -> bool:
        """Whether the gateway scores with ``version`` and, once it did, never with another."""
        with self.lock:
            seen = self.versions[gateway_id]
            if version not in seen:
                return False
            tail = seen[seen.index(version) :]
            return all(v == version for v in tail)

    def recent(self, gateway_id: str, n: int) -> set[str]:
        """Model versions of the gateway's last ``n`` predictions."""
        with self.lock:
            return set(self.versions[gateway_id][-n:])

    def count(self, gateway_id: str) -> int:
        """Predictions seen from a gateway so far."""
        with self.lock:
            return len(self.versions[gateway_id])

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()
