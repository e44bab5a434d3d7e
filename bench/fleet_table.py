"""The fleet table at 1,000 machines in headless Chromium: time to first render and scroll smoothness.

Starts an embedded PostgreSQL, a private broker and ``python -m cloud api`` serving the built dashboard,
seeds 1,000 machines (one reading and one prediction each), then in Debian's Chromium:

- first render: from navigation to the first table row on screen (``/?view=table``), against the card view
  of the same machines (``/``) and an almost empty page (``/plant`` with no sites) measured in the same run;
- scrolling: the table scrolled top to bottom in steps of ``SCROLL_STEP_PX`` per animation frame, the frame
  intervals recorded with requestAnimationFrame; frames over ``LONG_FRAME_MS`` count as janky. The baseline
  is the same loop scrolling the card view's page.
- the fleet endpoint itself: GET /api/machines time and payload for the 1,000 machines.

Prints the machine, one line per measurement and a final JSON line. ``--machines N`` changes the fleet size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import Page, sync_playwright

from bench.host import machine_info
from cloud.embedded_postgres import embedded_postgres
from maintainx.services import Broker, free_port
from tests.conftest import reachable_tmpdir
from tests.e2e.browser import launch_chromium
from tests.e2e.conftest import AUTH_SECRET, DASHBOARD_DIST, REPO_ROOT, _wait_until_healthy
from tests.e2e.fleet_kit import seed_big_fleet

EMAIL, PASSWORD = "bench@fleet.test", "bench-password-1"
# Repeats per page; the median is reported (the machine is shared and noisy).
REPEATS = 5
# Pixels scrolled per animation frame: ~2.5 screens a second at 60 Hz, a brisk wheel or a dragged scrollbar.
SCROLL_STEP_PX = 40
# Frames longer than this are visible stutter (three missed 60 Hz frames).
LONG_FRAME_MS = 50
# Where the first row or card appears; the readiness the user waits for.
READY = {"table": '[data-testid="fleet-row"]', "cards": '[data-testid="machine-card"]', "empty": "h1"}
PATHS = {"table": "/?view=table", "cards": "/", "empty": "/plant"}
SCROLLERS = {"table": '[data-testid="fleet-table"]', "cards": None}

SCROLL_JS = """async ([selector, step]) => {
  const el = selector ? document.querySelector(selector) : document.scrollingElement;
  el.scrollTop = 0;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const frames = [];
  let last = performance.now();
  while (el.scrollTop + el.clientHeight < el.scrollHeight - 1) {
    el.scrollTop += step;
    await new Promise(r => requestAnimationFrame(r));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  return frames;
}"""


@contextmanager
def running_api(machines: int) -> Iterator[str]:
    """PostgreSQL, broker and API with ``machines`` seeded machines and one engineer; yields the base URL."""
    from cloud.db import upgrade_database
    from cloud.users.passwords import hash_password

    folder = reachable_tmpdir("maintainx-bench-fleet-")
    url = embedded_postgres(folder / "pg", database="fleetbench")
    upgrade_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (id, email, full_name, role, password_hash)"
                " VALUES (gen_random_uuid(), :email, 'Bench Engineer', 'engineer', :hash)"
            ),
            {"email": EMAIL, "hash": hash_password(PASSWORD)},
        )
    engine.dispose()
    seed_big_fleet(url, machines, datetime.now(UTC))
    broker = Broker(folder / "broker").start()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MQTT_URL": broker.url,
        "MAINTAINX_API_PORT": str(port),
        "MAINTAINX_DASHBOARD_DIR": str(DASHBOARD_DIST),
        "MAINTAINX_AUTH_SECRET": AUTH_SECRET,
        "MAINTAINX_DATA_DIR": str(folder / "data"),
    }
    log_path = folder / "api.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cloud", "api"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, proc, log_path)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        broker.stop()


def fleet_endpoint(base: str, token: str) -> dict[str, float]:
    """Median time and payload of GET /api/machines over REPEATS calls."""
    times, size = [], 0
    for _ in range(REPEATS):
        request = urllib.request.Request(base + "/api/machines", headers={"Authorization": f"Bearer {token}"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as resp:
            size = len(resp.read())
        times.append((time.perf_counter() - start) * 1000)
    return {"api_ms": round(statistics.median(times), 1), "payload_kib": round(size / 1024, 1)}


def first_render_ms(page: Page, base: str, kind: str) -> float:
    """Median milliseconds from navigation start to the first row (or card, or heading) being visible."""
    samples = []
    for _ in range(REPEATS):
        page.goto(base + "/plant")  # leave the page, so the next visit renders from scratch
        page.wait_for_selector("h1")
        start = time.perf_counter()
        page.goto(base + PATHS[kind])
        page.wait_for_selector(READY[kind], state="visible", timeout=60_000)
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 1)


def scroll_frames(page: Page, base: str, kind: str) -> dict[str, float]:
    """Frame intervals while scrolling the whole list: count, long frames, p95 and worst."""
    page.goto(base + PATHS[kind])
    page.wait_for_selector(READY[kind], state="visible", timeout=60_000)
    page.wait_for_timeout(500)  # let the first fetch and render settle
    frames: list[float] = page.evaluate(SCROLL_JS, [SCROLLERS[kind], SCROLL_STEP_PX])
    ordered = sorted(frames)
    return {
        "frames": len(frames),
        "long_frames": sum(f > LONG_FRAME_MS for f in frames),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def sign_in(page: Page, base: str) -> str:
    """Sign in through the form (the session then lives in the page); return an API token too."""
    page.goto(base + "/plant")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('[data-testid="current-user"]')
    body = json.dumps({"email": EMAIL, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        base + "/api/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        return str(json.load(resp)["access_token"])


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machines", type=int, default=1000)
    args = parser.parse_args()
    if not (DASHBOARD_DIST / "index.html").is_file():
        sys.exit(f"{DASHBOARD_DIST} has no build: run `make dashboard` first")
    print("machine:", json.dumps(machine_info()), flush=True)
    result: dict[str, Any] = {"bench": "fleet_table", "machines": args.machines}
    with running_api(args.machines) as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        token = sign_in(page, base)
        result |= fleet_endpoint(base, token)
        print("api:", json.dumps(result), flush=True)
        render = {kind: first_render_ms(page, base, kind) for kind in ("empty", "cards", "table")}
        print("first render ms:", json.dumps(render), flush=True)
        scroll = {kind: scroll_frames(page, base, kind) for kind in ("cards", "table")}
        print("scroll:", json.dumps(scroll), flush=True)
        browser.close()
    result |= {
        "first_render_ms": render,
        "table_vs_cards_first_render": round(render["table"] / render["cards"], 3),
        "table_vs_empty_first_render": round(render["table"] / render["empty"], 3),
        "scroll": scroll,
        "table_long_frame_share": round(
            scroll["table"]["long_frames"] / max(1, scroll["table"]["frames"]), 4
        ),
        "cards_long_frame_share": round(
            scroll["cards"]["long_frames"] / max(1, scroll["cards"]["frames"]), 4
        ),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
