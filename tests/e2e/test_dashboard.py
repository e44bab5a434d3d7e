"""The dashboard in a real headless Chromium against the real API, PostgreSQL and Mosquitto.

Proves what a person sees and may do: signing in (and being sent back to sign in when the token stops
working), the fleet sorted riskiest first, a machine's charts drawn over a chosen range, a technician on a
phone taking a failing machine's ticket through OPEN -> IN_PROGRESS -> RESOLVED with a comment and an
outcome (stored so, with its history), an engineer assigning a technician, what a technician may not
touch, changes arriving over the live stream without a reload, the API's 409 shown when the board was
stale, and the gateways table. Screenshots go to ``test-artifacts/`` for a human to look at.
"""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Locator, Page, Route, ViewportSize, expect

from tests.e2e.conftest import PASSWORD, REPO_ROOT, SeededFleet, SeededUser

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
# With the live stream up the dashboard polls only every 30 s, so a change seen well within that came
# over the stream (the API looks for changes every second).
LIVE_WITHIN_MS = 10_000
ROOT_CAUSE = "Worn drive-end bearing, replaced"

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


def new_page(browser: Browser, viewport: ViewportSize = DESKTOP) -> Page:
    """A fresh page in its own viewport that fails fast instead of waiting 30 s."""
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(15_000)
    return page


def pin_clock(page: Page, at: datetime) -> None:
    """Pin the page's clock to ``at`` (timers keep running): what it calls fresh or stale is then fixed."""
    page.clock.set_fixed_time(at)


def sign_in(page: Page, base: str, user: SeededUser, path: str = "/") -> None:
    """Open ``path`` and sign in through the login form as ``user``."""
    page.goto(base + path)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("current-user")).to_have_attribute("data-role", user.role)


