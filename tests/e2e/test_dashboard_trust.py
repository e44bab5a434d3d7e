"""What the screen says can be trusted, in a real headless Chromium against the real API and PostgreSQL.

A ticket opened by the real ticket engine says why in plant units, with the actions first on a phone, a chart
of its driving signals with the "ticket opened" marker, and what followed Resolve; a tripped machine and a
silent one count as needing attention while a stale risk, or one from before a repair, is marked so and not
counted; the machine charts open at a range that fits young data, mark tickets and stops, speak 24-hour
time and let the risk overlay be switched off.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SeededFleet
from tests.e2e.test_dashboard import (
    COUNT_SERIES_PIXELS,
    PHONE,
    SERIES_RGB,
    new_page,
    pin_clock,
    shot,
    sign_in,
)

pytestmark = pytest.mark.e2e

# Marker colours (dashboard/src/components/chart-helpers.ts MARKER_COLORS).
OPENED_RGB = [0xDB, 0x27, 0x77]
RESOLVED_RGB = [0x15, 0x80, 0x3D]
# A marker is a dashed line the plot's height: a few dozen pixels at least; the axes never use its colour.
MIN_MARKER_PIXELS = 30
# Healthy pumps vibrate around 2.1 mm/s; Pump 09 has reached 7.3.
HEALTHY_VIBRATION = (1.5, 2.1, 2.7)
FAILING_VIBRATION = 7.3


def wait_for_marker(page: Page, chart: str, rgb: list[int]) -> None:
    """Wait until ``chart``'s canvas shows a marker drawn in ``rgb``."""
    page.wait_for_function(
        f"([t, c]) => ({COUNT_SERIES_PIXELS})([t, c]) >= {MIN_MARKER_PIXELS}", arg=[chart, rgb]
    )


@dataclass(frozen=True)
class Plant:
    """The machines this module adds to the seeded fleet, by what they show."""

    tripped: str
    stale: str
    repaired: str
    silent: str
    failing_pump: str


def _features(vibration: float) -> str:
    return json.dumps(
        {
            "vibration_mean": vibration,
            "vibration_slope": 0.0,
            "temperature_mean": 61.0,
            "temperature_slope": 0.0,
            "rpm_mean": 1480.0,
            "rpm_slope": 0.0,
        }
    )


