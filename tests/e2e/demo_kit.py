"""Driving ``maintainx demo`` from the end-to-end tests: start it, poll its API, stop it as Ctrl-C does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psutil

from cloud.auth.demo import DEMO_PASSWORD
from simulator.fleet import demo_fleet

GATEWAYS, PER_GATEWAY, SEED = 2, 3, 7
# Faster than the demo's 1 Hz so a fault develops within the test's patience; physics per sample is the same.
SAMPLE_HZ = 4.0
# Seconds the demo waits before rolling out its second model version (60 by default); shorter here.
ROLLOUT_AFTER_S = 20
T = TypeVar("T")


def wait_for(what: str, check: Callable[[], T | None], timeout: float, every: float = 1.0) -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as exc:  # the system is still coming up
            last_error = exc
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last_error})")


# The demo's documented login (README): the API needs a token for everything but /api/health.
DEMO_LOGIN = {"email": "engineer@demo", "password": DEMO_PASSWORD}


def login(api: str) -> str:
    """An access token for the demo engineer."""
    request = urllib.request.Request(
        api + "/api/auth/login",
        data=json.dumps(DEMO_LOGIN).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        token: str = json.load(resp)["access_token"]
    return token


def get(api: str, path: str) -> Any:
    """GET an API path as the demo engineer (logging in each time: the demo may have restarted)."""
    request = urllib.request.Request(api + path, headers={"Authorization": f"Bearer {login(api)}"})
    with urllib.request.urlopen(request, timeout=5) as resp:
        return json.load(resp)


def ticket_list(api: str) -> list[dict[str, Any]]:
    """The newest tickets (one page of the largest size)."""
    items: list[dict[str, Any]] = get(api, "/api/tickets?limit=200")["items"]
    return items


class Demo:
    """One run of ``python -m maintainx demo`` as a newcomer would start it."""

    def __init__(
        self,
        data_dir: Path,
        port: int,
        *,
        gateways: int = GATEWAYS,
        per_gateway: int = PER_GATEWAY,
        extra_env: dict[str, str] | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MQTT_URL")}
        env.update(extra_env or {})
        self.log = open(data_dir.parent / f"demo-{time.monotonic_ns()}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "maintainx",
                "demo",
                "--rollout-after",
                str(ROLLOUT_AFTER_S),
                "--data-dir",
                str(data_dir),
                "--port",
                str(port),
                "--gateways",
                str(gateways),
                "--machines-per-gateway",
                str(per_gateway),
                "--sample-hz",
                str(SAMPLE_HZ),
                "--seed",
                str(SEED),
                *extra_args,
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.api = f"http://127.0.0.1:{port}"

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def ctrl_c(self) -> None:
        """Send SIGINT as a terminal's Ctrl-C does, and wait for a clean exit."""
        self.proc.send_signal(signal.SIGINT)
        assert self.proc.wait(60) == 0
        self.log.close()

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text(errors="replace")


def quick_data_dir() -> Path:
    """A demo data folder whose first model is already trained (quick settings) to keep the test short."""
    from model_registry.training.train import train_default_model
    from tests.conftest import reachable_tmpdir

    folder = reachable_tmpdir("maintainx-demo-") / "data"
    version = train_default_model(folder / "models", quick=True)
    (folder / "models" / "CURRENT").write_text(version.name)
    return folder


def failing_machine_ids(gateways: int = GATEWAYS, per_gateway: int = PER_GATEWAY) -> set[str]:
    fleet = demo_fleet(gateways=gateways, machines_per_gateway=per_gateway, seed=SEED)
    return {str(m.id) for g in fleet for m in g.machines if m.failure}
