"""The model artifact the edge agent loads: ``<out_dir>/<version>/{model.onnx, manifest.json}``."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contract.features import FEATURE_NAMES, N_FEATURES
from contract.manifest import MANIFEST_FILE, ModelInput, ModelManifest, ModelOutputs, encode_manifest
from model_registry.training.export import ANOMALY_OUTPUT, FAILURE_OUTPUT, FAULT_OUTPUT, INPUT_NAME

MODEL_NAME = "maintainx-failure"
MODEL_FILE = "model.onnx"
# An anomaly_score at or above this is anomalous; the export's logistic map puts its centre here.
ANOMALY_THRESHOLD = 0.5


def write_artifact(
    out_dir: Path,
    model_bytes: bytes,
    *,
    window: int,
    sample_period_s: float,
    horizon_s: float,
    failure_threshold: float,
    metrics: dict[str, Any],
    parity: dict[str, Any],
    training_data: dict[str, Any],
    fault_classes: list[str] | None = None,
    now: datetime | None = None,
) -> Path:
    """Write the model and its manifest into a new version folder and return that folder.

    ``fault_classes`` names the columns of the model's ``fault_probs`` output; None = it has none.
    """
    created = (now or datetime.now(UTC)).astimezone(UTC)
    sha256 = hashlib.sha256(model_bytes).hexdigest()
    version = f"{created:%Y%m%dT%H%M%SZ}-{sha256[:8]}"
    manifest = ModelManifest(
        name=MODEL_NAME,
        version=version,
        created_at=created.isoformat().replace("+00:00", "Z"),
        model_file=MODEL_FILE,
        sha256=sha256,
        size=len(model_bytes),
        features=list(FEATURE_NAMES),
        window=window,
        sample_period_s=sample_period_s,
        horizon_s=horizon_s,
        input=ModelInput(name=INPUT_NAME, dtype="float32", shape=[None, N_FEATURES]),
        outputs=ModelOutputs(
            failure_prob=FAILURE_OUTPUT,
            anomaly_score=ANOMALY_OUTPUT,
            fault_probs=FAULT_OUTPUT if fault_classes else None,
        ),
        fault_classes=fault_classes or [],
        anomaly_threshold=ANOMALY_THRESHOLD,
        failure_threshold=failure_threshold,
        metrics=metrics,
        parity=parity,
        training_data=training_data,
    )
    text = encode_manifest(manifest)  # refuses a manifest no agent would load, before anything is written
    folder = Path(out_dir) / version
    if (folder / MODEL_FILE).is_file() and (folder / MODEL_FILE).read_bytes() == model_bytes:
        return folder  # the same model written in the same second (same seed twice): nothing new
    # Build in a temporary folder and rename, so a reader never sees a half-written version.
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=out_dir))
    (staging / MODEL_FILE).write_bytes(model_bytes)
    (staging / MANIFEST_FILE).write_text(text)
    os.replace(staging, folder)
    return folder