@pytest.fixture
def plant(database_url: str, seeded_fleet: SeededFleet) -> Plant:
    """Beside the seeded fleet: a tripped CNC spindle, a pump whose risk is two minutes old, a fan whose risk
    predates its repair, a silent mill, and a failing pump the real ticket engine opens a ticket for."""
    from cloud.db import make_engine, session_factory
    from cloud.engine.runner import TicketEngine

    now = seeded_fleet.seeded_at
    ids = {name: str(uuid.uuid4()) for name in ("cnc", "pump6", "fan7", "mill8", "pump9", "pump10")}
    machines = [
        (ids["cnc"], "CNC 05", "cnc_spindle", timedelta(minutes=10)),
        (ids["pump6"], "Pump 06", "pump", timedelta(hours=1)),
        (ids["fan7"], "Fan 07", "fan", timedelta(minutes=12)),
        (ids["mill8"], "Mill 08", "mill", timedelta(hours=1)),
        (ids["pump9"], "Pump 09", "pump", timedelta(minutes=12)),
        (ids["pump10"], "Pump 10", "pump", timedelta(hours=1)),
    ]
    readings: list[dict[str, object]] = []
    predictions: list[dict[str, object]] = []

    def reading(machine: str, age_s: float, rpm: float, vibration: float = 2.0) -> None:
        readings.append(
            {
                "id": str(uuid.uuid4()),
                "m": machine,
                "ts": now - timedelta(seconds=age_s),
                "v": vibration,
                "rpm": rpm,
                "seq": len(readings),
            }
        )

    def prediction(
        machine: str, age_s: float, risk: float, features: str = "{}", fault: str | None = None
    ) -> None:
        predictions.append(
            {
                "id": str(uuid.uuid4()),
                "m": machine,
                "ts": now - timedelta(seconds=age_s),
                "p": risk,
                "seq": 500_000 + len(predictions),
                "features": features,
                "fault": fault,
            }
        )

    # CNC 05 ran at 12,000 rpm, then stopped two minutes ago with a low risk and an open ticket: tripped.
    for age in range(600, 0, -5):
        reading(ids["cnc"], age, 12_000.0 if age > 120 else 2.0)
    prediction(ids["cnc"], 3, 0.16)
    # Pump 06 runs, but its newest risk (97 %) is two minutes old.
    for age in range(300, 0, -5):
        reading(ids["pump6"], age, 1480.0)
    prediction(ids["pump6"], 120, 0.97, fault="bearing_wear")
    # Fan 07's 98 % came 20 s ago, before its ticket was resolved 10 s ago.
    for age in range(600, 0, -5):
        reading(ids["fan7"], age, 900.0)
    prediction(ids["fan7"], 20, 0.98, fault="imbalance")
    # Mill 08 has been silent for five minutes.
    for age in range(900, 299, -10):
        reading(ids["mill8"], age, 1200.0)
    prediction(ids["mill8"], 305, 0.1)
    # Pump 10 is a healthy pump (the baseline); Pump 09's vibration climbs to 7.3 mm/s over ten minutes.
    for age in range(600, 0, -10):
        reading(ids["pump10"], age, 1480.0)
    for k, vibration in enumerate(HEALTHY_VIBRATION):
        for s in range(5):
            prediction(ids["pump10"], 3 + 5 * k + s, 0.05, _features(vibration))
    for age in range(600, 0, -10):
        reading(ids["pump9"], age, 1480.0, FAILING_VIBRATION - 0.5 * age / 60)
    for age in (8, 6, 4, 2, 1):
        prediction(ids["pump9"], age, 0.86, _features(FAILING_VIBRATION), "bearing_wear")

    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO machines (id, name, type, location, gateway_id, created_at)"
                " VALUES (:id, :name, :type, 'Hall A', 'gw-01', :created)"
            ),
            [{"id": i, "name": n, "type": t, "created": now - age} for i, n, t, age in machines],
        )
        conn.execute(
            sa.text(
                "INSERT INTO sensor_data (id, machine_id, timestamp, temperature, vibration, rpm,"
                " gateway_id, seq) VALUES (:id, :m, :ts, 61.0, :v, :rpm, 'gw-01', 700000 + :seq)"
            ),
            readings,
        )
        conn.execute(
            sa.text(
                "INSERT INTO predictions (id, machine_id, timestamp, failure_prob, is_anomaly, anomaly_score,"
                " model_version, gateway_id, seq, features, fault) VALUES (:id, :m, :ts, :p, false, 0.1,"
                " 'm-e2e.1', 'gw-01', :seq, CAST(:features AS jsonb), :fault)"
            ),
            predictions,
        )
        conn.execute(
            sa.text(
                "INSERT INTO maintenance_tickets (id, machine_id, title, status, priority, created_at,"
                " updated_at, resolved_at, reason, fault) VALUES"
                " (gen_random_uuid(), :cnc, 'Spindle bearing on CNC 05', 'OPEN', 'CRITICAL', :opened,"
                " :opened, NULL, '{}', 'manual'),"
                " (gen_random_uuid(), :fan, 'Imbalance on Fan 07', 'RESOLVED', 'HIGH', :fan_opened,"
                " :resolved, :resolved, '{}', 'imbalance')"
            ),
            {
                "cnc": ids["cnc"],
                "opened": now - timedelta(minutes=3),
                "fan": ids["fan7"],
                "fan_opened": now - timedelta(minutes=8),
                "resolved": now - timedelta(seconds=10),
            },
        )
    engine.dispose()
    # The real engine opens Pump 09's ticket, with its why, on the database clock of the seeding.
    db = make_engine(database_url)
    assert TicketEngine(session_factory(db), clock=lambda: now).tick().opened == 1
    db.dispose()
    return Plant(ids["cnc"], ids["pump6"], ids["fan7"], ids["mill8"], ids["pump9"])


