"""``maintainx demo`` end to end: simulator → agents → Mosquitto → ingestion → PostgreSQL → ticket → browser.

Runs the real demo launcher in a temporary data folder (a smaller, faster fleet than the default), then
checks what the issue promises a newcomer: every simulated machine listed, data growing, a ticket for the
machine the simulator is failing, the dashboard rendering it in headless Chromium, Ctrl-C leaving no
process behind, and a second start carrying on with the same data.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest

from cloud.auth.demo import DEMO_PASSWORD
from maintainx.services import free_port
from simulator.fleet import demo_fleet

pytestmark = pytest.mark.e2e

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


@pytest.fixture(scope="module")
def data_dir() -> Path:
    """The first run's data folder (see :func:`quick_data_dir`)."""
    return quick_data_dir()


@pytest.fixture(scope="module")
def first_run(data_dir: Path) -> Iterator[Demo]:
    demo = Demo(data_dir, free_port())
    try:
        wait_for("the API", lambda: get(demo.api, "/api/health"), timeout=120)
        yield demo
    finally:
        if demo.proc.poll() is None:
            demo.proc.kill()
        print(demo.output()[-3000:])


def failing_machine_ids(gateways: int = GATEWAYS, per_gateway: int = PER_GATEWAY) -> set[str]:
    fleet = demo_fleet(gateways=gateways, machines_per_gateway=per_gateway, seed=SEED)
    return {str(m.id) for g in fleet for m in g.machines if m.failure}