def api_call(base: str, method: str, path: str, body: object = None, token: str | None = None) -> object:
    """Call the API as a script would; return the decoded JSON answer."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.load(resp)


def token_for(base: str, user: SeededUser) -> str:
    """An access token for ``user`` from the login endpoint."""
    answer = api_call(base, "POST", "/api/auth/login", {"email": user.email, "password": PASSWORD})
    assert isinstance(answer, dict)
    return str(answer["access_token"])


def ticket_row(database_url: str, ticket_id: str) -> sa.Row[tuple[object, ...]]:
    """The ticket as stored: status, resolved_at, outcome, root_cause, technician_id, found_fault."""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT status, resolved_at, outcome, root_cause, technician_id, found_fault"
                " FROM maintenance_tickets WHERE id = :id"
            ),
            {"id": ticket_id},
        ).one()
    engine.dispose()
    return row


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot to test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_sign_in_then_the_fleet_riskiest_first_on_desktop_and_phone(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser
) -> None:
    page = new_page(browser)
    pin_clock(page, seeded_fleet.seeded_at)
    page.goto(cloud_api + "/")
    expect(page.get_by_role("form", name="Sign in")).to_be_visible()
    shot(page, "dashboard-login")
    engineer = seeded_fleet.users["engineer"]
    page.get_by_label("Email").fill(engineer.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    sign_in(page, cloud_api, engineer)
    expect(page.get_by_test_id("current-user")).to_contain_text("Erin Engineer")

    cards = page.get_by_test_id("machine-card")
    expect(cards).to_have_count(len(seeded_fleet.machines))
    # Wait for numbers, not the loading state, before reading the order.
    expect(cards.first.get_by_test_id("risk-value")).to_have_text("92%")
    assert [cards.nth(i).get_attribute("data-machine-id") for i in range(cards.count())] == [
        m.id for m in seeded_fleet.machines
    ]
    assert page.get_by_test_id("risk-value").all_inner_texts() == ["92%", "55%", "12%", "—"]
    expect(page.get_by_test_id("stat-machines")).to_contain_text("4")
    expect(page.get_by_test_id("stat-running")).to_contain_text("4 / 4")
    expect(page.get_by_test_id("stat-at-risk")).to_have_attribute("data-count", "1")
    expect(page.get_by_test_id("stat-open-tickets")).to_contain_text("2")
    expect(cards.first).to_contain_text("1 open ticket")
    # The model named the riskiest machine's failure mode; a machine under the threshold names none.
    expect(cards.first.get_by_test_id("likely-fault")).to_have_text("Likely fault: Bearing wear")
    expect(cards.nth(1).get_by_test_id("likely-fault")).to_have_count(0)
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-state", "live")
    shot(page, "dashboard-fleet")

    # A reload keeps the session (sessionStorage); signing out forgets it.
    page.reload()
    expect(page.get_by_test_id("current-user")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("form", name="Sign in")).to_be_visible()
    page.reload()
    expect(page.get_by_role("form", name="Sign in")).to_be_visible()

    phone = new_page(browser, PHONE)
    pin_clock(phone, seeded_fleet.seeded_at)
    sign_in(phone, cloud_api, seeded_fleet.users["tech"])
    expect(phone.get_by_test_id("machine-card")).to_have_count(len(seeded_fleet.machines))
    expect(phone.get_by_test_id("risk-value").first).to_have_text("92%")
    # Nothing may stick out sideways on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "dashboard-fleet-phone")


def test_a_token_the_api_no_longer_accepts_sends_the_user_back_to_sign_in(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser
) -> None:
    page = new_page(browser)
    quiet = seeded_fleet.machines[3]
    # A deep link while signed out: sign in, and land where the link pointed.
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], f"/machines/{quiet.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(quiet.name)
    expect(page.get_by_test_id("risk-value")).to_have_text("—")
    # The stored session now carries a token the API rejects (as an expired or revoked one would be).
    page.evaluate(
        """() => {
            const s = JSON.parse(sessionStorage.getItem("maintainx.session"));
            s.token = "not-a-valid-token";
            sessionStorage.setItem("maintainx.session", JSON.stringify(s));
        }"""
    )
    page.reload()
    expect(page.get_by_role("form", name="Sign in")).to_be_visible()
    assert page.evaluate('sessionStorage.getItem("maintainx.session")') is None


def test_machine_view_draws_charts_and_asks_for_the_picked_range(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser
) -> None:
    page = new_page(browser)
    pin_clock(page, seeded_fleet.seeded_at)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"])
    riskiest = seeded_fleet.machines[0]
    page.get_by_role("link", name=riskiest.name).click()
    expect(page).to_have_url(f"{cloud_api}/machines/{riskiest.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(riskiest.name)
    expect(page.get_by_test_id("likely-fault")).to_have_attribute("data-fault", "bearing_wear")

    for test_id, rgb in SERIES_RGB.items():
        page.wait_for_function(
            f"([t, c]) => ({COUNT_SERIES_PIXELS})([t, c]) >= {MIN_SERIES_PIXELS}", arg=[test_id, list(rgb)]
        )
    # The failure risk is overlaid, in the risk chart's colour, on each signal's chart too.
    for test_id in ("chart-temperature", "chart-vibration", "chart-rpm"):
        page.wait_for_function(
            f"([t, c]) => ({COUNT_SERIES_PIXELS})([t, c]) >= {MIN_SERIES_PIXELS}",
            arg=[test_id, list(SERIES_RGB["chart-risk"])],
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

    # Picking 6 h asks the API for six hours of readings and predictions (it picks the resolution).
    with page.expect_request(lambda r: "/readings?" in r.url) as asked:
        page.get_by_role("button", name="6 h").click()
    query = parse_qs(urlsplit(asked.value.url).query)
    span = datetime.fromisoformat(query["end"][0]) - datetime.fromisoformat(query["start"][0])
    assert span == timedelta(hours=6)
    expect(page.get_by_role("heading", name="Last 6 h")).to_be_visible()
    page.wait_for_function(
        f"([t, c]) => ({COUNT_SERIES_PIXELS})([t, c]) >= {MIN_SERIES_PIXELS}",
        arg=["chart-temperature", list(SERIES_RGB["chart-temperature"])],
    )

    phone = new_page(browser, PHONE)
    sign_in(phone, cloud_api, seeded_fleet.users["tech"], f"/machines/{riskiest.id}")
    phone.wait_for_function(
        f"([t, c]) => ({COUNT_SERIES_PIXELS})([t, c]) >= {MIN_SERIES_PIXELS}",
        arg=["chart-risk", list(SERIES_RGB["chart-risk"])],
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "dashboard-machine-phone")


def test_a_technician_on_a_phone_takes_a_failing_machines_ticket_through_to_resolved(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser, database_url: str
) -> None:
    tech = seeded_fleet.users["tech"]
    page = new_page(browser, PHONE)
    sign_in(page, cloud_api, tech)
    # Find the failing machine (riskiest first), then its ticket.
    failing = seeded_fleet.machines[0]
    page.get_by_test_id("machine-card").first.get_by_role("link", name=failing.name).click()
    page.get_by_test_id("machine-ticket").get_by_role("link").click()
    detail = page.get_by_test_id("ticket-detail")
    expect(detail).to_have_attribute("data-ticket-id", seeded_fleet.open_ticket_id)
    expect(detail).to_have_attribute("data-status", "OPEN")
    expect(detail).to_contain_text("vibration slope")  # why it was opened

    # Not theirs yet: they may take it, not start it.
    expect(detail.get_by_test_id("advance-ticket")).to_have_count(0)
    detail.get_by_test_id("take-ticket").click()
    expect(detail.get_by_test_id("assignee")).to_have_text("Assigned to Tess Tech")
    detail.get_by_test_id("advance-ticket").click()
    expect(detail).to_have_attribute("data-status", "IN_PROGRESS")

    detail.get_by_role("textbox", name="Comment").fill("Drive-end bearing runs hot and rough.")
    detail.get_by_role("button", name="Add comment").click()
    history = detail.get_by_test_id("ticket-history")
    expect(history).to_contain_text("commented: Drive-end bearing runs hot and rough.")

    detail.get_by_test_id("resolve-ticket").click()
    form = detail.get_by_test_id("resolve-form")
    form.get_by_role("button", name="Resolve ticket").click()
    expect(form.get_by_role("alert")).to_contain_text("real fault or a false alarm")
    form.get_by_label("Real fault").check()
    form.get_by_role("button", name="Resolve ticket").click()
    expect(form.get_by_role("alert")).to_contain_text("root cause")
    form.get_by_label("Root cause").fill(ROOT_CAUSE)
    # The ticket named no mode (failure_risk), so none is proposed; the technician says what they found.
    found = form.get_by_label("Failure mode found")
    expect(found).to_have_value("")
    found.select_option("bearing_wear")
    shot(page, "dashboard-ticket-resolve-phone")
    form.get_by_role("button", name="Resolve ticket").click()

    expect(detail).to_have_attribute("data-status", "RESOLVED")
    expect(detail.get_by_test_id("ticket-outcome")).to_contain_text("Confirmed fault (Bearing wear)")
    expect(detail.get_by_test_id("ticket-outcome")).to_contain_text(ROOT_CAUSE)
    # assigned, status, comment, status, outcome, repair sent
    expect(history.locator("li")).to_have_count(6)
    expect(history).to_contain_text("assigned it to Tess Tech")
    expect(history).to_contain_text("sent the repair to gateway gw-01")
    expect(history).to_contain_text("moved it from In progress to Resolved")
    expect(history).to_contain_text("recorded a confirmed fault (bearing wear)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "dashboard-ticket-resolved-phone")

    row = ticket_row(database_url, seeded_fleet.open_ticket_id)
    assert (row.status, row.outcome, row.root_cause) == ("RESOLVED", "CONFIRMED_FAULT", ROOT_CAUSE)
    assert row.found_fault == "bearing_wear"
    assert row.resolved_at is not None
    assert str(row.technician_id) == tech.id


def test_an_engineer_assigns_a_technician_who_then_sees_only_their_own_work(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser, database_url: str
) -> None:
    page = new_page(browser)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], "/tickets")
    ticket_id = seeded_fleet.open_ticket_id
    card = page.locator(f'[data-testid="ticket-card"][data-ticket-id="{ticket_id}"]')
    picker = card.get_by_test_id("assign-technician")
    expect(picker.locator("option")).to_have_count(3)  # unassigned + two technicians
    picker.select_option(label="Tess Tech (Hall A)")
    expect(picker).to_have_value(seeded_fleet.users["tech"].id)
    shot(page, "dashboard-tickets")
    assert str(ticket_row(database_url, ticket_id).technician_id) == seeded_fleet.users["tech"].id

    # Tess starts on her own tickets; Tom's ticket shows no buttons for her.
    tess = new_page(browser)
    sign_in(tess, cloud_api, seeded_fleet.users["tech"], "/tickets")
    expect(tess.get_by_test_id("filter-assignee")).to_have_value("me")
    expect(tess.get_by_test_id("ticket-card")).to_have_count(1)
    expect(tess.get_by_test_id("ticket-card")).to_have_attribute("data-ticket-id", ticket_id)
    tess.get_by_test_id("filter-assignee").select_option("")
    toms = tess.locator(f'[data-testid="ticket-card"][data-ticket-id="{seeded_fleet.in_progress_ticket_id}"]')
    expect(toms.get_by_test_id("assignee")).to_have_text("Assigned to Tom Tech")
    expect(toms.get_by_role("button")).to_have_count(0)
    expect(tess.get_by_test_id("assign-technician")).to_have_count(0)


def test_an_engineer_drags_a_ticket_through_the_columns_and_resolves_it_as_a_false_alarm(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser, database_url: str
) -> None:
    page = new_page(browser)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], "/tickets")
    ticket_id = seeded_fleet.open_ticket_id

    def card_in(status: str) -> Locator:
        return page.get_by_test_id(f"ticket-column-{status}").locator(f'[data-ticket-id="{ticket_id}"]')

    # Skipping a step is refused: dropped on Resolved, an open card stays where it is.
    card_in("OPEN").drag_to(page.get_by_test_id("ticket-column-RESOLVED"))
    expect(card_in("OPEN").get_by_test_id("resolve-form")).to_have_count(0)
    card_in("OPEN").drag_to(page.get_by_test_id("ticket-column-IN_PROGRESS"))
    expect(card_in("IN_PROGRESS")).to_have_attribute("data-status", "IN_PROGRESS")
    card_in("IN_PROGRESS").drag_to(page.get_by_test_id("ticket-column-RESOLVED"))
    form = card_in("IN_PROGRESS").get_by_test_id("resolve-form")
    form.get_by_label("False alarm").check()
    form.get_by_role("button", name="Resolve ticket").click()
    expect(card_in("RESOLVED").get_by_test_id("ticket-outcome")).to_have_text("False alarm")
    row = ticket_row(database_url, ticket_id)
    assert (row.status, row.outcome, row.root_cause) == ("RESOLVED", "FALSE_ALARM", None)


def test_live_stream_updates_an_open_board_and_fleet_without_a_reload(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser, database_url: str
) -> None:
    page = new_page(browser)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], "/tickets")
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-state", "live")
    ticket_id = seeded_fleet.open_ticket_id
    expect(
        page.get_by_test_id("ticket-column-OPEN").locator(f'[data-ticket-id="{ticket_id}"]')
    ).to_be_visible()

    # Someone else starts work on the ticket through the API: the open board follows.
    token = token_for(cloud_api, seeded_fleet.users["admin"])
    api_call(cloud_api, "PATCH", f"/api/tickets/{ticket_id}", {"status": "IN_PROGRESS"}, token)
    moved = page.get_by_test_id("ticket-column-IN_PROGRESS").locator(f'[data-ticket-id="{ticket_id}"]')
    expect(moved).to_be_visible(timeout=LIVE_WITHIN_MS)

    # A new prediction for a quiet machine shows on the fleet view as it is stored.
    page.get_by_role("link", name="Fleet").click()
    press = seeded_fleet.machines[2]
    card = page.locator(f'[data-testid="machine-card"][data-machine-id="{press.id}"]')
    expect(card.get_by_test_id("risk-value")).to_have_text("12%")
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO predictions (id, machine_id, timestamp, failure_prob, is_anomaly, anomaly_score,"
                " model_version, gateway_id, seq) VALUES (gen_random_uuid(), :m, now(), 0.97, true, 3.2,"
                " 'm-2026.11.1', :gw, 999999)"
            ),
            {"m": press.id, "gw": press.gateway_id},
        )
    engine.dispose()
    expect(card.get_by_test_id("risk-value")).to_have_text("97%", timeout=LIVE_WITHIN_MS)


def test_ticket_board_shows_the_apis_conflict_message_when_it_was_stale(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser
) -> None:
    page = new_page(browser)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], "/tickets")
    ticket_id = seeded_fleet.open_ticket_id
    card = page.get_by_test_id("ticket-column-OPEN").locator(f'[data-ticket-id="{ticket_id}"]')
    expect(card).to_be_visible()

    # Freeze the board's refreshes (the open stream still tells it to refetch) while someone else starts it.
    def refuse(route: Route) -> None:
        route.abort()

    page.route(lambda url: "/api/tickets?" in url or "/api/stream" in url, refuse)
    token = token_for(cloud_api, seeded_fleet.users["admin"])
    api_call(cloud_api, "PATCH", f"/api/tickets/{ticket_id}", {"status": "IN_PROGRESS"}, token)

    card.get_by_test_id("advance-ticket").click()
    expect(card.get_by_role("alert")).to_contain_text("IN_PROGRESS")
    shot(page, "dashboard-tickets-conflict")

    # Once the API answers again, the board repairs itself (lists whose refresh failed poll again).
    page.unroute_all()
    moved = page.get_by_test_id("ticket-column-IN_PROGRESS").locator(f'[data-ticket-id="{ticket_id}"]')
    expect(moved).to_have_attribute("data-status", "IN_PROGRESS", timeout=LIVE_WITHIN_MS)


def test_gateways_view_shows_status_backlog_drops_and_clock(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser
) -> None:
    page = new_page(browser)
    sign_in(page, cloud_api, seeded_fleet.users["tech"], "/gateways")
    rows = page.get_by_test_id("gateway-row")
    expect(rows).to_have_count(2)
    offline = page.locator('[data-testid="gateway-row"][data-gateway-id="gw-02"]')
    expect(offline).to_contain_text("Offline")
    expect(offline).to_contain_text("312")
    expect(offline).to_contain_text("17")
    expect(offline).to_contain_text("m-2026.11.1")
    expect(offline).to_contain_text("10 min behind")
    online = page.locator('[data-testid="gateway-row"][data-gateway-id="gw-01"]')
    expect(online).to_contain_text("Online")
    expect(online).to_contain_text("in sync")
    shot(page, "dashboard-gateways")


def test_gateways_view_shows_refused_rows_and_an_engineer_approves_a_pending_machine(
    cloud_api: str, seeded_fleet: SeededFleet, browser: Browser, database_url: str
) -> None:
    engine = sa.create_engine(database_url)
    pending_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE gateways SET foreign_rows = 9 WHERE id = 'gw-02'"))
        conn.execute(
            sa.text(
                "INSERT INTO machines (id, name, type, gateway_id, pending)"
                " VALUES (:id, 'Lathe 05', 'lathe', 'gw-01', true)"
            ),
            {"id": pending_id},
        )
    engine.dispose()
    page = new_page(browser)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], "/gateways")
    expect(page.locator('[data-gateway-id="gw-02"] [data-testid="gateway-refused"]')).to_have_text("9")
    expect(page.locator('[data-gateway-id="gw-01"] [data-testid="gateway-pending"]')).to_contain_text(
        "1 pending"
    )
    row = page.locator(f'[data-testid="pending-machine"][data-machine-id="{pending_id}"]')
    expect(row).to_contain_text("Lathe 05")
    shot(page, "dashboard-gateways-pending")
    row.get_by_role("button", name="Approve for gw-01").click()
    expect(page.get_by_test_id("pending-machine")).to_have_count(0)
    expect(page.get_by_text("No machine is waiting for approval.")).to_be_visible()
    expect(page.locator('[data-gateway-id="gw-01"] [data-testid="gateway-pending"]')).to_have_count(0)
