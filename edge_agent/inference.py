"""Scoring windows with a verified ONNX model: one onnxruntime session, one batched run per tick.

A model folder holds ``model.onnx`` and ``manifest.json``. The agent refuses a model whose file does not
match the manifest's size and sha256, whose features are not exactly ``FEATURE_NAMES`` (training and
serving would drift), or whose ONNX input and outputs differ from what the manifest declares.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Annotated, Literal

import msgspec
import numpy as np
import onnxruntime as ort

from edge_agent.errors import ModelError
from edge_agent.features import FEATURE_NAMES, N_FEATURES, batch_features

logger = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
ONNX_FLOAT = "tensor(float)"


class ModelInput(msgspec.Struct, frozen=True):
    """The ONNX input the manifest promises."""

    name: str
    dtype: Literal["float32"]
    shape: list[int | None]


class ModelOutputs(msgspec.Struct, frozen=True):
    """Names of the two ONNX outputs, by meaning."""

    failure_prob: str
    anomaly_score: str


class Manifest(msgspec.Struct, frozen=True):
    """The parts of a model manifest the agent relies on (other fields are kept by the registry)."""

    name: str
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    model_file: str
    sha256: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
    size: Annotated[int, msgspec.Meta(gt=0)]
    features: list[str]
    window: Annotated[int, msgspec.Meta(ge=2)]
    sample_period_s: Annotated[float, msgspec.Meta(gt=0)]
    input: ModelInput
    outputs: ModelOutputs
    failure_threshold: Annotated[float, msgspec.Meta(ge=0, le=1)]
    anomaly_threshold: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.5


def read_manifest(model_dir: Path) -> Manifest:
    """Parse ``model_dir/manifest.json``; raise ModelError saying which field is wrong."""
    path = model_dir / MANIFEST_FILE
    try:
        return msgspec.json.decode(path.read_bytes(), type=Manifest)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ModelError(f"{path}: {exc}") from exc


def _session_options() -> ort.SessionOptions:
    options = ort.SessionOptions()
    # One thread each: a gateway has few cores and sampling must not starve; our batches are tiny.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options


class Model:
    """A loaded, verified model; ``score`` turns full windows into failure and anomaly scores."""

    def __init__(self, manifest: Manifest, session: ort.InferenceSession) -> None:
        self.manifest = manifest
        self._session = session
        self._input = manifest.input.name
        self._outputs = [manifest.outputs.failure_prob, manifest.outputs.anomaly_score]

    @property
    def version(self) -> str:
        """The model's version string, as reported in predictions and status."""
        return self.manifest.version

    @property
    def window(self) -> int:
        """Window length in samples the model was trained on."""
        return self.manifest.window

    def predict(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Run the model on ``(N, F)`` float32 features; return failure_prob and anomaly_score ``(N,)``."""
        failure, anomaly = self._session.run(self._outputs, {self._input: features})
        failure = np.asarray(failure, dtype=np.float64).reshape(-1)
        anomaly = np.asarray(anomaly, dtype=np.float64).reshape(-1)
        if failure.shape[0] != features.shape[0] or anomaly.shape[0] != features.shape[0]:
            raise ModelError(f"model {self.version} returned {failure.shape} for {features.shape[0]} windows")
        if not (np.isfinite(failure).all() and np.isfinite(anomaly).all()):
            raise ModelError(f"model {self.version} returned NaN or infinite scores")
        # Probabilities by contract; a model that strays a hair outside [0, 1] is clipped, not trusted more.
        return np.clip(failure, 0.0, 1.0), np.clip(anomaly, 0.0, 1.0)

    def score(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Features, failure_prob and anomaly_score of ``(N, window, 3)`` windows in one batched run."""
        features = batch_features(windows)
        failure, anomaly = self.predict(features)
        return features, failure, anomaly


def load_model(model_dir: str | Path) -> Model:
    """Load the model in ``model_dir`` after verifying it against its manifest, else raise ModelError."""
    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)
    where = f"{model_dir / MANIFEST_FILE}"
    if tuple(manifest.features) != FEATURE_NAMES:
        extra = sorted(set(manifest.features) - set(FEATURE_NAMES))
        missing = sorted(set(FEATURE_NAMES) - set(manifest.features))
        raise ModelError(
            f"{where}: features differ from this agent's FEATURE_NAMES "
            f"(unknown: {extra or 'none'}, missing: {missing or 'none'}, or a different order)"
        )
    model_path = model_dir / manifest.model_file
    if model_path.parent.resolve() != model_dir.resolve():
        raise ModelError(f"{where}: model_file {manifest.model_file!r} must be a file in the model folder")
    try:
        data = model_path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{model_path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) != manifest.size:
        raise ModelError(f"{model_path}: size {len(data)} bytes, manifest says {manifest.size}")
    digest = hashlib.sha256(data).hexdigest()
    if digest != manifest.sha256:
        raise ModelError(f"{model_path}: sha256 {digest} does not match the manifest's {manifest.sha256}")
    try:
        # Built from the verified bytes, not the path, so the file cannot change between check and load.
        session = ort.InferenceSession(data, _session_options(), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own unexported exception types
        raise ModelError(f"{model_path}: onnxruntime cannot load it: {exc}") from exc
    _check_signature(session, manifest, where)
    logger.info("model %s %s loaded (window %d)", manifest.name, manifest.version, manifest.window)
    return Model(manifest, session)


def _check_signature(session: ort.InferenceSession, manifest: Manifest, where: str) -> None:
    """Refuse a model whose ONNX input or outputs differ from the manifest's promise."""
    inputs = session.get_inputs()
    if len(inputs) != 1:
        raise ModelError(f"{where}: the model has {len(inputs)} inputs, expected exactly one")
    got = inputs[0]
    if got.name != manifest.input.name:
        raise ModelError(f"{where}: input is named {got.name!r} in the model, {manifest.input.name!r} here")
    if got.type != ONNX_FLOAT:
        raise ModelError(f"{where}: input {got.name!r} is {got.type}, expected float32")
    shape = list(got.shape)
    if len(shape) != 2 or shape[1] != N_FEATURES or isinstance(shape[0], int):
        raise ModelError(f"{where}: input shape {shape} in the model, expected [batch, {N_FEATURES}]")
    if manifest.input.shape[1:] != [N_FEATURES]:
        raise ModelError(f"{where}: input.shape {manifest.input.shape}, expected [null, {N_FEATURES}]")
    outputs = {o.name: o.type for o in session.get_outputs()}
    for meaning, name in msgspec.structs.asdict(manifest.outputs).items():
        if name not in outputs:
            raise ModelError(
                f"{where}: outputs.{meaning} = {name!r} is not a model output ({sorted(outputs)})"
            )
        if outputs[name] != ONNX_FLOAT:
            raise ModelError(f"{where}: output {name!r} is {outputs[name]}, expected float32")
