"""Outcome labels move the model: windows confirmed as faults score higher, false alarms lower, and
the failure mode a technician found pulls the fault classifier towards it."""

from __future__ import annotations

import numpy as np
import pytest

from model_registry.training.datasets import build_dataset
from model_registry.training.train import QUICK, ExtraExamples, TrainedModels, train_models
from simulator.failures import FAILURE_MODES
from simulator.fleet import run_to_failure

pytestmark = pytest.mark.integration


def test_field_labels_pull_the_failure_probability_of_their_windows_their_way() -> None:
    # Field windows the simulator never labelled this way: a healthy machine's windows reported as faults.
    (healthy_run,) = run_to_failure(1, seed=4242, healthy_share=1.0)
    windows = build_dataset([healthy_run], stride=5)
    field = windows.features[:40]
    base = train_models(QUICK, seed=0)
    confirmed = train_models(
        QUICK,
        seed=0,
        extra=ExtraExamples(field, np.ones(len(field), dtype=np.int8), np.full(len(field), 20.0)),
    )
    before = base.classifier.predict_proba(field)[:, 1].mean()
    after = confirmed.classifier.predict_proba(field)[:, 1].mean()
    assert after > before + 0.2


def test_found_failure_modes_pull_the_fault_classifier_their_way() -> None:
    # A developing bearing wear's windows within the horizon, reported by technicians as cooling faults.
    (run,) = run_to_failure(1, seed=4243, healthy_share=0.0)
    windows = build_dataset([run], stride=5)
    due = ~windows.healthy & (windows.time_to_failure_s <= QUICK.horizon_s)
    field = windows.features[due][:40]
    cooling = FAILURE_MODES.index("cooling_fault")
    assert windows.failure_mode[0] != "cooling_fault"
    extra = ExtraExamples(
        field,
        np.ones(len(field), dtype=np.int8),
        np.full(len(field), 20.0),
        fault_features=field,
        fault_modes=np.full(len(field), cooling),
        fault_weights=np.full(len(field), 20.0),
    )
    base, taught = train_models(QUICK, seed=0), train_models(QUICK, seed=0, extra=extra)

    def cooling_share(models: TrainedModels) -> float:
        column = list(models.fault.classes_).index(cooling)
        return float(models.fault.predict_proba(field)[:, column].mean())

    assert cooling_share(taught) > cooling_share(base) + 0.3