def test_a_tripped_or_silent_machine_needs_attention_and_a_stale_risk_says_so(
    cloud_api: str, seeded_fleet: SeededFleet, plant: Plant, browser: Browser
) -> None:
    page = new_page(browser)
    pin_clock(page, seeded_fleet.seeded_at)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"])
    expect(page.get_by_test_id("machine-card")).to_have_count(10)

    tripped = page.locator(f'[data-testid="machine-card"][data-machine-id="{plant.tripped}"]')
    expect(tripped.get_by_test_id("machine-state")).to_have_text("Tripped")
    # Its risk is low and current: it is the stop with an open ticket that needs someone.
    expect(tripped.get_by_test_id("risk-value")).to_have_text("16%")
    silent = page.locator(f'[data-testid="machine-card"][data-machine-id="{plant.silent}"]')
    expect(silent.get_by_test_id("machine-state")).to_have_text("No data")
    expect(silent.get_by_test_id("reading-age")).to_have_text("no data for 5 min")

    stale = page.locator(f'[data-testid="machine-card"][data-machine-id="{plant.stale}"]')
    expect(stale.get_by_test_id("risk")).to_have_attribute("data-stale", "old")
    expect(stale.get_by_test_id("risk-stale")).to_have_text("stale: 2 min old")
    expect(stale.get_by_test_id("likely-fault")).to_have_count(0)
    repaired = page.locator(f'[data-testid="machine-card"][data-machine-id="{plant.repaired}"]')
    expect(repaired.get_by_test_id("risk")).to_have_attribute("data-stale", "before_repair")
    expect(repaired.get_by_test_id("risk-stale")).to_contain_text("from before the repair")

    # Pump 01 and Pump 09 at risk, CNC 05 tripped, Mill 08 silent; the stale 97 % and 98 % do not count.
    summary = page.get_by_test_id("stat-at-risk")
    expect(summary).to_have_attribute("data-count", "4")
    expect(summary).to_contain_text("2 at risk · 1 tripped · 1 no data")
    # Those needing attention come first.
    first_four = [
        page.get_by_test_id("machine-card").nth(i).get_attribute("data-machine-id") for i in range(4)
    ]
    assert {plant.tripped, plant.silent} <= set(first_four)
    # The header speaks about the system: no ingestion worker runs in this test, whatever the plant does.
    expect(page.get_by_test_id("health")).to_have_text("System degraded")
    shot(page, "dashboard-fleet-trust")


def test_a_ticket_says_why_in_plant_units_with_the_actions_first_on_a_phone(
    cloud_api: str, seeded_fleet: SeededFleet, plant: Plant, browser: Browser, database_url: str
) -> None:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        ticket_id = conn.execute(
            sa.text("SELECT id FROM maintenance_tickets WHERE machine_id = :m"), {"m": plant.failing_pump}
        ).scalar_one()
    page = new_page(browser, PHONE)
    pin_clock(page, seeded_fleet.seeded_at)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], f"/tickets/{ticket_id}")

    detail = page.get_by_test_id("ticket-detail")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bearing wear on Pump 09")
    driver = detail.get_by_test_id("ticket-driver").first
    expect(driver).to_have_attribute("data-signal", "vibration")
    expect(driver).to_contain_text(
        re.compile(r"^Vibration 7\.30 mm/s — normal for pumps 2\.10 ± 0\.49 — rising")
    )
    expect(driver).to_contain_text("mm/s per hour")
    expect(detail.get_by_test_id("ticket-fault")).to_have_text("Bearing wear")
    expect(detail.get_by_test_id("ticket-time-left")).to_have_text("about 24 h left")
    expect(detail.get_by_test_id("ticket-model")).to_have_text("m-e2e.1")
    # Every feature is there, folded away.
    features = detail.get_by_test_id("all-features")
    expect(features.locator("summary")).to_have_text("All features (6)")
    assert features.get_attribute("open") is None
    # A chart of the driving signals, with the "ticket opened" marker drawn on it.
    expect(detail.get_by_test_id("ticket-chart")).to_have_attribute("data-markers", "1")
    wait_for_marker(page, "chart-ticket", OPENED_RGB)

    # On a phone the actions come before the explanation, and nothing sticks out sideways.
    actions = detail.get_by_test_id("ticket-actions-card").bounding_box()
    why = detail.get_by_test_id("ticket-why").bounding_box()
    assert actions is not None and why is not None and actions["y"] < why["y"]
    assert actions["y"] < PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "dashboard-ticket-why-phone")

    detail.get_by_test_id("advance-ticket").click()
    expect(detail).to_have_attribute("data-status", "IN_PROGRESS")
    detail.get_by_test_id("resolve-ticket").click()
    form = detail.get_by_test_id("resolve-form")
    form.get_by_label("Real fault").check()
    form.get_by_label("Root cause").fill("Drive-end bearing worn")
    form.get_by_role("button", name="Resolve ticket").click()
    expect(detail).to_have_attribute("data-status", "RESOLVED")
    expect(detail.get_by_test_id("repair-sent")).to_contain_text("Repair sent to gateway gw-01 at")
    expect(detail.get_by_test_id("back-to-normal")).to_contain_text(
        "Waiting for the machine's risk to fall below 40%"
    )

    # The repaired pump's next verdict is low: the page says it is back to normal, without a reload.
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO predictions (id, machine_id, timestamp, failure_prob, is_anomaly, anomaly_score,"
                " model_version, gateway_id, seq) VALUES (gen_random_uuid(), :m, now() + interval '1 second',"
                " 0.12, false, 0.1, 'm-e2e.1', 'gw-01', 900001)"
            ),
            {"m": plant.failing_pump},
        )
    engine.dispose()
    expect(detail.get_by_test_id("back-to-normal")).to_contain_text("Back to normal at", timeout=15_000)
    expect(detail.get_by_test_id("back-to-normal")).to_contain_text("risk 12%, below the policy's 40%")
    shot(page, "dashboard-ticket-aftercare-phone")


