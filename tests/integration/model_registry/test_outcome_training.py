"""Outcome labels move the model: windows confirmed as faults score higher, false alarms lower."""

from __future__ import annotations

import numpy as np
import pytest

from model_registry.training.datasets import build_dataset
from model_registry.training.train import QUICK, ExtraExamples, train_models
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
