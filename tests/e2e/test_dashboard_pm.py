"""The preventive-maintenance flow in a real headless Chromium against the real API and PostgreSQL: an
engineer creates a schedule with a checklist, sees its next due date pulled forward by the failing pump's
risk, opens the work order the scheduler made, records the checklist and time, and completes it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect, sync_playwright

from cloud.db import make_engine, session_factory
from cloud.pm.scheduler import PmSettings, run_pass
from tests.e2e.browser import launch_chromium
from tests.e2e.conftest import PASSWORD, SeededFleet

pytestmark = pytest.mark.e2e

CHECKLIST = ["Grease the drive-end bearing", "Check belt tension"]


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


def _scheduler_pass(database_url: str, now: datetime) -> None:
    """What the engine's loop does every minute, at ``now`` (the seeded predictions count as recent)."""
    engine = make_engine(database_url)
    with session_factory(engine).begin() as session:
        run_pass(session, now, PmSettings(risk_threshold=0.8, risk_max_age=timedelta(days=30)))
    engine.dispose()


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/pm")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Preventive maintenance")).to_be_visible()


def test_an_engineer_schedules_pm_sees_it_pulled_forward_and_completes_the_work_order(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser, database_url: str
) -> None:
    pump = seeded_fleet.machines[0]  # Pump 01, failure risk 0.92
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    _sign_in(page, cloud_api, seeded_fleet.users["engineer"].email)

    page.get_by_test_id("new-schedule").click()
    form = page.get_by_test_id("pm-form")
    form.get_by_label("Name").fill("Bearing service")
    form.get_by_label("Machine", exact=True).select_option(label=f"{pump.name} ({pump.type})")
    form.get_by_label("Every", exact=True).fill("30")
    form.get_by_label("Open the work order this many days ahead").fill("1")
    form.get_by_label("A rising risk may pull it forward by up to (days; 0 = never)").fill("10")
    form.get_by_label("Checklist item 1").fill(CHECKLIST[0])
    form.get_by_role("button", name="Add item").click()
    form.get_by_label("Checklist item 2").fill(CHECKLIST[1])
    form.get_by_label("Every", exact=True).fill("0")
    form.get_by_role("button", name="Save schedule").click()
    expect(form.get_by_role("alert")).to_contain_text("A whole number of days")
    form.get_by_label("Every", exact=True).fill("30")
    form.get_by_role("button", name="Save schedule").click()
    schedule = page.get_by_test_id("pm-schedule")
    expect(schedule).to_contain_text("every 30 days")
    expect(schedule.get_by_test_id("next-due")).to_have_text("not yet known")

    created = datetime.now(UTC)
    _scheduler_pass(database_url, created)
    page.reload()
    # Due in 30 days, pulled forward 10 by the pump's 92 % risk.
    expect(schedule.get_by_test_id("pulled-forward")).to_contain_text("pulled forward 10")
    expect(schedule).to_contain_text("risk pulled forward")

    _scheduler_pass(database_url, created + timedelta(days=19, hours=1))
    page.reload()
    schedule.get_by_role("link", name="open").click()
    detail = page.get_by_test_id("ticket-detail")
    expect(page.get_by_test_id("ticket-pulled-forward")).to_contain_text("failure risk reached 92")
    work = page.get_by_test_id("work-done")
    items = work.get_by_test_id("checklist-item")
    expect(items).to_have_count(2)
    work.get_by_label(f"Result of {CHECKLIST[0]}").select_option("DONE")
    expect(items.first).to_have_attribute("data-result", "DONE")
    work.get_by_label(f"Result of {CHECKLIST[1]}").select_option("NOT_APPLICABLE")
    expect(items.nth(1)).to_have_attribute("data-result", "NOT_APPLICABLE")
    work.get_by_label("Minutes").fill("40")
    work.get_by_role("button", name="Log time").click()
    expect(work.get_by_test_id("time-entries")).to_contain_text("40 min")

    page.get_by_test_id("advance-ticket").click()
    expect(detail).to_have_attribute("data-status", "IN_PROGRESS")
    page.get_by_test_id("resolve-ticket").click()
    page.get_by_label("Done, nothing wrong found").check()
    page.get_by_role("button", name="Resolve ticket").click()
    expect(detail).to_have_attribute("data-status", "RESOLVED")
    expect(page.get_by_test_id("ticket-outcome")).to_contain_text("Preventive work done")

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        baseline = conn.execute(sa.text("SELECT baseline_at FROM pm_schedule_machines")).scalar_one()
        results = conn.execute(
            sa.text("SELECT result FROM ticket_checklist_items ORDER BY position")
        ).scalars()
        assert list(results) == ["DONE", "NOT_APPLICABLE"]
    engine.dispose()
    # Completing the work order restarted the schedule for the pump.
    assert baseline > created
