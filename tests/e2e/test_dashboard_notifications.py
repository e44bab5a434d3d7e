"""The Notifications page in a real headless Chromium against the real API, a real ``python -m cloud notify``
worker and a real webhook receiver: an engineer adds a webhook channel (a bad URL is refused on its field
first), presses "Send test" and sees the delivery delivered, adds a rule with quiet hours and an e-mail
channel; a technician sees only their own e-mail switch and turns it off."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.e2e.browser import launch_chromium
from tests.e2e.conftest import REPO_ROOT, SeededFleet
from tests.e2e.test_dashboard import new_page, sign_in
from tests.integration.cloud.notifications.receivers import HttpReceiver

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    """A webhook receiver."""
    server = HttpReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def notify_worker(database_url: str) -> Iterator[None]:
    """``python -m cloud notify`` on the test database, stopped afterwards."""
    env = {**os.environ, "DATABASE_URL": database_url, "MAINTAINX_WEBHOOK_SECRET": "e2e-webhook-secret-0123"}
    proc = subprocess.Popen([sys.executable, "-m", "cloud", "notify"], cwd=REPO_ROOT, env=env)
    yield
    proc.send_signal(signal.SIGTERM)
    proc.wait(20)


def test_an_engineer_sets_up_channels_sends_a_test_and_adds_a_rule_and_a_technician_switches_off(
    browser: Browser, cloud_api: str, seeded_fleet: SeededFleet, receiver: HttpReceiver, notify_worker: None
) -> None:
    page = new_page(browser)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], "/notifications")
    add = page.get_by_test_id("add-channel")
    add.get_by_label("Name").fill("CMMS")
    add.get_by_label("URL").fill("ftp://cmms.example")
    add.get_by_role("button", name="Add channel").click()
    expect(add.get_by_role("alert")).to_contain_text("http:// or https://")
    add.get_by_label("URL").fill(receiver.url + "/cmms")
    add.get_by_label("Format").select_option("slack")
    add.get_by_role("button", name="Add channel").click()
    row = page.locator('[data-testid="channel-row"][data-channel-name="CMMS"]')
    expect(row).to_contain_text("Webhook (slack)")

    row.get_by_role("button", name="Send test").click()
    expect(row.get_by_role("status")).to_contain_text("Test queued as delivery #")
    delivered = page.locator('[data-testid="delivery-row"][data-status="delivered"][data-event="test"]')
    expect(delivered).to_have_count(1, timeout=20_000)
    expect(delivered).to_contain_text("204 in")
    assert len(receiver.received()) == 1 and receiver.received()[0].path == "/cmms"

    rule = page.get_by_test_id("add-rule")
    rule.get_by_label("Name").fill("Nights")
    rule.get_by_label("Channel").select_option(label="CMMS")
    rule.get_by_label("From", exact=True).fill("22:00")
    rule.get_by_label("Time zone").fill("Mars/Olympus")
    rule.get_by_role("button", name="Add rule").click()
    expect(rule.get_by_role("alert").first).to_be_visible()  # half quiet hours and an unknown zone
    rule.get_by_label("Until").fill("06:00")
    rule.get_by_label("Time zone").fill("Europe/Berlin")
    rule.get_by_role("button", name="Add rule").click()
    expect(page.get_by_test_id("rule-row")).to_contain_text(
        "quiet 22:00\u201306:00 Europe/Berlin (except CRITICAL)"  # an en dash
    )

    add.get_by_label("Name").fill("Shift mail")
    add.get_by_label("Kind").select_option("email")
    add.get_by_role("button", name="Add channel").click()
    expect(page.locator('[data-testid="channel-row"][data-channel-name="Shift mail"]')).to_contain_text(
        "E-mail"
    )

    # An e-mail rule names a person beside (or instead of) roles, and says so in its line.
    rule.get_by_label("Name").fill("Tess on call")
    rule.get_by_label("Channel").select_option(label="Shift mail")
    rule.get_by_label("the ticket's technician").uncheck()
    rule.get_by_label("People").select_option(label="Tess Tech (technician)")
    rule.get_by_role("button", name="Add rule").click()
    expect(page.get_by_test_id("rule-row").filter(has_text="Tess on call")).to_contain_text("to Tess Tech")

    # A technician sees only their own switch, and it stays off once turned off.
    tech_page = new_page(browser)
    sign_in(tech_page, cloud_api, seeded_fleet.users["tech"], "/notifications")
    switch = tech_page.get_by_label("E-mail me from Shift mail")
    expect(switch).to_be_checked()
    expect(tech_page.get_by_test_id("add-channel")).to_have_count(0)
    switch.uncheck()
    tech_page.reload()
    expect(tech_page.get_by_label("E-mail me from Shift mail")).not_to_be_checked()