def test_the_demo_prints_its_login_and_refuses_anonymous_api_calls(first_run: Demo) -> None:
    assert (
        "log in as admin@demo, engineer@demo or tech@demo with the password maintainx-demo"
        in first_run.output()
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(first_run.api + "/api/machines", timeout=5)
    refused.value.close()  # an HTTPError holds the response open
    assert refused.value.code == 401


def test_demo_lists_every_simulated_machine(first_run: Demo) -> None:
    fleet = demo_fleet(gateways=GATEWAYS, machines_per_gateway=PER_GATEWAY, seed=SEED)
    expected = {str(m.id): m.name for g in fleet for m in g.machines}
    machines = wait_for(
        "every machine to be registered and online",
        lambda: (
            (ms := get(first_run.api, "/api/machines"))
            and {m["id"] for m in ms if m["online"]} == set(expected)
            and ms
        ),
        timeout=60,
    )
    assert {m["id"]: m["name"] for m in machines} == expected


def test_readings_and_predictions_keep_growing(first_run: Demo) -> None:
    machine = get(first_run.api, "/api/machines")[0]["id"]

    def counts() -> tuple[int, int]:
        readings = get(first_run.api, f"/api/machines/{machine}/readings")["points"]
        predictions = get(first_run.api, f"/api/machines/{machine}/predictions")["points"]
        return len(readings), len(predictions)

    first: tuple[int, int] = wait_for(
        "readings and predictions", lambda: c if (c := counts())[1] > 0 else None, timeout=90
    )
    time.sleep(5)
    second = counts()
    assert second[0] > first[0] and second[1] > first[1]


def test_a_ticket_opens_for_the_machine_the_simulator_is_failing(first_run: Demo) -> None:
    failing = failing_machine_ids()
    assert failing, "the demo fleet must include a machine with a developing fault"
    tickets = wait_for(
        "a ticket for a failing machine",
        lambda: [t for t in ticket_list(first_run.api) if t["machine_id"] in failing],
        timeout=240,
        every=3,
    )
    ticket = tickets[0]
    assert ticket["status"] == "OPEN"
    assert ticket["reason"]["failure_prob"] >= 0.5
    assert ticket["reason"]["model_version"]
    healthy_tickets = [t for t in ticket_list(first_run.api) if t["machine_id"] not in failing]
    assert healthy_tickets == []


def test_a_technician_signs_in_resolves_the_failing_machines_ticket_and_sees_it_recover(
    first_run: Demo,
) -> None:
    """Issue 7's walk-through on the live system: the ticket the engine opened and assigned, end to end."""
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.browser import launch_chromium

    failing = failing_machine_ids()
    wait_for(
        "a ticket for a failing machine",
        lambda: [t for t in ticket_list(first_run.api) if t["machine_id"] in failing],
        timeout=240,
        every=3,
    )
    artifacts = Path("test-artifacts")
    artifacts.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        page.goto(first_run.api + "/")
        page.get_by_label("Email").fill("tech@demo")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        cards = page.get_by_test_id("machine-card")
        expect(cards).to_have_count(GATEWAYS * PER_GATEWAY)
        page.screenshot(path=str(artifacts / "demo-fleet.png"), full_page=True)

        # The riskiest machine comes first: the one the simulator is failing.
        first = cards.first
        machine_id = first.get_attribute("data-machine-id")
        assert machine_id in failing
        first.get_by_role("link").first.click()
        page.get_by_test_id("machine-ticket").first.get_by_role("link").click()
        detail = page.get_by_test_id("ticket-detail")
        expect(detail).to_have_attribute("data-status", "OPEN")
        # The engine assigned it to the demo's only technician, so they can start it straight away.
        detail.get_by_test_id("advance-ticket").click()
        expect(detail).to_have_attribute("data-status", "IN_PROGRESS")
        detail.get_by_test_id("resolve-ticket").click()
        form = detail.get_by_test_id("resolve-form")
        form.get_by_label("Real fault").check()
        form.get_by_label("Root cause").fill("Drive-end bearing worn; replaced")
        form.get_by_role("button", name="Resolve ticket").click()
        expect(detail).to_have_attribute("data-status", "RESOLVED")
        page.screenshot(path=str(artifacts / "demo-ticket-resolved.png"), full_page=True)

        # Resolving told the gateway; the simulator repaired the machine and its risk falls back.
        page.goto(f"{first_run.api}/machines/{machine_id}")
        expect(page.get_by_test_id("risk-value")).to_have_text(re.compile(r"^[0-2]?\d\s?%$"), timeout=120_000)
        page.screenshot(path=str(artifacts / "demo-machine-recovered.png"), full_page=True)
        browser.close()


def test_a_second_model_version_reaches_its_canary_gateway_first_then_the_fleet(first_run: Demo) -> None:
    """Issue 6's demo: a signed new version reaches one canary gateway, then (gate passed) all."""
    (summary,) = wait_for(
        "the demo's rollout to complete",
        lambda: [
            r for r in get(first_run.api, "/api/registry/rollouts")["items"] if r["state"] == "completed"
        ],
        timeout=180,
        every=3,
    )
    rollout = get(first_run.api, f"/api/registry/rollouts/{summary['id']}")
    version = rollout["version"]
    champion = get(first_run.api, "/api/registry/models/champion")
    assert champion["version"] == version  # completing the rollout made it champion
    by_stage = sorted(rollout["gateways"], key=lambda t: t["stage"])
    assert len(by_stage) == GATEWAYS and all(t["state"] == "active" for t in by_stage)
    canary, rest = by_stage[0], by_stage[1:]
    assert canary["stage"] == 0 and all(t["stage"] == 1 for t in rest)
    wait_for(
        "every gateway to report the new version",
        lambda: (
            (gws := get(first_run.api, "/api/gateways"))
            and len(gws) == GATEWAYS
            and all(g["model_version"] == version for g in gws)
        ),
        timeout=60,
    )
    # The others were told only after the canary reported the new version active.
    output = first_run.output()
    canary_active = output.index(f"model {version}: canary {canary['gateway_id']} active; advancing")
    assert output.index(f"{version} (deploy) sent to {canary['gateway_id']}") < canary_active
    for t in rest:
        assert output.index(f"{version} (deploy) sent to {t['gateway_id']}") > canary_active
    assert f"model {version}: {GATEWAYS}/{GATEWAYS} active" in output


def test_ctrl_c_leaves_no_process_behind_and_a_second_run_reuses_the_data(
    first_run: Demo, data_dir: Path
) -> None:
    machines_before = get(first_run.api, "/api/machines")
    tickets_before = {t["id"] for t in ticket_list(first_run.api)}
    children = first_run.descendants()
    assert len(children) >= 3 + GATEWAYS  # api, ingest, engine and one agent per gateway at least

    first_run.ctrl_c()
    alive = [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], f"left behind: {[p.cmdline() for p in alive]}"
    leftovers = [
        p.info["cmdline"]
        for p in psutil.process_iter(["cmdline"])
        if p.info["cmdline"] and any(str(data_dir) in part for part in p.info["cmdline"])
    ]
    assert leftovers == []

    second = Demo(data_dir, free_port())
    try:
        wait_for("the API again", lambda: get(second.api, "/api/health"), timeout=120)
        machines_after = get(second.api, "/api/machines")
        assert {m["id"] for m in machines_after} == {m["id"] for m in machines_before}
        assert tickets_before <= {t["id"] for t in ticket_list(second.api)}
        assert "Training the first model" not in second.output()
        assert "Training a second model" not in second.output()
        second.ctrl_c()
    finally:
        if second.proc.poll() is None:
            second.proc.kill()
