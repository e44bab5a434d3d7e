"""Train the failure classifier, the fault classifier and the anomaly detector; export one ONNX model.

Three fleets with different seeds: one to fit, one to choose the decision thresholds on, one held out
for the metrics written to the manifest. ``python -m model_registry.training.train --out DIR`` prints the
version folder and the metrics as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, IsolationForest, RandomForestClassifier

from contract.features import DEFAULT_WINDOW, N_FEATURES
from contract.manifest import read_manifest
from model_registry.training.artifact import write_artifact
from model_registry.training.datasets import DEFAULT_HORIZON_S, WindowDataset, build_dataset
from model_registry.training.errors import DatasetError, ExportError, TrainingError
from model_registry.training.evaluate import (
    best_f1_threshold,
    false_alarms,
    lead_times_h,
    summarise_leads,
    window_metrics,
)
from model_registry.training.export import AnomalyDetector, export_model, latency_us_per_row, parity
from simulator.failures import FAILURE_MODES
from simulator.fleet import run_to_failure
from simulator.machines import DEFAULT_SAMPLE_PERIOD_S

log = logging.getLogger(__name__)

# Fleets are told apart by seed offsets so the held-out machines never share a seed with training ones.
_VALIDATION_SEED_OFFSET = 1_000
_TEST_SEED_OFFSET = 2_000
# Healthy windows scoring above this quantile of the validation fleet's healthy windows are anomalous.
_ANOMALY_QUANTILE = 0.999
# Slope of the logistic map of isolation scores (which span ~0.35-0.8) onto 0..1.
_ANOMALY_SHARPNESS = 25.0
# The export must reproduce scikit-learn's failure probability to this precision.
_PARITY_TOLERANCE = 1e-5


@dataclass(frozen=True)
class TrainConfig:
    """Sizes of the fleets and models; QUICK is for tests, FULL for the demo and real use."""

    train_machines: int
    validation_machines: int
    test_machines: int
    trees: int
    max_depth: int
    min_samples_leaf: int
    anomaly_trees: int
    train_stride: int  # keep every n-th training window: neighbours are nearly identical
    fault_stages: int  # boosting stages of the fault classifier (one small tree per mode each)
    fault_depth: int
    window: int = DEFAULT_WINDOW
    horizon_s: float = DEFAULT_HORIZON_S
    sample_period_s: float = DEFAULT_SAMPLE_PERIOD_S


QUICK = TrainConfig(
    18,
    9,
    9,
    30,
    max_depth=10,
    min_samples_leaf=10,
    anomaly_trees=50,
    train_stride=4,
    fault_stages=20,
    fault_depth=3,
)
# Sized for the gateway: onnxruntime keeps every tree node twice, and 100 trees of depth 12 cost the agent
# ~34 MiB against ~18 MiB for 60 of depth 8, with the same held-out F1 (0.855 vs 0.856) and the same fleet
# recall, lead time and false-ticket rate (docs/benchmarks.md). The fault classifier: gradient boosting
# with 60 stages of depth 4 named the mode of 94 % of 84 held-out failures at their first window within
# the horizon, against 89 % for a 40-tree forest and 83 % for logistic regression (docs/ai-engine.md).
FULL = TrainConfig(
    60,
    24,
    30,
    60,
    max_depth=8,
    min_samples_leaf=10,
    anomaly_trees=50,
    train_stride=2,
    fault_stages=60,
    fault_depth=4,
)


@dataclass(frozen=True)
class TrainedModels:
    """The fitted models, their thresholds and the held-out data they were judged on."""

    classifier: RandomForestClassifier
    detector: AnomalyDetector
    fault: GradientBoostingClassifier  # which failure mode a developing fault is; classes index FAILURE_MODES
    failure_threshold: float
    test: WindowDataset
    training_windows: int


def _fleet(config: TrainConfig, machines: int, seed: int, stride: int) -> WindowDataset:
    runs = run_to_failure(machines, seed, sample_period_s=config.sample_period_s)
    return build_dataset(runs, window=config.window, horizon_s=config.horizon_s, stride=stride)


def _no_rows() -> np.ndarray:
    return np.empty((0, N_FEATURES), dtype=np.float32)


@dataclass(frozen=True)
class ExtraExamples:
    """Labelled feature rows from outside the simulator (resolved tickets), with their sample weights.

    ``fault_*`` are the rows of confirmed faults whose technician named the failure mode found: they teach
    the fault classifier (``fault_modes`` index ``FAILURE_MODES``), as ``features`` teach the failure one."""

    features: np.ndarray  # (N, N_FEATURES) float32
    labels: np.ndarray  # (N,) 0/1
    weights: np.ndarray  # (N,) how much each row counts against one simulated window
    fault_features: np.ndarray = field(default_factory=_no_rows)  # (K, N_FEATURES) float32
    fault_modes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # (K,)
    fault_weights: np.ndarray = field(default_factory=lambda: np.empty(0))  # (K,)


def train_models(config: TrainConfig, seed: int, extra: ExtraExamples | None = None) -> TrainedModels:
    """Fit the classifier and the anomaly detector and choose their thresholds on a validation fleet.

    ``extra`` rows (outcomes of resolved tickets) join the classifier's training data with their weights.
    """
    train = _fleet(config, config.train_machines, seed, config.train_stride)
    validation = _fleet(config, config.validation_machines, seed + _VALIDATION_SEED_OFFSET, 1)
    test = _fleet(config, config.test_machines, seed + _TEST_SEED_OFFSET, 1)
    for name, data in (("training", train), ("validation", validation), ("test", test)):
        if len(np.unique(data.labels)) < 2 or not data.healthy.any():
            raise DatasetError(f"the {name} fleet needs failing and healthy windows; use more machines")
    classifier = RandomForestClassifier(
        n_estimators=config.trees,
        max_depth=config.max_depth,
        min_samples_leaf=config.min_samples_leaf,
        class_weight="balanced_subsample",
        n_jobs=1,
        random_state=seed,
    )
    if extra is None or len(extra.labels) == 0:
        classifier.fit(train.features, train.labels)
    else:
        classifier.fit(
            np.concatenate([train.features, extra.features]),
            np.concatenate([train.labels, extra.labels.astype(train.labels.dtype)]),
            sample_weight=np.concatenate([np.ones(len(train)), extra.weights]),
        )
    threshold = best_f1_threshold(validation.labels, classifier.predict_proba(validation.features)[:, 1])
    forest = IsolationForest(n_estimators=config.anomaly_trees, random_state=seed, n_jobs=1)
    forest.fit(train.features[train.healthy])
    healthy_isolation = -forest.score_samples(validation.features[validation.healthy])
    detector = AnomalyDetector(
        forest, float(np.quantile(healthy_isolation, _ANOMALY_QUANTILE)), _ANOMALY_SHARPNESS
    )
    fault = fit_fault_classifier(train, config, seed, extra)
    return TrainedModels(classifier, detector, fault, threshold, test, len(train))


def _fault_rows(data: WindowDataset, horizon_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Windows of a developing fault within the horizon (when tickets open) and their mode's index."""
    rows = ~data.healthy & (data.time_to_failure_s <= horizon_s)
    return rows, np.array([FAILURE_MODES.index(m) for m in data.failure_mode[rows]], dtype=np.int64)


