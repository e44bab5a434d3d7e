"""``maintainx demo`` end to end: simulator → agents → Mosquitto → ingestion → PostgreSQL → ticket → browser.

Runs the real demo launcher in a temporary data folder (a smaller, faster fleet than the default), then
checks what the issue promises a newcomer: every simulated machine listed, data growing, a ticket for the
machine the simulator is failing, the dashboard rendering it in headless Chromium, Ctrl-C leaving no
process behind, and a second start carrying on with the same data.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from cloud.auth.demo import DEMO_PASSWORD
from maintainx.services import free_port
from simulator.fleet import demo_fleet
from tests.e2e.demo_kit import (
    GATEWAYS,
    PER_GATEWAY,
    SEED,
    Demo,
    failing_machine_ids,
    get,
    quick_data_dir,
    ticket_list,
    wait_for,
)

pytestmark = pytest.mark.e2e


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


def test_the_terminal_shows_a_line_per_step_then_a_banner_naming_the_serving_model(
    first_run: Demo, data_dir: Path
) -> None:
    output = wait_for(
        "the banner", lambda: (out := first_run.output()) and "MaintainX is running" in out and out, 60
    )
    before = [line for line in output[: output.index("MaintainX is running")].splitlines() if line.strip()]
    # Database, (second model trained), broker, processes started: no library's log lines in between.
    assert len(before) <= 6, "\n".join(before)
    assert " INFO " not in output and "alembic" not in output.lower()
    first = (data_dir / "models" / "CURRENT").read_text().strip()
    assert f"model serving: {first}" in output
    assert f"API documentation: {first_run.api}/docs" in output


def test_the_login_page_offers_the_demo_logins_and_the_api_docs_work_offline(first_run: Demo) -> None:
    """The page lists the demo's logins; /docs, linked from the dashboard, loads nothing from outside."""
    from playwright.sync_api import Route, expect, sync_playwright

    from tests.e2e.browser import launch_chromium

    outside: list[str] = []

    def offline(route: Route) -> None:
        # As on a plant network without Internet: only our own server answers.
        if route.request.url.startswith(first_run.api) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        page.route("**/*", offline)
        page.goto(first_run.api + "/")
        logins = page.get_by_test_id("demo-logins")
        expect(logins).to_contain_text(DEMO_PASSWORD)
        for email in ("tech@demo", "engineer@demo", "admin@demo"):
            expect(logins.get_by_role("button", name=email)).to_be_visible()
        logins.get_by_role("button", name="engineer@demo").click()
        expect(page.get_by_label("Email")).to_have_value("engineer@demo")
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_test_id("current-user")).to_have_attribute("data-role", "engineer")

        page.get_by_role("link", name="API documentation").click()
        page.wait_for_url(first_run.api + "/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("MaintainX")
        expect(page.locator(".opblock").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        browser.close()
    assert outside == []


def test_ctrl_c_leaves_no_process_behind_and_a_second_run_reuses_the_data(
    first_run: Demo, data_dir: Path
) -> None:
    machines_before = get(first_run.api, "/api/machines")
    tickets_before = {t["id"] for t in ticket_list(first_run.api)}
    left_open = {t["id"] for t in ticket_list(first_run.api) if t["status"] != "RESOLVED"}
    champion = get(first_run.api, "/api/registry/models/champion")["version"]
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
        tickets_after = {t["id"]: t for t in ticket_list(second.api)}
        assert tickets_before <= set(tickets_after)
        output = second.output()
        assert "Training the first model" not in output
        assert "Training a second model" not in output
        # A new simulated day: what the last run left open is closed, with a note; nothing stays open.
        assert "New simulated day" in output
        assert f"closed {len(left_open)} ticket(s) the previous run left open" in output
        for ticket_id in left_open:
            assert tickets_after[ticket_id]["status"] == "RESOLVED"
            assert tickets_after[ticket_id]["outcome"] is None
        # The banner names what serves: the version the first run's rollout made champion, no new rollout.
        assert f"model serving: {champion}" in output
        assert "will roll out" not in output and "nothing to do" not in output
        wait_for(
            "every gateway to serve the champion",
            lambda: all(g["model_version"] == champion for g in get(second.api, "/api/gateways")),
            timeout=90,
        )
        second.ctrl_c()
    finally:
        if second.proc.poll() is None:
            second.proc.kill()
