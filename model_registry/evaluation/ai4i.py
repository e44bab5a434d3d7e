"""Cross-validated binary ``Machine failure`` classification on AI4I 2020 (UCI dataset 601).

Features come from the sensor columns only (product type, air and process temperature, rotational speed,
torque, tool wear) plus quantities derived from them; the failure-mode flags (TWF, HDF, PWF, OSF, RNF) are
label leakage and never read. The model is a RandomForest (skl2onnx converts it) that looks at every feature
at every split, with the decision threshold fixed a priori at probability 0.5: nothing is tuned on any fold.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import RepeatedStratifiedKFold

from model_registry.evaluation.csvdata import column_indices, load_table, parse_float
from model_registry.evaluation.errors import CsvFormatError

TARGET = "Machine failure"
TYPE_COL = "Type"
SENSOR_COLS = (
    "Air temperature [K]",
    "Process temperature [K]",
    "Rotational speed [rpm]",
    "Torque [Nm]",
    "Tool wear [min]",
)
TYPES = ("L", "M", "H")
# Overstrain limits (tool wear x torque, min·Nm) per product type, from the UCI dataset description;
# dividing by them puts the three product qualities on one scale.
STRAIN_LIMIT = {"L": 11_000.0, "M": 12_000.0, "H": 13_000.0}
FEATURE_NAMES = (
    "type_L",
    "type_M",
    "type_H",
    *SENSOR_COLS,
    "temp_difference_K",
    "power_W",
    "wear_x_torque",
    "strain_ratio",
)


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


def features(
    type_code: str, air: float, process: float, rpm: float, torque: float, wear: float
) -> list[float]:
    """One feature row from one process run's sensor values."""
    power = torque * rpm * 2.0 * math.pi / 60.0
    strain = wear * torque
    one_hot = [1.0 if type_code == t else 0.0 for t in TYPES]
    derived = [process - air, power, strain, strain / STRAIN_LIMIT[type_code]]
    return [*one_hot, air, process, rpm, torque, wear, *derived]


def load_ai4i(path: Path) -> tuple[np.ndarray, np.ndarray]:
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
        x_rows.append(features(type_code, *sensors))
        y.append(int(parse_float(row[y_idx], path, line, TARGET)))
    return np.asarray(x_rows, dtype=np.float64), np.asarray(y, dtype=np.int64)


def fit_fold(x: np.ndarray, y: np.ndarray, settings: Ai4iSettings, seed: int) -> RandomForestClassifier:
    """Fit the forest on one training fold."""
    model = RandomForestClassifier(
        n_estimators=settings.trees,
        max_features=settings.max_features,
        n_jobs=-1,
        random_state=seed,
    )
    return model.fit(x, y)


def cross_validate(path: Path, settings: Ai4iSettings | None = None) -> dict[str, object]:
    """Repeated stratified k-fold F1 / precision / recall (mean and std over all folds) and the settings."""
    settings = settings or Ai4iSettings()
    started = time.perf_counter()
    x, y = load_ai4i(path)
    cv = RepeatedStratifiedKFold(
        n_splits=settings.folds, n_repeats=settings.repeats, random_state=settings.seed
    )
    metrics: dict[str, list[float]] = {"f1": [], "precision": [], "recall": []}
    for fold, (train, test) in enumerate(cv.split(x, y)):
        model = fit_fold(x[train], y[train], settings, settings.seed + fold)
        predicted = model.predict_proba(x[test])[:, 1] >= settings.threshold
        metrics["f1"].append(f1_score(y[test], predicted))
        metrics["precision"].append(precision_score(y[test], predicted, zero_division=0.0))
        metrics["recall"].append(recall_score(y[test], predicted))
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
