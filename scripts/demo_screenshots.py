"""Screenshots for docs/screenshots, taken with headless Chromium from a running ``make demo``.

Usage (with the demo running, e.g. ``make demo`` in another terminal):

    .venv/bin/python scripts/demo_screenshots.py [--api http://127.0.0.1:8000] [--out docs/screenshots]

Waits for the demo's first ticket, then captures the login page (with the demo's logins), the fleet, the
ticket board, the machine page of the failing machine, the API documentation, and, on a phone-sized page,
the technician starting and resolving that ticket (which repairs the simulated machine, as in the demo).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cloud.auth.demo import DEMO_PASSWORD
from tests.e2e.browser import launch_chromium

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _api_json(api: str, path: str, token: str | None = None, body: object = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(api + path, data, headers), timeout=10) as resp:
        return json.load(resp)


def wait_for_ticket(api: str, timeout_s: float) -> dict[str, Any]:
    """The demo's first open ticket, once the engine has opened one."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        token = _api_json(api, "/api/auth/login", body={"email": "engineer@demo", "password": DEMO_PASSWORD})
        items = _api_json(api, "/api/tickets?limit=50", token["access_token"])["items"]
        open_items = [t for t in items if t["status"] == "OPEN"]
        if open_items:
            return dict(open_items[-1])
        time.sleep(5)
    raise SystemExit(f"no open ticket after {timeout_s:.0f} s: is the demo running at {api}?")


def sign_in(page: Page, api: str, email: str) -> None:
    """Sign in through the login page as one of the demo's logins."""
    page.goto(api + "/")
    page.get_by_test_id("demo-logins").get_by_role("button", name=email).click()
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def main() -> None:
    """Take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--wait", type=float, default=600.0, help="seconds to wait for the first ticket")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    ticket = wait_for_ticket(args.api, args.wait)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport=DESKTOP)  # type: ignore[arg-type]
        page.set_default_timeout(30_000)
        page.goto(args.api + "/")
        expect(page.get_by_test_id("demo-logins")).to_be_visible()
        page.screenshot(path=str(args.out / "login-demo.png"))
        sign_in(page, args.api, "engineer@demo")
        expect(page.get_by_test_id("machine-card").first).to_be_visible()
        page.wait_for_timeout(2000)  # let the live readings fill the cards
        page.screenshot(path=str(args.out / "dashboard-fleet.png"), full_page=True)
        page.goto(args.api + "/tickets")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(args.out / "dashboard-tickets.png"), full_page=True)
        page.goto(f"{args.api}/machines/{ticket['machine_id']}")
        page.wait_for_timeout(2500)
        page.screenshot(path=str(args.out / "dashboard-machine.png"), full_page=True)
        page.goto(args.api + "/docs")
        expect(page.locator(".swagger-ui .info .title")).to_be_visible()
        page.screenshot(path=str(args.out / "api-docs.png"))

        phone = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
        phone.set_default_timeout(30_000)
        sign_in(phone, args.api, "tech@demo")
        phone.goto(f"{args.api}/tickets/{ticket['id']}")
        detail = phone.get_by_test_id("ticket-detail")
        detail.get_by_test_id("advance-ticket").click()
        expect(detail).to_have_attribute("data-status", "IN_PROGRESS")
        detail.get_by_test_id("resolve-ticket").click()
        form = detail.get_by_test_id("resolve-form")
        form.get_by_label("Real fault").check()
        form.get_by_label("Root cause").fill("Drive-end bearing worn; replaced")
        form.get_by_role("button", name="Resolve ticket").click()
        expect(detail).to_have_attribute("data-status", "RESOLVED")
        phone.screenshot(path=str(args.out / "dashboard-ticket-resolved-phone.png"), full_page=True)
        browser.close()
    print(f"screenshots in {args.out}")


if __name__ == "__main__":
    main()
