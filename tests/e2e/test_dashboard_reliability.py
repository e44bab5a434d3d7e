"""The Reliability page in a real headless Chromium against the real API and PostgreSQL: the hand-counted
March 2026 plant (tests/integration/cloud/kpis/kit.py) shows its headline figures, draws every chart, lists
each group, regroups by model version and exports the period's tickets as a CSV file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from cloud.db import make_engine, session_factory
from tests.e2e.browser import launch_chromium
from tests.e2e.conftest import SeededFleet
from tests.e2e.test_dashboard import COUNT_SERIES_PIXELS, new_page, shot, sign_in
from tests.integration.cloud.kpis.kit import seed_plant

pytestmark = pytest.mark.e2e

# Bar colours (dashboard/src/features/reliability/components/kpi-charts.tsx).
CHART_RGB = {
    "chart-precision": [0x03, 0x69, 0xA1],
    "chart-lead-time": [0x7C, 0x3A, 0xED],
    "chart-kinds": [0xB9, 0x1C, 0x1C],  # corrective, M2's and M3's
    "chart-repair": [0x0F, 0x76, 0x6E],  # MTBF
}
# A bar is tens of pixels wide and tall; axes, grid and legend never use these colours over that many.
MIN_BAR_PIXELS = 200


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


def _pick_march(page: Page) -> None:
    page.get_by_test_id("period-from").fill("2026-03-01")
    page.get_by_test_id("period-to").fill("2026-03-31")


def test_reliability_page_shows_figures_charts_groups_and_exports(
    cloud_api: str, seeded_fleet: SeededFleet, database_url: str, browser: Browser
) -> None:
    engine = make_engine(database_url)
    seed_plant(session_factory(engine))
    engine.dispose()
    page = new_page(browser)
    sign_in(page, cloud_api, seeded_fleet.users["tech"], "/reliability")
    expect(page.get_by_role("heading", name="Reliability")).to_be_visible()
    _pick_march(page)

    expect(page.get_by_test_id("kpi-precision")).to_contain_text("60 %")
    expect(page.get_by_test_id("kpi-lead")).to_contain_text("6 h")
    expect(page.get_by_test_id("kpi-missed")).to_contain_text("1")
    expect(page.get_by_test_id("kpi-mttr")).to_contain_text("4 h")
    expect(page.get_by_test_id("kpi-mtbf")).to_contain_text("31 d")  # 4 x 744 h over 4 failures
    expect(page.get_by_test_id("kpi-planned")).to_contain_text("75 %")
    for chart, rgb in CHART_RGB.items():
        page.wait_for_function(
            f"([t, c]) => ({COUNT_SERIES_PIXELS})([t, c]) >= {MIN_BAR_PIXELS}", arg=[chart, rgb]
        )
    m1 = page.get_by_test_id("kpi-row").filter(has=page.get_by_role("rowheader", name="M1", exact=True))
    expect(m1.locator('[data-label="Precision"]')).to_have_text("50 %")
    expect(m1.locator('[data-label="MTBF"]')).to_have_text("15.5 d")  # 744 h over 2 failures
    expect(page.get_by_test_id("kpi-total").locator('[data-label="Tickets"]')).to_have_text("9")
    shot(page, "reliability")

    page.get_by_test_id("group-by").select_option("model_version")
    rows = page.get_by_test_id("kpi-row").get_by_role("rowheader")
    expect(rows).to_have_text(["no model version", "v1", "v2"])

    with page.expect_download() as download:
        page.get_by_test_id("export-tickets").click()
    assert download.value.suggested_filename == "maintainx-tickets-2026-03-01-to-2026-03-31.csv"
    path = download.value.path()
    tickets = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    assert len(tickets) == 9
    assert sorted(t["machine"] for t in tickets) == ["M1"] * 5 + ["M2"] * 2 + ["M3"] * 2
