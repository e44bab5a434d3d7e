"""The dashboard in a real headless Chromium against the real API, PostgreSQL and Mosquitto.

Proves what a user sees: the fleet sorted riskiest first with each machine's risk, a machine's charts
actually drawn, a ticket moved OPEN -> IN_PROGRESS -> RESOLVED with the buttons (and stored so), the
API's 409 message shown when the board was stale, and the gateways table. Screenshots go to
``test-artifacts/`` for a human to look at.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Locator, Page, Route, ViewportSize, expect, sync_playwright

from tests.e2e.browser import launch_chromium
from tests.e2e.conftest import REPO_ROOT, SeededFleet

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO_ROOT / "test-artifacts"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
# Colours the charts draw their series in (dashboard/src/features/machines/components/chart-theme.ts).
SERIES_RGB = {
    "chart-temperature": (0xC2, 0x41, 0x0C),
    "chart-vibration": (0x7C, 0x3A, 0xED),
    "chart-rpm": (0x03, 0x69, 0xA1),
    "chart-risk": (0xB9, 0x1C, 0x1C),
}
# A drawn hour-long line covers hundreds of pixels; axes and legend never use the series colours.
MIN_SERIES_PIXELS = 150

COUNT_SERIES_PIXELS = """([testId, rgb]) => {
  const canvas = document.querySelector(`[data-testid="${testId}"] canvas`);
  if (!canvas || canvas.width === 0) return 0;
  const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3] > 200 && Math.abs(px[i] - rgb[0]) < 20 && Math.abs(px[i + 1] - rgb[1]) < 20
        && Math.abs(px[i + 2] - rgb[2]) < 20) n++;
  }
  return n;
}"""


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


def new_page(browser: Browser, viewport: ViewportSize = DESKTOP) -> Page:
    """A fresh page in its own viewport that fails fast instead of waiting 30 s."""
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(15_000)
    return page


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot to test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_fleet_view_lists_every_machine_riskiest_first_with_its_risk(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser
) -> None:
    page = new_page(browser)
    page.goto(cloud_api + "/")
    cards = page.get_by_test_id("machine-card")
    expect(cards).to_have_count(len(seeded_fleet.machines))
    # Wait for numbers, not the loading state, before reading the order.
    expect(cards.first.get_by_test_id("risk-value")).to_have_text("92%")

    assert [cards.nth(i).get_attribute("data-machine-id") for i in range(cards.count())] == [
        m.id for m in seeded_fleet.machines
    ]
    assert page.get_by_test_id("risk-value").all_inner_texts() == ["92%", "55%", "12%", "—"]
    expect(page.get_by_test_id("stat-machines")).to_contain_text("4")
    expect(page.get_by_test_id("stat-online")).to_contain_text("3 / 4")
    expect(page.get_by_test_id("stat-at-risk")).to_contain_text("1")
    expect(page.get_by_test_id("stat-open-tickets")).to_contain_text("2")
    expect(cards.first).to_contain_text("1 open ticket")
    shot(page, "dashboard-fleet")

    phone = new_page(browser, PHONE)
    phone.goto(cloud_api + "/")
    expect(phone.get_by_test_id("machine-card")).to_have_count(len(seeded_fleet.machines))
    expect(phone.get_by_test_id("risk-value").first).to_have_text("92%")
    # Nothing may stick out sideways on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "dashboard-fleet-phone")


def test_machine_view_draws_telemetry_and_risk_charts(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser
) -> None:
    page = new_page(browser)
    page.goto(cloud_api + "/")
    riskiest = seeded_fleet.machines[0]
    page.get_by_role("link", name=riskiest.name).click()
    expect(page).to_have_url(f"{cloud_api}/machines/{riskiest.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(riskiest.name)

    for test_id, rgb in SERIES_RGB.items():
        page.wait_for_function(
            f"([t, c]) => ({COUNT_SERIES_PIXELS})([t, c]) >= {MIN_SERIES_PIXELS}", arg=[test_id, list(rgb)]
        )
    # Hovering one chart moves the cursor on the others: the risk legend shows the risk at that instant.
    risk_legend = page.get_by_test_id("chart-risk").locator(".u-legend .u-series").nth(1)
    expect(risk_legend).to_contain_text("—")
    temperature_plot = page.get_by_test_id("chart-temperature").locator(".u-over")
    box = temperature_plot.bounding_box()
    assert box is not None
    temperature_plot.hover(position={"x": box["width"] * 0.95, "y": box["height"] / 2})
    expect(risk_legend).to_contain_text(re.compile(r"\d+%"))

    # The ticket list under the charts says why the ticket was opened.
    ticket = page.get_by_test_id("machine-ticket")
    expect(ticket).to_have_count(1)
    expect(ticket).to_contain_text("m-2026.11.1")
    expect(ticket).to_contain_text("vibration slope")
    shot(page, "dashboard-machine")

    phone = new_page(browser, PHONE)
    phone.goto(f"{cloud_api}/machines/{riskiest.id}")
    phone.wait_for_function(
        f"([t, c]) => ({COUNT_SERIES_PIXELS})([t, c]) >= {MIN_SERIES_PIXELS}",
        arg=["chart-risk", list(SERIES_RGB["chart-risk"])],
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "dashboard-machine-phone")


def test_ticket_board_moves_a_ticket_to_resolved_and_the_database_agrees(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser, database_url: str
) -> None:
    page = new_page(browser)
    page.goto(cloud_api + "/tickets")
    ticket_id = seeded_fleet.open_ticket_id

    def card_in(status: str) -> Locator:
        return page.get_by_test_id(f"ticket-column-{status}").locator(
            f'[data-testid="ticket-card"][data-ticket-id="{ticket_id}"]'
        )

    expect(card_in("OPEN")).to_have_attribute("data-status", "OPEN")
    expect(card_in("OPEN")).to_contain_text("CRITICAL")
    shot(page, "dashboard-tickets-before")
    card_in("OPEN").get_by_test_id("advance-ticket").click()
    expect(card_in("IN_PROGRESS")).to_have_attribute("data-status", "IN_PROGRESS")
    expect(card_in("OPEN")).to_have_count(0)
    card_in("IN_PROGRESS").get_by_test_id("advance-ticket").click()
    expect(card_in("RESOLVED")).to_have_attribute("data-status", "RESOLVED")
    expect(card_in("RESOLVED").get_by_test_id("advance-ticket")).to_have_count(0)
    shot(page, "dashboard-tickets-after")

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        status, resolved_at = conn.execute(
            sa.text("SELECT status, resolved_at FROM maintenance_tickets WHERE id = :id"), {"id": ticket_id}
        ).one()
    engine.dispose()
    assert status == "RESOLVED"
    assert resolved_at is not None


def test_ticket_board_shows_the_apis_conflict_message_when_it_was_stale(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser
) -> None:
    page = new_page(browser)
    page.goto(cloud_api + "/tickets")
    ticket_id = seeded_fleet.in_progress_ticket_id
    card = page.get_by_test_id("ticket-column-IN_PROGRESS").locator(f'[data-ticket-id="{ticket_id}"]')
    expect(card).to_be_visible()

    # Freeze the board (its polls fail) while someone else resolves the ticket through the API.
    def refuse_list(route: Route) -> None:
        route.abort()

    page.route(lambda url: "/api/tickets?" in url, refuse_list)
    request = urllib.request.Request(
        f"{cloud_api}/api/tickets/{ticket_id}",
        data=json.dumps({"status": "RESOLVED"}).encode(),
        headers={"Content-Type": "application/json"},
        method="PATCH",
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        assert resp.status == 200

    card.get_by_test_id("advance-ticket").click()
    expect(card.get_by_role("alert")).to_contain_text("ticket is RESOLVED and can change no more")
    shot(page, "dashboard-tickets-conflict")

    page.unroute_all()
    resolved = page.get_by_test_id("ticket-column-RESOLVED").locator(f'[data-ticket-id="{ticket_id}"]')
    expect(resolved).to_have_attribute("data-status", "RESOLVED")


def test_gateways_view_shows_status_backlog_and_drops(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser
) -> None:
    page = new_page(browser)
    page.goto(cloud_api + "/gateways")
    rows = page.get_by_test_id("gateway-row")
    expect(rows).to_have_count(2)
    offline = page.locator('[data-testid="gateway-row"][data-gateway-id="gw-02"]')
    expect(offline).to_contain_text("Offline")
    expect(offline).to_contain_text("312")
    expect(offline).to_contain_text("17")
    expect(page.locator('[data-testid="gateway-row"][data-gateway-id="gw-01"]')).to_contain_text("Online")
    shot(page, "dashboard-gateways")


def test_a_deep_link_to_a_machine_loads_the_dashboard(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser
) -> None:
    page = new_page(browser)
    quiet = seeded_fleet.machines[3]
    page.goto(f"{cloud_api}/machines/{quiet.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(quiet.name)
    expect(page.get_by_test_id("risk-value")).to_have_text("—")
    expect(page.get_by_test_id("health")).to_be_visible()
