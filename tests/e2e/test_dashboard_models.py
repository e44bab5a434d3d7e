"""The Models page in a real headless Chromium against the real API, PostgreSQL and Mosquitto.

An engineer promotes a version to champion (the badge moves), starts a rollout to a group and sees it
listed with the gateways it reached, sees the API's refusals (gate not met; rolling back to the version
being rolled out) and rolls it back to the old champion; a
technician, on a phone, sees the same page without a single write button. An engineer changes the ticket
policy (an inconsistent value is refused on its field first); a technician sees it without an Edit button.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import REPO_ROOT, SeededFleet
from tests.e2e.test_dashboard import DESKTOP, PHONE, new_page, sign_in

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO_ROOT / "test-artifacts"
DOCS_SHOT = REPO_ROOT / "docs" / "screenshots" / "models.png"
WRITE_BUTTONS = (
    "promote-model",
    "set-challenger",
    "start-rollout",
    "advance-rollout",
    "rollback-rollout",
    "edit-policy",
)


def model_row(page: Page, version: str) -> Locator:
    """The versions table's row of ``version``."""
    return page.locator(f'[data-testid="model-row"][data-version="{version}"]')


def test_an_engineer_promotes_a_version_and_starts_a_rollout_to_a_group(
    browser: Browser, cloud_api: str, seeded_fleet: SeededFleet, registered_models: list[str]
) -> None:
    page = new_page(browser, DESKTOP)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], "/models")
    old, new = model_row(page, "m-old"), model_row(page, "m-new")
    expect(old.get_by_test_id("alias-champion")).to_be_visible()
    expect(new.get_by_test_id("alias-champion")).to_have_count(0)
    expect(new.locator('[data-label="F1"]')).to_have_text("0.810")

    new.get_by_test_id("promote-model").click()
    expect(new.get_by_test_id("alias-champion")).to_be_visible()
    expect(old.get_by_test_id("alias-champion")).to_have_count(0)
    expect(new.get_by_test_id("promote-model")).to_be_disabled()

    new.get_by_test_id("model-details").click()
    expect(page.get_by_test_id("model-detail")).to_contain_text("m-new")
    expect(page.get_by_test_id("model-detail")).to_contain_text("failure.roc_auc")

    form = page.get_by_test_id("rollout-form")
    form.get_by_label("Version").select_option("m-new")
    form.get_by_label("Target").select_option("group")
    form.get_by_label("Group name").fill("hall-a")
    form.get_by_label("Stages (% of gateways)").fill("50, 100")
    form.get_by_test_id("start-rollout").click()

    row = page.get_by_test_id("rollout-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("m-new → group=hall-a")
    expect(row).to_contain_text("1 notified")
    row.get_by_test_id("rollout-toggle").click()
    reached = row.get_by_test_id("rollout-gateway")
    expect(reached).to_have_count(1)
    expect(reached.first).to_contain_text("notified")

    # Nobody reported running it yet: the gate holds and the API's reason is shown.
    row.get_by_test_id("advance-rollout").click()
    expect(page.get_by_role("alert").filter(has_text="gate not met")).to_be_visible()
    expect(row).to_have_attribute("data-state", "active")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "models-engineer.png"), full_page=True)
    DOCS_SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SHOT), full_page=True)

    # Rolling back goes to the champion, which is now the version being rolled out: refused, with why.
    row.get_by_test_id("rollback-rollout").click()
    expect(page.get_by_role("alert").filter(has_text="name another")).to_be_visible()
    old.get_by_test_id("promote-model").click()
    expect(old.get_by_test_id("alias-champion")).to_be_visible()
    row.get_by_test_id("rollback-rollout").click()
    expect(row).to_have_attribute("data-state", "rolled_back")
    expect(row.get_by_test_id("advance-rollout")).to_have_count(0)


def test_a_technician_sees_models_and_rollouts_read_only_on_a_phone(
    browser: Browser, cloud_api: str, seeded_fleet: SeededFleet, registered_models: list[str]
) -> None:
    engineer_page = new_page(browser, DESKTOP)
    sign_in(engineer_page, cloud_api, seeded_fleet.users["engineer"], "/models")
    engineer_page.get_by_test_id("rollout-form").get_by_label("Target").select_option("all")
    engineer_page.get_by_test_id("start-rollout").click()
    expect(engineer_page.get_by_test_id("rollout-row")).to_have_count(1)
    engineer_page.close()

    page = new_page(browser, PHONE)
    sign_in(page, cloud_api, seeded_fleet.users["tech"], "/models")
    expect(page.get_by_test_id("model-row")).to_have_count(len(registered_models))
    expect(page.get_by_test_id("rollout-row")).to_contain_text("→ all")
    for test_id in WRITE_BUTTONS:
        expect(page.get_by_test_id(test_id)).to_have_count(0)
    expect(page.get_by_test_id("rollout-form")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "models-technician-phone.png"), full_page=True)


def test_an_engineer_changes_the_ticket_policy_and_a_technician_reads_it(
    browser: Browser, cloud_api: str, seeded_fleet: SeededFleet
) -> None:
    page = new_page(browser, DESKTOP)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], "/models")
    card = page.get_by_test_id("policy-card")
    expect(card.get_by_test_id("policy-enter_threshold")).to_have_text("70 %")
    expect(card).to_contain_text("default settings")

    card.get_by_test_id("edit-policy").click()
    form = page.get_by_test_id("policy-form")
    form.get_by_label("Re-arm below risk").fill("75")
    form.get_by_role("button", name="Save policy").click()
    expect(form.get_by_role("alert").filter(has_text="must be below the opening risk")).to_be_visible()

    form.get_by_label("Re-arm below risk").fill("40")
    form.get_by_label("Open a ticket at risk").fill("80")
    form.get_by_label("HIGH priority at risk").fill("85")
    form.get_by_role("button", name="Save policy").click()
    expect(page.get_by_test_id("policy-form")).to_have_count(0)
    expect(card.get_by_test_id("policy-enter_threshold")).to_have_text("80 %")
    expect(card).to_contain_text("through the dashboard")
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "models-policy.png"))

    tech = new_page(browser, PHONE)
    sign_in(tech, cloud_api, seeded_fleet.users["tech"], "/models")
    expect(tech.get_by_test_id("policy-high_threshold")).to_have_text("85 %")
    expect(tech.get_by_test_id("edit-policy")).to_have_count(0)
