"""Schedule definitions from outside are validated into rules whose due dates are sane, whatever is sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from cloud.pm import rules
from cloud.pm.schemas import EveryRule, MonthDayRule, PmScheduleIn, RunningHoursRule

pytestmark = pytest.mark.unit

MACHINE = "0190d6a4-0000-7000-8000-000000000001"


def test_day_of_month_falls_on_the_last_day_of_a_shorter_month() -> None:
    rule = MonthDayRule(day=31)
    assert rules.calendar_due(rule, datetime(2027, 1, 31, 8, tzinfo=UTC)) == datetime(2027, 2, 28, tzinfo=UTC)
    assert rules.calendar_due(rule, datetime(2027, 12, 31, 8, tzinfo=UTC)) == datetime(
        2028, 1, 31, tzinfo=UTC
    )
    assert rules.calendar_due(MonthDayRule(day=15), datetime(2027, 3, 1, tzinfo=UTC)) == datetime(
        2027, 3, 15, tzinfo=UTC
    )


def test_every_n_weeks_and_the_lead_time() -> None:
    baseline = datetime(2027, 1, 1, tzinfo=UTC)
    due = rules.calendar_due(EveryRule(every=2, unit="weeks"), baseline)
    assert due == baseline + timedelta(days=14)
    assert rules.open_at(due, 3) == baseline + timedelta(days=11)


def test_a_meter_is_extrapolated_at_its_rate_and_due_once_reached() -> None:
    rule = RunningHoursRule(every=100)
    baseline = datetime(2027, 1, 1, tzinfo=UTC)
    # 25 hours used in 2 days: 75 more take 6 more days.
    assert rules.meter_due(rule, 25, baseline, baseline + timedelta(days=2)) == baseline + timedelta(days=8)
    assert rules.meter_due(rule, 100, baseline, baseline + timedelta(days=2)) == baseline + timedelta(days=2)
    assert rules.meter_due(rule, 0, baseline, baseline + timedelta(days=2)) is None


def test_a_pull_forward_stays_within_its_limit_and_never_goes_into_the_past() -> None:
    now = datetime(2027, 1, 10, tzinfo=UTC)
    assert rules.pulled_forward(now + timedelta(days=20), now, 7) == now + timedelta(days=13)
    assert rules.pulled_forward(now + timedelta(days=3), now, 7) == now
    assert rules.pulled_forward(now - timedelta(days=1), now, 7) == now - timedelta(days=1)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
rule_dicts = st.one_of(
    st.fixed_dictionaries(
        {
            "kind": st.just("every"),
            "every": json_values | st.integers(-5, 5000),
            "unit": st.sampled_from(["days", "weeks", "months"]),
        }
    ),
    st.fixed_dictionaries({"kind": st.just("day_of_month"), "day": json_values | st.integers(-2, 40)}),
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["running_hours", "starts", "counter", "bogus"]),
            "every": json_values | st.floats(),
            "signal": st.sampled_from(["rpm", "vibration", "pressure", ""]),
        }
    ),
    json_values,
)


@given(
    rule=rule_dicts,
    lead=json_values | st.floats(),
    pull=json_values | st.floats(),
    checklist=st.lists(st.text(max_size=40), max_size=5) | json_values,
    baseline=st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2199, 1, 1), timezones=st.just(UTC)
    ),
)
def test_any_schedule_definition_is_refused_clearly_or_gives_a_due_date_after_its_baseline(
    rule: Any, lead: Any, pull: Any, checklist: Any, baseline: datetime
) -> None:
    body = {
        "name": "Grease",
        "machine_id": MACHINE,
        "rule": rule,
        "lead_days": lead,
        "max_pull_forward_days": pull,
        "checklist": checklist,
    }
    try:
        schedule = PmScheduleIn.model_validate(body)
    except ValidationError as exc:
        assert exc.errors() and all(e["msg"] for e in exc.errors())
        return
    assert schedule.lead_days >= 0 and schedule.max_pull_forward_days >= 0
    if isinstance(schedule.rule, EveryRule | MonthDayRule):
        due = rules.calendar_due(schedule.rule, baseline)
        assert baseline < due <= baseline + timedelta(days=3660)
        opens = rules.open_at(
            rules.pulled_forward(due, baseline, schedule.max_pull_forward_days), schedule.lead_days
        )
        assert opens <= due