def test_machine_charts_fit_young_data_mark_events_and_switch_the_risk_overlay(
    cloud_api: str, seeded_fleet: SeededFleet, plant: Plant, browser: Browser
) -> None:
    page = new_page(browser)
    pin_clock(page, seeded_fleet.seeded_at)
    sign_in(page, cloud_api, seeded_fleet.users["engineer"], f"/machines/{plant.tripped}")

    # Ten minutes of data: the page opens at 15 min, not an hour of empty chart.
    expect(page.get_by_role("heading", name="Last 15 min")).to_be_visible()
    expect(page.get_by_test_id("machine-state")).to_have_text("Tripped")
    # The open ticket and the stop two minutes ago are marked.
    expect(page.get_by_test_id("chart-markers")).to_have_attribute("data-count", "2")
    wait_for_marker(page, "chart-rpm", OPENED_RGB)
    # The cursor's time reads in 24-hour time.
    plot = page.get_by_test_id("chart-rpm").locator(".u-over")
    box = plot.bounding_box()
    assert box is not None
    plot.hover(position={"x": box["width"] * 0.5, "y": box["height"] / 2})
    time_cell = page.get_by_test_id("chart-rpm").locator(".u-legend .u-series").first.locator(".u-value")
    expect(time_cell).to_have_text(re.compile(r"^[0-2]\d:[0-5]\d:[0-5]\d$"))

    shot(page, "dashboard-machine-markers")

    # A resolved ticket is marked where the repair was sent.
    page.goto(f"{cloud_api}/machines/{plant.repaired}")
    expect(page.get_by_test_id("chart-markers")).to_have_attribute("data-count", "2")
    wait_for_marker(page, "chart-risk", RESOLVED_RGB)

    # The risk overlay can be switched off on the signal charts (the risk chart keeps it).
    page.goto(f"{cloud_api}/machines/{seeded_fleet.machines[0].id}")
    risk_on_rpm = f"([t, c]) => ({COUNT_SERIES_PIXELS})([t, c])"
    risk_rgb = list(SERIES_RGB["chart-risk"])
    page.wait_for_function(f"{risk_on_rpm} >= {MIN_MARKER_PIXELS}", arg=["chart-rpm", risk_rgb])
    page.get_by_test_id("toggle-risk").uncheck()
    page.wait_for_function(f"{risk_on_rpm} === 0", arg=["chart-rpm", risk_rgb])
    page.wait_for_function(f"{risk_on_rpm} >= {MIN_MARKER_PIXELS}", arg=["chart-risk", risk_rgb])
