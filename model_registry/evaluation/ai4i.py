"""Cross-validated binary ``Machine failure`` classification on AI4I 2020 (UCI dataset 601).

Features come from the sensor columns only (product type, air and process temperature, rotational speed,
torque, tool wear) plus quantities and limit flags derived from them (``ai4i_features``); the failure-mode
flags (TWF, HDF, PWF, OSF, RNF) are label leakage and never read, nor are UDI and Product ID. The model is a
RandomForest (skl2onnx converts it) that looks at every feature at every split, with the decision threshold
fixed a priori at probability 0.5: nothing is tuned on any fold.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import RepeatedStratifiedKFold

from model_registry.evaluation.ai4i_features import (
    FEATURE_NAMES,
    LIMIT_FLAGS,
    SENSOR_COLS,
    STRAIN_LIMIT,
    features,
)
from model_registry.evaluation.csvdata import column_indices, load_table, parse_float
from model_registry.evaluation.errors import CsvFormatError

TARGET = "Machine failure"
TYPE_COL = "Type"
# Threads per forest fit: the evaluation machine has 2 cores, shared with other jobs.
N_JOBS = 2


@dataclass(frozen=True, slots=True)
class Ai4iSettings:
    """Everything that defines one cross-validation run (fixed a priori, reported with the result)."""

    repeats: int = 5
    folds: int = 5
    trees: int = 200
    # All features at every split: the failure rules are thresholds on single derived features.
    max_features: float = 1.0
    seed: int = 0
    threshold: float = 0.5
    # None: ΔT in float64, as the generator compared it; 1: ΔT at the sensors' 0.1 K (see ai4i_features).
    delta_t_decimals: int | None = None


def load_ai4i(path: Path, delta_t_decimals: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix and binary target from the AI4I CSV (never reads the failure-mode columns)."""
    header, rows = load_table(path)
    t_idx, y_idx = column_indices(path, header, [TYPE_COL, TARGET])
    s_idx = column_indices(path, header, SENSOR_COLS)
    x_rows, y = [], []
    for line, row in enumerate(rows, start=2):
        type_code = row[t_idx].strip()
        if type_code not in STRAIN_LIMIT:
            raise CsvFormatError(f"{path}:{line}: column {TYPE_COL!r}: {type_code!r} is not one of L, M, H")
        sensors = [parse_float(row[i], path, line, c) for i, c in zip(s_idx, SENSOR_COLS, strict=True)]
        x_rows.append(features(type_code, *sensors, delta_t_decimals=delta_t_decimals))
        y.append(int(parse_float(row[y_idx], path, line, TARGET)))
    return np.asarray(x_rows, dtype=np.float64), np.asarray(y, dtype=np.int64)


def fit_fold(x: np.ndarray, y: np.ndarray, settings: Ai4iSettings, seed: int) -> RandomForestClassifier:
    """Fit the forest on one training fold."""
    model = RandomForestClassifier(
        n_estimators=settings.trees,
        max_features=settings.max_features,
        n_jobs=N_JOBS,
        random_state=seed,
    )
    return model.fit(x, y)


def cross_validate(path: Path, settings: Ai4iSettings | None = None) -> dict[str, object]:
    """Repeated stratified k-fold F1 / precision / recall (mean and std over all folds) and the settings."""
    settings = settings or Ai4iSettings()
    started = time.perf_counter()
    x, y = load_ai4i(path, settings.delta_t_decimals)
    cv = RepeatedStratifiedKFold(
        n_splits=settings.folds, n_repeats=settings.repeats, random_state=settings.seed
    )
    metrics: dict[str, list[float]] = {"f1": [], "precision": [], "recall": [], "limit_rules_f1": []}
    # The three limit flags OR-ed, no learning: the reference the forest is measured against on each fold.
    rules = x[:, [FEATURE_NAMES.index(f) for f in LIMIT_FLAGS]].max(axis=1) > 0.5
    for fold, (train, test) in enumerate(cv.split(x, y)):
        model = fit_fold(x[train], y[train], settings, settings.seed + fold)
        predicted = model.predict_proba(x[test])[:, 1] >= settings.threshold
        metrics["f1"].append(f1_score(y[test], predicted))
        metrics["precision"].append(precision_score(y[test], predicted, zero_division=0.0))
        metrics["recall"].append(recall_score(y[test], predicted))
        metrics["limit_rules_f1"].append(f1_score(y[test], rules[test]))
    result: dict[str, object] = {}
    for name, values in metrics.items():
        result[name] = round(float(np.mean(values)), 4)
        result[f"{name}_std"] = round(float(np.std(values)), 4)
    result.update(
        rows=len(y),
        failures=int(y.sum()),
        features=list(FEATURE_NAMES),
        model="RandomForestClassifier",
        settings=asdict(settings),
        seconds=round(time.perf_counter() - started, 1),
    )
    return result