def fit_fault_classifier(
    train: WindowDataset, config: TrainConfig, seed: int, extra: ExtraExamples | None = None
) -> GradientBoostingClassifier:
    """Gradient boosting over the failure modes, on the windows where a warning is due (plus the
    technicians' confirmed modes in ``extra``, with their weights)."""
    rows, modes = _fault_rows(train, config.horizon_s)
    if len(np.unique(modes)) < 2:
        raise DatasetError("the training fleet needs failures of at least two modes; use more machines")
    fault = GradientBoostingClassifier(
        n_estimators=config.fault_stages, max_depth=config.fault_depth, random_state=seed
    )
    if extra is None or len(extra.fault_modes) == 0:
        return fault.fit(train.features[rows], modes)
    return fault.fit(
        np.concatenate([train.features[rows], extra.fault_features]),
        np.concatenate([modes, extra.fault_modes.astype(modes.dtype)]),
        sample_weight=np.concatenate([np.ones(len(modes)), extra.fault_weights]),
    )


def fault_classes(models: TrainedModels) -> list[str]:
    """The failure mode of each column of the model's ``fault_probs`` output."""
    return [FAILURE_MODES[int(c)] for c in models.fault.classes_]


def _fault_metrics(models: TrainedModels, horizon_s: float) -> dict[str, Any]:
    """How often the fault classifier names the right mode: per window, and at each failure's first."""
    test = models.test
    rows, modes = _fault_rows(test, horizon_s)
    named = models.fault.classes_[models.fault.predict_proba(test.features[rows]).argmax(axis=1)]
    runs = test.run_index[rows]
    first = np.unique(runs, return_index=True)[1]  # rows are in run order, each run's windows in time order
    per_mode = {FAILURE_MODES[m]: round(float(np.mean(named[modes == m] == m)), 4) for m in np.unique(modes)}
    return {
        "window_accuracy": round(float(np.mean(named == modes)), 4),
        "first_warning_accuracy": round(float(np.mean(named[first] == modes[first])), 4),
        "failures": len(first),
        "recall_per_mode": per_mode,
    }


