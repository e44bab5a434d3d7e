"""Bring your own data: a failure-within-horizon model from a historian export, judged after a split time.

Features are computed generically per signal over windows of the last ``window`` readings of a machine
(mean, standard deviation, least-squares slope, last, min, max -- the statistics of
``contract.features``, for any number of signals). A window is labelled 1 when the machine's next
failure comes within the horizon of the window's last reading; windows that span a failure (the machine
stopped or was repaired inside them) are left out. Windows ending before ``split_at`` train the model
(its decision threshold is the best-F1 one on out-of-bag predictions), the others test it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import precision_recall_fscore_support

from model_registry.training.errors import DatasetError
from model_registry.training.evaluate import best_f1_threshold
from model_registry.training.historian import HistorianData

DEFAULT_WINDOW = 30
STATISTICS = ("mean", "std", "slope", "last", "min", "max")
# A failure counts as warned when an alarm came within this many horizons before it (earlier = unrelated).
LEAD_LOOKBACK_HORIZONS = 2.0
_HOUR_S = 3600.0


@dataclass(frozen=True)
class TabularConfig:
    """Window, horizon and forest size of a bring-your-own-data model."""

    horizon_s: float
    window: int = DEFAULT_WINDOW
    trees: int = 100
    min_samples_leaf: int = 5
    seed: int = 0


def generic_features(windows: np.ndarray) -> np.ndarray:
    """Per-signal statistics of ``(N, W, S)`` windows -> ``(N, S * 6)`` float32 (signal-major order)."""
    w = np.asarray(windows, dtype=np.float64)
    mean = w.mean(axis=1)
    t = np.arange(w.shape[1], dtype=np.float64) - (w.shape[1] - 1) / 2.0
    slope = np.einsum("t,nts->ns", t, w - mean[:, None, :]) / float(t @ t)
    stats = np.stack([mean, w.std(axis=1), slope, w[:, -1, :], w.min(axis=1), w.max(axis=1)], axis=2)
    return stats.reshape(w.shape[0], -1).astype(np.float32)


def feature_names(signals: tuple[str, ...]) -> list[str]:
    """Names of ``generic_features`` columns, e.g. ``temperature_slope``."""
    return [f"{signal}_{stat}" for signal in signals for stat in STATISTICS]


@dataclass(frozen=True)
class Windows:
    """Feature rows with their machine, end time, time to the next failure and label."""

    features: np.ndarray
    machine: np.ndarray
    end_s: np.ndarray
    ttf_s: np.ndarray
    labels: np.ndarray


def build_windows(data: HistorianData, config: TabularConfig) -> Windows:
    """Every usable window of every machine, labelled by its time to the machine's next failure."""
    parts = []
    for machine, series in data.machines.items():
        if series.times.size < config.window:
            continue
        views = sliding_window_view(series.values, (config.window, series.values.shape[1]))[:, 0]
        start_s = series.times[: series.times.size - config.window + 1]
        end_s = series.times[config.window - 1 :]
        nxt = np.searchsorted(series.failures, end_s, side="left")
        ttf = np.full(end_s.size, np.inf)
        has_next = nxt < series.failures.size
        ttf[has_next] = series.failures[nxt[has_next]] - end_s[has_next]
        # A failure inside (start, end] mixes the broken (or repaired) machine with the one before.
        prev = np.searchsorted(series.failures, end_s, side="right") - 1
        spans = (
            (prev >= 0) & (series.failures[np.maximum(prev, 0)] > start_s)
            if series.failures.size
            else np.zeros(end_s.size, bool)
        )
        keep = ~spans
        parts.append(
            (
                generic_features(views[keep]),
                np.full(int(keep.sum()), machine, dtype=object),
                end_s[keep],
                ttf[keep],
                (ttf[keep] <= config.horizon_s).astype(np.int8),
            )
        )
    if not parts:
        raise DatasetError(f"no machine has {config.window} readings (the window); nothing to learn from")
    return Windows(*(np.concatenate(cols) for cols in zip(*parts, strict=True)))


def lead_times_h(
    test: Windows, flagged: np.ndarray, failures: dict[str, np.ndarray], split_s: float, horizon_s: float
) -> tuple[list[float], int]:
    """Hours from the first alarm to each failure after the split (and how many failures there were)."""
    leads: list[float] = []
    count = 0
    lookback = LEAD_LOOKBACK_HORIZONS * horizon_s
    for machine, times in failures.items():
        rows = test.machine == machine
        for tf in times[times > split_s]:
            count += 1
            # Alarms in the run-up to this failure only: after the previous failure and within the lookback.
            earlier = times[times < tf]
            since = max(tf - lookback, float(earlier[-1]) if earlier.size else -np.inf)
            hits = rows & flagged & (test.end_s < tf) & (test.end_s > since)
            if hits.any():
                leads.append(round(float(tf - test.end_s[hits].min()) / _HOUR_S, 2))
    return leads, count


def train_and_evaluate(data: HistorianData, split_s: float, config: TabularConfig) -> dict[str, Any]:
    """Train on windows before ``split_s``, evaluate after it; returns the metrics as plain values."""
    windows = build_windows(data, config)
    train = windows.end_s < split_s
    if len(np.unique(windows.labels[train])) < 2:
        raise DatasetError(
            "the rows before --split-at need both failures within the horizon and healthy stretches"
        )
    if not (~train).any():
        raise DatasetError("no rows after --split-at: nothing to evaluate on")
    forest = RandomForestClassifier(
        n_estimators=config.trees,
        min_samples_leaf=config.min_samples_leaf,
        class_weight="balanced_subsample",
        oob_score=True,
        n_jobs=1,
        random_state=config.seed,
    ).fit(windows.features[train], windows.labels[train])
    oob = np.nan_to_num(forest.oob_decision_function_[:, 1])
    threshold = best_f1_threshold(windows.labels[train], oob)
    test = Windows(
        *(getattr(windows, f)[~train] for f in ("features", "machine", "end_s", "ttf_s", "labels"))
    )
    flagged = forest.predict_proba(test.features)[:, 1] >= threshold
    precision, recall, f1, _ = precision_recall_fscore_support(
        test.labels, flagged.astype(np.int8), average="binary", zero_division=0.0
    )
    failures = {m: s.failures for m, s in data.machines.items()}
    leads, n_failures = lead_times_h(test, flagged, failures, split_s, config.horizon_s)
    return {
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
        "median_lead_h": round(float(np.median(leads)), 2) if leads else None,
        "failures_after_split": n_failures,
        "failures_warned": len(leads),
        "threshold": round(float(threshold), 4),
        "train_windows": int(train.sum()),
        "test_windows": int((~train).sum()),
        "test_positives": int(test.labels.sum()),
        "signals": list(data.signals),
        "machines": len(data.machines),
        "window": config.window,
        "horizon_h": round(config.horizon_s / _HOUR_S, 3),
    }
