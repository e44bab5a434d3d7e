"""Ticket outcomes as training data: the readings behind a resolved ticket, labelled by what was found.

A technician resolving a ticket records CONFIRMED_FAULT (with a root cause) or FALSE_ALARM. The readings
the model saw before the ticket (the window ending at the prediction that opened it, plus a few before)
become labelled windows: a confirmed fault's are positives, a false alarm's negatives -- exactly the cases
the model got wrong or right in the field, so they count more than one simulated window each. When the
technician also names the failure mode found (``found_fault``, one of the simulator's modes), the same
windows teach the fault classifier that mode -- whatever the ticket's title guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from contract.features import N_FEATURES, SIGNALS, batch_features
from model_registry.training.train import ExtraExamples
from simulator.failures import FAILURE_MODES

# Each outcome window counts this many simulated windows: a handful of field labels must be able to move
# a forest trained on tens of thousands of simulated windows.
DEFAULT_OUTCOME_WEIGHT = 20.0


@dataclass(frozen=True)
class OutcomeExample:
    """The readings behind one resolved ticket and its label."""

    ticket_id: str
    machine_id: str
    label: int  # 1 = confirmed fault, 0 = false alarm
    root_cause: str | None
    fault: str  # the mode the ticket was opened for (the model's guess)
    model_version: str
    window_start: datetime
    window_end: datetime
    readings: np.ndarray  # (T, 3) temperature, vibration, rpm in time order
    found_fault: str | None = None  # the mode the technician found; None = not said

    @property
    def fault_mode(self) -> int | None:
        """Index in ``FAILURE_MODES`` of the mode found, when this example can teach the fault classifier."""
        if self.label != 1 or self.found_fault not in FAILURE_MODES:
            return None
        return FAILURE_MODES.index(self.found_fault)

    def summary(self) -> dict[str, Any]:
        """The example as the manifest records it (no readings)."""
        return {
            "ticket_id": self.ticket_id,
            "machine_id": self.machine_id,
            "label": self.label,
            "root_cause": self.root_cause,
            "fault": self.fault,
            "found_fault": self.found_fault,
            "model_version": self.model_version,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "readings": int(self.readings.shape[0]),
        }


def outcome_rows(
    examples: Sequence[OutcomeExample], window: int, weight: float = DEFAULT_OUTCOME_WEIGHT
) -> ExtraExamples:
    """Feature rows of every full window of every example, with its label and ``weight``; the rows of
    examples whose failure mode was found also as fault-classifier rows."""
    features, labels, fault_features, fault_modes = [], [], [], []
    for example in examples:
        if example.readings.shape[0] < window:
            continue
        views = sliding_window_view(example.readings, (window, len(SIGNALS)))[:, 0]
        rows = batch_features(views)
        features.append(rows)
        labels.append(np.full(views.shape[0], example.label, dtype=np.int8))
        if example.fault_mode is not None:
            fault_features.append(rows)
            fault_modes.append(np.full(views.shape[0], example.fault_mode, dtype=np.int64))
    if not features:
        empty = np.empty((0, N_FEATURES), dtype=np.float32)
        return ExtraExamples(empty, np.empty(0, dtype=np.int8), np.empty(0))
    all_labels = np.concatenate(labels)
    extra = ExtraExamples(np.concatenate(features), all_labels, np.full(all_labels.shape[0], weight))
    if not fault_modes:
        return extra
    modes = np.concatenate(fault_modes)
    return replace(
        extra,
        fault_features=np.concatenate(fault_features),
        fault_modes=modes,
        fault_weights=np.full(modes.shape[0], weight),
    )
