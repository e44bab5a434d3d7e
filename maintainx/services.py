"""Start the real infrastructure on embedded defaults: a private Mosquitto and an embedded PostgreSQL.

Used by ``make demo`` and by the test fixtures, so both run the same servers the same way.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

logger = logging.getLogger(__name__)

# Mosquitto's defaults drop QoS 1 messages past 1000 queued per client and write its persistence
# file only on shutdown; a cloud consumer that is down for a while must not lose the backlog, and a
# kill -9 of the broker should lose at most a second of acknowledged messages.
MOSQUITTO_CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence true
persistence_location {data_dir}/
autosave_interval 1
max_queued_messages 1000000
max_queued_bytes 0
max_inflight_messages 100
max_packet_size 4194304
log_dest file {data_dir}/mosquitto.log
log_type error
log_type warning
log_type notice
"""


class ServiceError(RuntimeError):
    """An infrastructure service that would not start."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0, host: str = "127.0.0.1") -> None:
    """Block until something accepts TCP connections on ``port``; raise ServiceError on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.05)
    raise ServiceError(f"nothing is listening on {host}:{port} after {timeout:.0f}s")


def mosquitto_binary() -> str | None:
    """Path of the mosquitto executable, or None when it is not installed."""
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.access(p, os.X_OK)), None
    )


class Broker:
    """A private MQTT broker on its own port and data folder: Mosquitto, or amqtt when it is missing."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.kind = "mosquitto" if mosquitto_binary() else "amqtt"

    @property
    def url(self) -> str:
        """The broker's address as an ``mqtt://`` URL."""
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> Broker:
        """Start the broker and wait until it accepts connections."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.kind == "mosquitto":
            conf = self.data_dir / "mosquitto.conf"
            conf.write_text(MOSQUITTO_CONF.format(port=self.port, data_dir=self.data_dir))
            if os.geteuid() == 0:
                # As root, Mosquitto drops to the 'mosquitto' user, which cannot write our data folder.
                conf.write_text(conf.read_text() + "user root\n")
            cmd = [str(mosquitto_binary()), "-c", str(conf)]
        else:
            logger.warning("mosquitto is not installed; using the pure-Python amqtt broker (MQTT 3.1.1)")
            cmd = [sys.executable, "-m", "maintainx.amqtt_broker", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_for_port(self.port)
        except ServiceError:
            self.stop()
            raise
        return self

    def kill(self) -> None:
        """Kill the broker with SIGKILL, as a crash or power loss would."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        """Stop the broker cleanly (it saves its persistence file on the way out)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def embedded_postgres(data_dir: Path, database: str = "maintainx") -> str:
    """Start (or reuse) an embedded PostgreSQL in ``data_dir``; return a SQLAlchemy URL for ``database``.

    The server stops when the last process that started it exits.
    """
    import pgserver  # only the embedded default needs it

    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    # pgserver listens on a Unix socket only: the URI carries its folder as ?host=.
    uri = server.get_uri(database)
    return uri.replace("postgresql://", "postgresql+psycopg2://", 1)
