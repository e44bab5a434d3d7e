"""Each evidence channel scores what it is meant to see, and nothing on data that hides it."""

from __future__ import annotations

import numpy as np
import pytest

from model_registry.anomaly.channels import LevelChannel, RangeRule, tail_score

pytestmark = pytest.mark.unit


def test_tail_score_is_one_half_at_one_in_a_hundred_thousand() -> None:
    # The upper Gaussian tail beyond 4.2649 standard deviations is 1e-5.
    assert tail_score(4.2649) == pytest.approx(0.5, abs=1e-4)
    assert tail_score(0.0) == pytest.approx(np.log(0.5) / np.log(1e-10))
    assert tail_score(50.0) == 1.0


def _feed(channel: LevelChannel | RangeRule, values: np.ndarray) -> np.ndarray:
    return np.array([channel.update(float(v)) for v in values])


def test_level_channel_flags_a_level_the_history_rarely_visits() -> None:
    values = np.random.default_rng(1).normal(50.0, 1.0, 400)
    values[300:] -= 8.0
    scores = _feed(LevelChannel(span=16, history=250), values)
    assert scores[:300].max() < 0.5
    flagged = np.flatnonzero(scores >= 0.5)
    assert flagged.size and 300 <= flagged[0] < 316  # within one span of the shift


def test_level_channel_uses_the_mean_deviation_when_most_values_are_equal() -> None:
    # Mostly zeros (a MAD of 0) with sparse activity: the level of a busy stretch still gets a finite z.
    values = np.zeros(400)
    values[::4] = 1.0
    values[350:] = 3.0
    scores = _feed(LevelChannel(span=16, history=250), values)
    assert np.all(np.isfinite(scores)) and scores[:350].max() < 0.5
    assert scores[365:].max() >= 0.5


def test_level_channel_is_silent_on_a_constant_reference() -> None:
    values = np.full(300, 7.0)
    values[-1] = 9.0
    assert _feed(LevelChannel(span=4, history=50), values).max() == 0.0


def test_range_rule_flags_a_value_past_the_tolerated_range_only_after_its_warmup() -> None:
    rule = RangeRule(tolerance=0.05, warmup=100)
    base = np.tile([0.0, 10.0], 60)
    scores = _feed(rule, base)
    assert scores.max() == 0.0
    assert rule.update(10.4) == 0.0  # within 5 % of the range (0.5)
    assert rule.update(11.0) == 1.0  # past 10.4 + 5 % of 10.4
    assert rule.update(-0.6) == 1.0  # below 0 - 5 % of 11


def test_range_rule_is_quiet_while_the_range_is_young() -> None:
    rule = RangeRule(tolerance=0.05, warmup=100)
    assert _feed(rule, np.arange(99.0)).max() == 0.0  # every row a new record, before the warm-up ends
