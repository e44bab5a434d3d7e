"""Held-out evaluation: window metrics, warning lead time per failure mode and false alarms."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
)

from model_registry.training.datasets import WindowDataset

HOUR_S = 3600.0
DAY_S = 86_400.0


def best_f1_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """The decision threshold with the best F1 on (validation) windows."""
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    return float(thresholds[int(np.argmax(f1))])


def window_metrics(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float | int]:
    """Precision, recall, F1 at ``threshold`` and the threshold-free ROC AUC and average precision."""
    predicted = (scores >= threshold).astype(np.int8)
    precision, recall, f1, _ = precision_recall_fscore_support(
        labels, predicted, average="binary", zero_division=0.0
    )
    return {
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
        "roc_auc": round(float(roc_auc_score(labels, scores)), 4),
        "average_precision": round(float(average_precision_score(labels, scores)), 4),
        "windows": int(labels.shape[0]),
        "positives": int(labels.sum()),
    }


def lead_times_h(dataset: WindowDataset, scores: np.ndarray, threshold: float) -> dict[str, list[float]]:
    """Per failure mode: simulated hours from the first window at or above ``threshold`` to the breakdown.

    Only windows while the fault develops count (alarms before its onset are false alarms, see
    ``false_alarms``); a failing machine never flagged counts as 0 h (a missed failure).
    """
    out: dict[str, list[float]] = {}
    for run in np.unique(dataset.run_index[dataset.failure_mode != ""]):
        rows = np.flatnonzero((dataset.run_index == run) & ~dataset.healthy)
        if rows.size == 0:
            continue
        flagged = rows[scores[rows] >= threshold]
        # Windows are in time order within a run, so the first flagged one gives the earliest warning.
        lead_s = float(dataset.time_to_failure_s[flagged[0]]) if flagged.size else 0.0
        out.setdefault(str(dataset.failure_mode[rows[0]]), []).append(round(lead_s / HOUR_S, 2))
    return out


def false_alarms(
    dataset: WindowDataset, scores: np.ndarray, threshold: float, sample_period_s: float
) -> dict[str, float]:
    """Alarms while no fault develops: share of such windows flagged and alarm onsets per 100 machine-days."""
    healthy = dataset.healthy
    flagged = (scores >= threshold) & healthy
    onsets = 0
    for run in np.unique(dataset.run_index[healthy]):
        rows = np.flatnonzero((dataset.run_index == run) & healthy)
        onsets += int(np.count_nonzero(np.diff(np.concatenate([[0], flagged[rows].astype(np.int8)])) == 1))
    # Windows are one sample apart when built with stride 1, so each stands for one sample period.
    machine_days = healthy.sum() * sample_period_s / DAY_S
    return {
        "healthy_window_alarm_share": round(float(flagged.sum() / max(healthy.sum(), 1)), 5),
        "alarms_per_100_machine_days": round(float(100.0 * onsets / max(machine_days, 1e-9)), 3),
    }


def summarise_leads(leads: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Median, minimum and share warned at least 24 h ahead, per failure mode."""
    return {
        mode: {
            "median_h": round(float(np.median(values)), 2),
            "min_h": round(float(np.min(values)), 2),
            "warned_24h_share": round(float(np.mean(np.asarray(values) >= 24.0)), 3),
            "machines": len(values),
        }
        for mode, values in sorted(leads.items())
    }
