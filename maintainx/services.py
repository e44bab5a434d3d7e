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
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

# Mosquitto as production needs it, though nothing relies on it: the agents keep every record until the
# cloud's commit acknowledgement names it and resend what it does not (docs/scaling.md), so what the broker
# forgets costs a resend, never a record. The settings keep that cost rare:
# - persistence with autosave_interval 1: a clean stop saves the queues, and a kill -9 loses at most the last
#   second of them (the default saves only on shutdown; Mosquitto 2.0.11 also loses messages queued for an
#   offline shared subscription across a restart, which the resend covers);
# - max_queued_messages: the default 1000 per client drops a worker's backlog after a few seconds of outage;
#   a million messages of up to 100 readings is hours of a large fleet, and max_queued_bytes (1 GiB) bounds
#   the memory that may take;
# - max_inflight_messages 100: a worker acknowledges after its batch commits, so the window per worker must
#   hold a whole batch (MAINTAINX_INGEST_BATCH_MESSAGES, default 100) or batches wait for their time limit.
MOSQUITTO_CONF = """\
listener {port} 127.0.0.1
allow_anonymous {anonymous}
persistence true
persistence_location {data_dir}/
autosave_interval 1
max_queued_messages 1000000
max_queued_bytes 1073741824
max_inflight_messages 100
max_packet_size 4194304
log_dest file {data_dir}/mosquitto.log
log_type error
log_type warning
log_type notice
"""

# Only with a password file (and then anonymous clients are refused): the ACL file says what each may touch,
# and each client's id is its login, so no one can take over another's session (docs/security.md).
MOSQUITTO_AUTH_CONF = """\
password_file {password_file}
acl_file {acl_file}
use_username_as_clientid true
"""

# A second listener speaking MQTT over TLS (mqtts://); it shares the password and ACL files above.
MOSQUITTO_TLS_CONF = """\
listener {port} 127.0.0.1
certfile {certfile}
keyfile {keyfile}
tls_version tlsv1.2
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


# Which private broker to run: "mosquitto", "amqtt", or unset for Mosquitto when installed, else amqtt.
# Forcing amqtt runs the zero-setup fallback on a machine that has Mosquitto (the end-to-end test does).
BROKER_ENV = "MAINTAINX_BROKER"
BROKER_KINDS = ("mosquitto", "amqtt")


def private_broker_kind() -> str:
    """The private broker to run: ``$MAINTAINX_BROKER`` if set, else Mosquitto when installed, else amqtt."""
    wanted = os.environ.get(BROKER_ENV, "").strip().lower()
    if wanted and wanted not in BROKER_KINDS:
        raise ServiceError(f"{BROKER_ENV}={wanted!r} is not one of {', '.join(BROKER_KINDS)}")
    if wanted == "mosquitto" and not mosquitto_binary():
        raise ServiceError(f"{BROKER_ENV}=mosquitto but mosquitto is not installed")
    return wanted or ("mosquitto" if mosquitto_binary() else "amqtt")


@dataclass(frozen=True, slots=True)
class BrokerSecurity:
    """Mosquitto's password and ACL files (as written by ``python -m cloud.broker provision``)."""

    password_file: Path
    acl_file: Path


@dataclass(frozen=True, slots=True)
class BrokerTls:
    """A TLS listener: the server's certificate chain and key (PEM)."""

    certfile: Path
    keyfile: Path
    port: int | None = None


class Broker:
    """A private MQTT broker on its own port and data folder: Mosquitto, or amqtt when it is missing.

    By default anyone may connect; with ``security`` every client logs in and is held to the ACL file,
    and with ``tls`` a second listener serves ``mqtts://`` (both need Mosquitto).
    """

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        *,
        security: BrokerSecurity | None = None,
        tls: BrokerTls | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.kind = private_broker_kind()
        self.security = security
        self.tls = tls
        self.tls_port = (tls.port or free_port()) if tls else None
        if (security or tls) and self.kind != "mosquitto":
            raise ServiceError("broker credentials, ACLs and TLS need Mosquitto, which is not installed")

    @property
    def url(self) -> str:
        """The broker's address as an ``mqtt://`` URL."""
        return f"mqtt://127.0.0.1:{self.port}"

    @property
    def tls_url(self) -> str:
        """The TLS listener's address as an ``mqtts://`` URL (only with ``tls``)."""
        if self.tls_port is None:
            raise ServiceError("this broker has no TLS listener")
        return f"mqtts://127.0.0.1:{self.tls_port}"

    def _mosquitto_conf(self) -> str:
        """The configuration file's text for this broker's options."""
        anonymous = "false" if self.security else "true"
        text = MOSQUITTO_CONF.format(port=self.port, data_dir=self.data_dir, anonymous=anonymous)
        if self.security:
            text += MOSQUITTO_AUTH_CONF.format(
                password_file=Path(self.security.password_file).resolve(),
                acl_file=Path(self.security.acl_file).resolve(),
            )
        if self.tls:
            text += MOSQUITTO_TLS_CONF.format(
                port=self.tls_port,
                certfile=Path(self.tls.certfile).resolve(),
                keyfile=Path(self.tls.keyfile).resolve(),
            )
        if os.geteuid() == 0:
            # As root, Mosquitto drops to the 'mosquitto' user, which cannot write our data folder.
            text += "user root\n"
        return text

    def start(self) -> Broker:
        """Start the broker and wait until it accepts connections."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.kind == "mosquitto":
            conf = self.data_dir / "mosquitto.conf"
            conf.write_text(self._mosquitto_conf())
            cmd = [str(mosquitto_binary()), "-c", str(conf)]
        else:
            logger.info("using the pure-Python amqtt broker (MQTT 3.1.1, no shared subscriptions)")
            cmd = [sys.executable, "-m", "maintainx.amqtt_broker", str(self.port)]
        # What the broker prints before its own log file is open (Mosquitto's warning about running as
        # root, amqtt's start-up lines) goes to a file beside its data, not into the terminal.
        with open(self.data_dir / "broker.out", "ab") as out:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            wait_for_port(self.port)
            if self.tls_port is not None:
                wait_for_port(self.tls_port)
        except ServiceError:
            self.stop()
            raise
        return self

    def reload(self) -> None:
        """Make Mosquitto re-read its password and ACL files (SIGHUP), e.g. after adding a gateway."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGHUP)

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
