"""Ticket outcomes as weighted training rows."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from contract.features import N_FEATURES, batch_features
from model_registry.training.outcomes import OutcomeExample, outcome_rows
from simulator.failures import FAILURE_MODES

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def example(label: int, readings: int, found_fault: str | None = None) -> OutcomeExample:
    values = np.random.default_rng(readings).normal(size=(readings, 3)) + np.array([60.0, 2.0, 1500.0])
    return OutcomeExample("t", "m", label, None, "failure_risk", "m-1", NOW, NOW, values, found_fault)


def test_every_full_window_becomes_a_row_labelled_by_the_outcome_with_the_given_weight() -> None:
    confirmed, false_alarm, short = example(1, 32), example(0, 30), example(0, 10)
    rows = outcome_rows([confirmed, false_alarm, short], window=30, weight=7.0)
    assert rows.labels.tolist() == [1, 1, 1, 0]
    assert rows.weights.tolist() == [7.0] * 4
    np.testing.assert_array_equal(rows.features[0], batch_features(confirmed.readings[None, :30])[0])


def test_no_usable_outcome_gives_empty_rows_of_the_right_width() -> None:
    rows = outcome_rows([example(1, 5)], window=30)
    assert rows.features.shape == (0, N_FEATURES) and rows.labels.size == 0


def test_a_confirmed_fault_with_its_mode_found_also_teaches_the_fault_classifier() -> None:
    found = example(1, 31, found_fault="cooling_fault")
    unnamed = example(1, 32)
    unknown_mode = example(1, 30, found_fault="belt_slip")  # not a mode the model knows
    false_alarm = example(0, 30, found_fault=None)
    rows = outcome_rows([found, unnamed, unknown_mode, false_alarm], window=30, weight=5.0)
    assert rows.labels.tolist() == [1, 1, 1, 1, 1, 1, 0]
    assert rows.fault_modes.tolist() == [FAILURE_MODES.index("cooling_fault")] * 2
    assert rows.fault_weights.tolist() == [5.0, 5.0]
    np.testing.assert_array_equal(rows.fault_features, rows.features[:2])
    assert found.summary()["found_fault"] == "cooling_fault"


def test_without_a_found_mode_there_are_no_fault_rows() -> None:
    rows = outcome_rows([example(1, 32), example(0, 30)], window=30)
    assert rows.fault_features.shape == (0, N_FEATURES) and rows.fault_modes.size == 0
