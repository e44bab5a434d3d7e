"""The plant hierarchy and the fleet table in a real headless Chromium against the real API and PostgreSQL.

An engineer creates a site and a line, moves a machine onto the line, places a technician on it, filters the
fleet by site and line (the filter lives in the URL, so a link opens it again), then switches 1,004 machines
to the table, sorts it by risk and scrolls to its end: only a few dozen rows are ever in the DOM, and the
last machine comes into view.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.e2e.browser import launch_chromium
from tests.e2e.conftest import SeededFleet
from tests.e2e.fleet_kit import seed_big_fleet
from tests.e2e.test_dashboard import DESKTOP, pin_clock, sign_in

pytestmark = pytest.mark.e2e

BIG_FLEET = 1000
# The table renders the rows in view plus its overscan (12 each side) — a few dozen, never hundreds.
MAX_DOM_ROWS = 100
# A thousand machines on a shared, loaded 2-core machine take seconds to fetch and sort; Playwright's
# default is 5 s.
EXPECT_TIMEOUT_MS = 20_000
PLAYWRIGHT_DEFAULT_EXPECT_MS = 5_000


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, with a longer wait for assertions (restored afterwards)."""
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    try:
        with sync_playwright() as pw:
            b = launch_chromium(pw)
            yield b
            b.close()
    finally:
        expect.set_options(timeout=PLAYWRIGHT_DEFAULT_EXPECT_MS)


def test_an_engineer_builds_the_hierarchy_filters_the_fleet_and_scrolls_a_virtualised_table_of_1004(
    browser: Browser, cloud_api: str, seeded_fleet: SeededFleet, database_url: str
) -> None:
    big = seed_big_fleet(database_url, BIG_FLEET, seeded_fleet.seeded_at)
    page = browser.new_page(viewport=DESKTOP)
    page.set_default_timeout(20_000)
    pin_clock(page, seeded_fleet.seeded_at)  # every seeded risk stays current
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], "/plant")

    # A site and a line, made through the page's forms.
    site_form = page.get_by_test_id("site-create-form")
    site_form.get_by_label("Name").fill("Lyon")
    site_form.get_by_label("Description").fill("Main plant")
    site_form.get_by_role("button", name="Add site").click()
    site = page.locator('[data-testid="site-card"][data-site-name="Lyon"]')
    expect(site).to_contain_text("Main plant")
    line_name = site.get_by_test_id("line-create-form").get_by_label("Name")
    line_name.fill("L1")
    site.get_by_role("button", name="Add line").click()
    expect(site.locator('[data-testid="line-row"][data-line-name="L1"]')).to_contain_text("0 machines")
    expect(line_name).to_have_value("")  # the form starts afresh once the line is made
    # A second line of the same name is refused with the API's reason.
    line_name.fill("L1 ")
    site.get_by_role("button", name="Add line").click()
    expect(site.get_by_role("alert")).to_contain_text("already has a line named 'L1'")

    # Pump 01 moves onto the line; the site can no longer be deleted (it has a line).
    expect(page.get_by_test_id("placement-more")).to_contain_text("Showing 50 of 1004")
    page.get_by_label("Name contains").fill("pump 01")
    row = page.locator('[data-testid="placement-row"][data-machine-name="Pump 01"]')
    row.get_by_label("Line of Pump 01").select_option(label="Lyon / L1")
    expect(site.locator('[data-testid="line-row"][data-line-name="L1"]')).to_contain_text("1 machine")
    expect(site.get_by_role("button", name="Delete site")).to_be_disabled()

    # Tess works on L1: the People page saves it and shows it.
    page.get_by_role("link", name="People").click()
    tess = page.locator(f'[data-testid="user-row"][data-user-email="{seeded_fleet.users["tech"].email}"]')
    tess.get_by_role("button", name="Sites and lines").click()
    page.get_by_test_id("areas-form").get_by_label("Lyon / L1").check()
    page.get_by_role("button", name="Save sites and lines").click()
    expect(tess.get_by_test_id("user-areas")).to_have_text("Lyon / L1")

    # The fleet as a table (1,004 cards would only slow the test), filtered by the site, then by the line:
    # only Pump 01, and the URL says so.
    page.get_by_role("link", name="Fleet", exact=True).click()
    page.get_by_role("button", name="Table").click()
    table = page.get_by_test_id("fleet-table")
    expect(table).to_have_attribute("data-count", str(BIG_FLEET + 4))
    page.get_by_label("Site").select_option(label="Lyon")
    expect(table).to_have_attribute("data-count", "1")
    page.get_by_label("Line").select_option(label="L1")
    expect(page).to_have_url(re.compile(r"\?site=[0-9a-f-]+&line=[0-9a-f-]+&view=table$"))
    expect(page.get_by_test_id("fleet-row")).to_have_attribute("data-machine-name", "Pump 01")
    filtered_link = page.url

    # The whole fleet again, by name first, then by risk (riskiest first).
    page.get_by_label("Site").select_option(label="All sites")
    expect(page).not_to_have_url(re.compile(r"site="))
    expect(table).to_have_attribute("data-count", str(BIG_FLEET + 4))
    page.get_by_test_id("sort-name").click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    rows = page.get_by_test_id("fleet-row")
    expect(rows.first).to_have_attribute("data-machine-name", "Fan 02")
    page.get_by_test_id("sort-risk").click()
    riskiest = max(big, key=lambda m: m.risk)
    assert riskiest.risk > max(m.risk or 0.0 for m in seeded_fleet.machines)
    expect(rows.first).to_have_attribute("data-machine-name", riskiest.name)
    assert 0 < rows.count() <= MAX_DOM_ROWS

    # Scroll to the end: the machine without a prediction (last whatever the direction) comes into view,
    # and the DOM still holds only the rows near the viewport.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the whole table box on screen
    table.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    last = page.locator('[data-testid="fleet-row"][data-machine-name="Mill 04"]')
    expect(last).to_be_in_viewport()
    expect(last).to_have_attribute("data-index", str(BIG_FLEET + 3))
    assert 0 < rows.count() <= MAX_DOM_ROWS

    # The filtered link opens the filtered view again, as a colleague would get it.
    page.goto(filtered_link)
    expect(page.get_by_test_id("fleet-table")).to_have_attribute("data-count", "1")
    expect(page.get_by_label("Line")).to_have_value(re.compile(r"[0-9a-f-]{36}"))
    # ...and the same place as cards.
    page.get_by_role("button", name="Cards").click()
    expect(page.get_by_test_id("machine-card")).to_have_count(1)
    expect(page.get_by_test_id("machine-card")).to_contain_text("Pump 01")
