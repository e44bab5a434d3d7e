"""Ticket explanations: the features furthest from the machine type's healthy baseline."""

from __future__ import annotations

import pytest

from cloud.engine.explain import baseline_of, deviations

pytestmark = pytest.mark.unit


def test_the_most_deviating_features_come_first_with_value_baseline_and_z() -> None:
    healthy = [
        {"vibration_mean": v, "temperature_slope": 0.0 + d, "rpm_mean": 1500.0 + d}
        for v, d in ((2.0, 0.1), (2.2, -0.1))
    ]
    baseline = baseline_of(healthy)
    drivers = deviations(
        {"vibration_mean": 4.1, "temperature_slope": 0.5, "rpm_mean": 1500.0}, baseline, top=2
    )
    assert [d["feature"] for d in drivers] == ["vibration_mean", "temperature_slope"]
    first = drivers[0]
    assert first["value"] == 4.1 and first["baseline_mean"] == 2.1 and first["baseline_std"] == 0.1
    assert first["z"] == pytest.approx(20.0)
    assert drivers[1]["kind"] == "trend"


def test_no_features_or_no_baseline_explain_nothing() -> None:
    assert deviations(None, baseline_of([{"a": 1.0}])) == []
    assert deviations({"a": 1.0}, baseline_of([])) == []


def test_a_feature_that_never_moves_on_healthy_machines_gets_a_finite_z() -> None:
    drivers = deviations({"a": 2.0}, baseline_of([{"a": 1.0}, {"a": 1.0}]))
    assert drivers[0]["z"] > 1e5
