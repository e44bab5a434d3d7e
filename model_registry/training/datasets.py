"""Labelled feature windows from run-to-failure simulations.

Each window of ``window`` samples ending at sample ``e`` becomes one row of
``contract.features.batch_features`` (the one feature definition the agent uses too), labelled 1 when
the machine breaks down within ``horizon_s`` simulated seconds of ``e``. Windows that reach the breakdown
or later are left out: a stopped machine is not a prediction problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from contract.features import DEFAULT_WINDOW, SIGNALS, batch_features
from model_registry.training.errors import DatasetError
from simulator.fleet import MachineRun

# Default prediction horizon: "will this machine fail within the next day?"
DEFAULT_HORIZON_S = 24 * 3600.0
_NO_MODE = ""


@dataclass(frozen=True)
class WindowDataset:
    """Feature rows and their ground truth, one row per window."""

    features: np.ndarray  # (N, N_FEATURES) float32
    labels: np.ndarray  # (N,) int8: 1 = breakdown within the horizon
    time_to_failure_s: np.ndarray  # (N,) at the window's last sample; inf when no fault develops
    run_index: np.ndarray  # (N,) index of the run (machine) in the input list
    end_index: np.ndarray  # (N,) index of the window's last sample within its run
    failure_mode: np.ndarray  # (N,) the run's failure mode, "" for a healthy machine

    @property
    def healthy(self) -> np.ndarray:
        """Mask of windows with no fault developing (what the anomaly detector learns as normal)."""
        return np.isinf(self.time_to_failure_s)

    def __len__(self) -> int:
        return int(self.labels.shape[0])


def windows_of_run(
    run: MachineRun, window: int = DEFAULT_WINDOW, stride: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Windows of one run before its breakdown, shape (n, window, 3), and the index of each last sample."""
    usable = run.samples if run.failed_at is None else run.samples[: run.failed_at]
    if usable.shape[0] < window:
        return np.empty((0, window, len(SIGNALS))), np.empty(0, dtype=np.int64)
    views = sliding_window_view(usable, (window, len(SIGNALS)))[:, 0]
    ends = np.arange(window - 1, usable.shape[0])
    return views[::stride], ends[::stride]


def build_dataset(
    runs: Sequence[MachineRun],
    *,
    window: int = DEFAULT_WINDOW,
    horizon_s: float = DEFAULT_HORIZON_S,
    stride: int = 1,
) -> WindowDataset:
    """Features and labels of every window of ``runs`` (every ``stride``-th window, to thin the data)."""
    if window < 2 or stride < 1 or horizon_s <= 0:
        raise DatasetError(
            f"need window >= 2, stride >= 1, horizon_s > 0; got {window}, {stride}, {horizon_s}"
        )
    parts: list[tuple[np.ndarray, ...]] = []
    for i, run in enumerate(runs):
        wins, ends = windows_of_run(run, window, stride)
        if len(ends) == 0:
            continue
        ttf = run.time_to_failure_s[ends]
        parts.append(
            (
                batch_features(wins),
                (ttf <= horizon_s).astype(np.int8),
                ttf,
                np.full(len(ends), i),
                ends,
                np.full(len(ends), run.failure or _NO_MODE, dtype=object),
            )
        )
    if not parts:
        raise DatasetError(f"no run is longer than the window of {window} samples")
    features, labels, ttf, run_index, end_index, modes = (
        np.concatenate(cols) for cols in zip(*parts, strict=True)
    )
    return WindowDataset(features, labels, ttf, run_index, end_index, modes)
