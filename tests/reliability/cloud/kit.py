"""Ingestion reliability helpers: ``python -m cloud ingest`` as a child process that can be killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from maintainx.services import Broker


class Worker:
    """``python -m cloud ingest`` as a child process with a stable worker id (its broker session resumes)."""

    def __init__(
        self, broker: Broker, database_url: str, worker_id: str, log: Path, *, start: bool = True
    ) -> None:
        self.env = dict(
            os.environ, DATABASE_URL=database_url, MQTT_URL=broker.url, MAINTAINX_INGEST_WORKER_ID=worker_id
        )
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = self._spawn() if start else None

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen([sys.executable, "-m", "cloud", "ingest"], env=self.env, stderr=log)

    def running(self) -> bool:
        """Whether the process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no flush, no commit, no ack, no DISCONNECT."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def start(self) -> None:
        """Start the process if it is not running."""
        if not self.running():
            self.proc = self._spawn()

    def restart(self) -> None:
        """Kill, then start again under the same id."""
        self.kill()
        self.proc = self._spawn()
