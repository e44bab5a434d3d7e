"""Helpers for the agent's reliability tests: agents with their own ids and folders, and outbox inspection."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import contract.features
from tests.support.tiny_model import write_model_dir

REPO = Path(contract.features.__file__).resolve().parents[1]
TYPES = ("pump", "compressor", "cnc_spindle")


def machine_ids(gateway_index: int, count: int) -> list[uuid.UUID]:
    """Distinct, stable machine ids per gateway (UUIDv7-shaped)."""
    return [uuid.UUID(f"0195f0a0-{gateway_index:04x}-7000-8000-{i:012x}") for i in range(1, count + 1)]


class Agent:
    """A ``python -m edge_agent`` process; can be killed and started again on the same folder."""

    def __init__(
        self, folder: Path, broker_url: str, gateway_id: str, machines: list[uuid.UUID], **top: object
    ):
        self.folder = folder
        self.data_dir = folder / "data"
        self.log = folder / "agent.log"
        folder.mkdir(parents=True, exist_ok=True)
        model = write_model_dir(folder / "model", window=10)
        fields: dict[str, object] = {
            "gateway_id": gateway_id,
            "data_dir": str(self.data_dir),
            "model_dir": str(model),
            "mqtt_url": broker_url,
            "sample_hz": 50.0,
            "publish_interval_s": 0.2,
            "heartbeat_s": 1.0,
            **top,
        }
        lines = [f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}" for k, v in fields.items()]
        for i, mid in enumerate(machines):
            lines += [
                "[[machines]]",
                f'id = "{mid}"',
                f'name = "{gateway_id} m{i}"',
                f'type = "{TYPES[i % 3]}"',
            ]
        self.config = folder / "agent.toml"
        self.config.write_text("\n".join(lines) + "\n")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Agent:
        """Start (or restart) the process; its output is appended to the log."""
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "edge_agent", "--config", str(self.config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(REPO)},
                cwd=self.folder,
            )
        return self

    def kill(self) -> None:
        """SIGKILL, as a power cut of the process would."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait for a clean exit; returns the exit status."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def running(self) -> bool:
        """Whether the process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def outbox(self) -> dict[str, int]:
        """Outbox counters (seq.*, dropped.*), depth and integrity, read-only; {} before it has tables."""
        path = self.data_dir / "outbox.sqlite3"
        if not path.exists():
            return {}
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            out = dict(db.execute("SELECT name, value FROM counters").fetchall())
            out["depth"] = db.execute("SELECT count(*) FROM records").fetchone()[0]
            out["intact"] = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            return out
        except sqlite3.OperationalError:  # the agent is creating its tables right now
            return {}
        finally:
            db.close()