def held_out_metrics(models: TrainedModels, config: TrainConfig) -> dict[str, Any]:
    """Window metrics, warning lead times and false alarms of both outputs on the held-out fleet."""
    test = models.test
    prob = models.classifier.predict_proba(test.features)[:, 1]
    anomaly = models.detector.anomaly_score(test.features)
    developing = ~test.healthy
    return {
        "failure": window_metrics(test.labels, prob, models.failure_threshold),
        "lead_time_h": summarise_leads(lead_times_h(test, prob, models.failure_threshold)),
        "false_alarms": false_alarms(test, prob, models.failure_threshold, config.sample_period_s),
        "anomaly": {
            "healthy_flagged_share": round(float(np.mean(anomaly[test.healthy] >= 0.5)), 4),
            "developing_flagged_share": round(float(np.mean(anomaly[developing] >= 0.5)), 4),
            "within_horizon_flagged_share": round(float(np.mean(anomaly[test.labels == 1] >= 0.5)), 4),
        },
        "fault": _fault_metrics(models, config.horizon_s),
        "test_machines": config.test_machines,
    }


def train_default_model(
    out_dir: Path,
    *,
    seed: int = 0,
    quick: bool = False,
    extra: ExtraExamples | None = None,
    extra_training_data: dict[str, Any] | None = None,
) -> Path:
    """Train, export, check parity and write ``<out_dir>/<version>``; returns that version folder.

    ``extra`` adds labelled rows from resolved tickets; ``extra_training_data`` is recorded in the manifest.
    """
    config = QUICK if quick else FULL
    started = time.perf_counter()
    models = train_models(config, seed, extra)
    metrics = held_out_metrics(models, config)
    model_bytes = export_model(
        models.classifier, models.detector, N_FEATURES, models.fault
    ).SerializeToString()
    checked = parity(model_bytes, models.classifier, models.detector, models.test.features, models.fault)
    for output in ("failure_prob", "fault_probs"):
        if checked[f"{output}_max_abs_diff"] >= _PARITY_TOLERANCE:
            raise ExportError(
                f"ONNX {output} differs from scikit-learn by {checked[f'{output}_max_abs_diff']:.3g}"
            )
    metrics["latency_us_per_row"] = {
        "batch_12": round(latency_us_per_row(model_bytes, models.test.features, 12), 2),
        "batch_1": round(latency_us_per_row(model_bytes, models.test.features, 1), 2),
    }
    metrics["train_seconds"] = round(time.perf_counter() - started, 1)
    folder = write_artifact(
        out_dir,
        model_bytes,
        window=config.window,
        sample_period_s=config.sample_period_s,
        horizon_s=config.horizon_s,
        failure_threshold=round(models.failure_threshold, 6),
        fault_classes=fault_classes(models),
        metrics=metrics,
        parity=checked,
        training_data={
            "source": "simulator",
            "seed": seed,
            "machines": config.train_machines,
            "windows": models.training_windows,
            "quick": quick,
        }
        | (extra_training_data or {}),
    )
    log.info("wrote model %s in %.1f s", folder.name, metrics["train_seconds"])
    return folder


def main(argv: list[str] | None = None) -> int:
    """Command line: train, export and print the version folder and metrics as one JSON line."""
    parser = argparse.ArgumentParser(
        prog="python -m model_registry.training.train", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", type=Path, required=True, help="folder that receives <version>/model.onnx")
    parser.add_argument("--seed", type=int, default=0, help="seed of the training fleet (default 0)")
    parser.add_argument("--quick", action="store_true", help="small fleets and forests (a few seconds)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        folder = train_default_model(args.out, seed=args.seed, quick=args.quick)
    except (TrainingError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    manifest = read_manifest(folder)
    print(
        json.dumps(
            {
                "version_dir": str(folder),
                "version": manifest.version,
                "metrics": manifest.metrics,
                "parity": manifest.parity,
                "failure_threshold": manifest.failure_threshold,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
