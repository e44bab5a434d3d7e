"""A ticket's drivers turned into signal lines in plant units (pure logic)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloud.engine.explain import Baseline
from cloud.engine.signals import signal_drivers, signal_of

pytestmark = pytest.mark.unit

BASELINE = Baseline(
    mean={"vibration_mean": 2.1, "temperature_mean": 60.0},
    std={"vibration_mean": 0.6, "temperature_mean": 3.0},
    samples=40,
)


def test_each_driving_signal_gets_one_line_in_its_unit_against_the_types_normal() -> None:
    drivers = [
        {"feature": "vibration_slope", "z": 9.1},
        {"feature": "vibration_per_krpm", "z": 6.0},  # same signal: one line, the first driver's
        {"feature": "temperature_max", "z": 4.2},
        {"feature": "humidity_mean", "z": 3.0},  # not a signal this platform knows: no line
    ]
    features = {"vibration_mean": 7.3, "temperature_mean": 71.0}

    lines = signal_drivers(drivers, features, BASELINE, {"vibration": 0.4})

    assert [line["signal"] for line in lines] == ["vibration", "temperature"]
    assert lines[0] == {
        "signal": "vibration",
        "label": "Vibration",
        "unit": "mm/s",
        "value": 7.3,
        "normal_mean": 2.1,
        "normal_std": 0.6,
        "trend_per_hour": 0.4,
        "feature": "vibration_slope",
        "z": 9.1,
    }
    assert lines[1]["unit"] == "°C" and lines[1]["trend_per_hour"] is None


def test_a_signal_is_named_by_its_features_prefix_only() -> None:
    assert signal_of("rpm_slope") == "rpm"
    assert signal_of("temperature_per_krpm") == "temperature"
    assert signal_of("rpmx_mean") is None


@given(
    st.dictionaries(
        st.sampled_from(["vibration_mean", "temperature_mean", "rpm_mean", "rpm_slope"]),
        st.floats(allow_nan=True, allow_infinity=True),
    ),
    st.floats(allow_nan=True, allow_infinity=True),
)
def test_lines_never_carry_a_figure_json_cannot_hold(features: dict[str, float], trend: float) -> None:
    drivers = [{"feature": name, "z": 1.0} for name in features]
    lines = signal_drivers(drivers, features, BASELINE, {"rpm": trend, "vibration": trend})
    for line in lines:
        for key in ("value", "normal_mean", "normal_std", "trend_per_hour"):
            assert line[key] is None or math.isfinite(line[key])
    json.dumps(lines, allow_nan=False)
