"""Scoring windows with a verified ONNX model: one onnxruntime session, one batched run per tick.

A model folder holds ``model.onnx`` and ``manifest.json``. The agent refuses a model whose file does not
match the manifest's size and sha256, whose features are not exactly ``FEATURE_NAMES`` (training and
serving would drift), or whose ONNX input and outputs differ from what the manifest declares.

A model may also have a fault classifier: an output ``fault_probs`` (``[batch, len(fault_classes)]``)
whose columns the manifest's ``fault_classes`` name. The agent then names the likeliest failure mode of
every window at or above the model's failure threshold; a model without one names none.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import msgspec
import numpy as np
import onnxruntime as ort

from contract import manifest as contract_manifest
from contract.features import FEATURE_NAMES, N_FEATURES, batch_features
from contract.manifest import MANIFEST_FILE, ModelManifest
from edge_agent import ort_format
from edge_agent.errors import ModelError
from edge_agent.files import identity, size_and_sha256
from edge_agent.memory import drop_clean_file_pages, release_free_memory

logger = logging.getLogger(__name__)

ONNX_FLOAT = "tensor(float)"
# onnxruntime's package folder, as the kernel names its native library in /proc/self/smaps.
_ORT_DIR = Path(ort.__file__).resolve().parent


class Scores(NamedTuple):
    """A batch's verdicts, one entry per window."""

    failure: list[float]
    anomaly: list[float]
    # The failure mode named for each window at or above the failure threshold; None where none is named.
    fault: list[str | None]


# The one manifest type (contract.manifest), under the name the agent's modules have always used.
Manifest = ModelManifest


def read_manifest(model_dir: Path) -> Manifest:
    """Parse ``model_dir/manifest.json``; raise ModelError saying which field is wrong."""
    try:
        return contract_manifest.read_manifest(model_dir)
    except contract_manifest.ManifestError as exc:
        raise ModelError(exc.detail) from exc


def _session_options() -> ort.SessionOptions:
    options = ort.SessionOptions()
    # One thread each: a gateway has few cores and sampling must not starve; our batches are tiny.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Memory over micro-speed (measured on the default tree-ensemble model): the arena keeps ~1 MB of
    # buffers around for inputs of a few kB, and the extended optimisers find nothing to fuse in a tree
    # ensemble but fault in more of onnxruntime's code; basic (constant folding, dead nodes) is enough.
    options.enable_cpu_mem_arena = False
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    return options


class Model:
    """A loaded, verified model; ``score`` turns full windows into failure and anomaly scores."""

    def __init__(self, manifest: Manifest, session: ort.InferenceSession, source: Path | None = None) -> None:
        self.manifest = manifest
        self.source = source  # the file the session was built from: model.onnx or its ORT form
        self._session = session
        self._input = manifest.input.name
        self._outputs = [manifest.outputs.failure_prob, manifest.outputs.anomaly_score]
        if manifest.outputs.fault_probs is not None:
            self._outputs.append(manifest.outputs.fault_probs)
        self._no_faults: list[str | None] = []
        # onnxruntime's Python run() checks the feed's names and OrtValue ownership again on every call,
        # ~5 % of a 10-machine tick's run; this model's one input was checked at load, so the agent calls
        # the binding underneath (``_sess`` throughout onnxruntime 1.x) and the public run() otherwise.
        binding = getattr(getattr(session, "_sess", None), "run", None)
        self._run: Callable[[list[str], dict[str, np.ndarray], None], list[np.ndarray]] = (
            binding if callable(binding) else session.run
        )

    @property
    def version(self) -> str:
        """The model's version string, as reported in predictions and status."""
        return self.manifest.version

    @property
    def window(self) -> int:
        """Window length in samples the model was trained on."""
        return self.manifest.window

    @property
    def output_names(self) -> list[str]:
        """The ONNX outputs every run asks for."""
        return list(self._outputs)

    def predict(self, features: np.ndarray) -> Scores:
        """Run the model on ``(N, F)`` float32 features; failure_prob, anomaly_score and fault per row."""
        outputs = self._run(self._outputs, {self._input: features}, None)
        failure_out, anomaly_out = outputs[0], outputs[1]
        # Checked and clipped as Python floats: the caller wants floats for the payloads anyway, and for a
        # tick's few rows this is cheaper than numpy's per-call overhead.
        failure: list[float] = failure_out.reshape(-1).tolist()
        anomaly: list[float] = anomaly_out.reshape(-1).tolist()
        if len(failure) != features.shape[0] or len(anomaly) != features.shape[0]:
            raise ModelError(
                f"model {self.version} returned {len(failure)} scores for {features.shape[0]} windows"
            )
        # One check for both outputs: a NaN or an infinity anywhere makes the sum non-finite.
        if not math.isfinite(sum(failure) + sum(anomaly)):
            raise ModelError(f"model {self.version} returned NaN or infinite scores")
        # Probabilities by contract; a model that strays a hair outside [0, 1] is clipped, not trusted more.
        # Checked first with min and max (in C): clipping element by element in Python cost a tenth of
        # the model's own run time on a 10-machine tick, for scores that are almost never out of range.
        failure = _unit_interval(failure)
        return Scores(failure, _unit_interval(anomaly), self._faults(failure, outputs))

    def _faults(self, failure: list[float], outputs: list[np.ndarray]) -> list[str | None]:
        """The likeliest failure mode of each window at risk; None for the others (and for every window
        when the model has no fault classifier)."""
        threshold = self.manifest.failure_threshold
        if len(outputs) < 3 or max(failure) < threshold:  # the usual tick: nothing at risk, no numpy
            if len(self._no_faults) != len(failure):
                self._no_faults = [None] * len(failure)
            return self._no_faults
        probs = outputs[2]
        if probs.shape != (len(failure), len(self.manifest.fault_classes)) or not np.isfinite(probs).all():
            raise ModelError(
                f"model {self.version} returned fault_probs of shape {probs.shape} or not finite"
            )
        top = probs.argmax(axis=1).tolist()
        classes = self.manifest.fault_classes
        return [classes[c] if f >= threshold else None for f, c in zip(failure, top, strict=True)]

    def score(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Features, failure_prob and anomaly_score of ``(N, window, 3)`` windows in one batched run."""
        features = batch_features(windows)
        failure, anomaly, _ = self.predict(features)
        return features, np.asarray(failure), np.asarray(anomaly)


def _unit_interval(values: list[float]) -> list[float]:
    """``values`` clipped to [0, 1]; the same list when it is already inside."""
    if not values or (min(values) >= 0.0 and max(values) <= 1.0):
        return values
    return [min(max(x, 0.0), 1.0) for x in values]


def load_model(model_dir: str | Path, ort_cache: Path | None = None) -> Model:
    """Load the model in ``model_dir`` after verifying it against its manifest, else raise ModelError.

    With ``ort_cache``, the session is built from the model's ORT form (edge_agent.ort_format), derived
    there first if needed, and from the ONNX file when that fails.
    """
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
    source, before = model_path, _verify_file(model_path, manifest)
    if ort_cache is not None:
        source, before = ort_format.ensure(model_path, manifest.sha256, ort_cache) or (source, before)
    try:
        # Loaded from the path, not from the verified bytes: onnxruntime then reads the file itself and
        # the agent stays ~2 MB smaller. The file's identity is checked again after loading, so a file
        # swapped between the hash check and the load is refused.
        session = ort.InferenceSession(str(source), _session_options(), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own unexported exception types
        raise ModelError(f"{source}: onnxruntime cannot load it: {exc}") from exc
    if _identity(source) != before:
        raise ModelError(f"{source}: the file changed while it was being loaded")
    _check_signature(session, manifest, where)
    logger.info(
        "model %s %s loaded from %s (window %d)",
        manifest.name,
        manifest.version,
        source.name,
        manifest.window,
    )
    return Model(manifest, session, source)


def release_loading_memory() -> int:
    """Hand back what loading a model left resident: freed heap, and onnxruntime's start-up code (KiB)."""
    release_free_memory()
    # Session creation runs kernel registration and graph building once; scoring faults back the little
    # of onnxruntime's code it uses (~6 of ~20 MiB with the default model, measured).
    return drop_clean_file_pages(_ORT_DIR)


def _identity(path: Path) -> tuple[int, int, int, int]:
    """What changes when a file is replaced or rewritten: device, inode, size, modification time."""
    try:
        return identity(path)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _verify_file(path: Path, manifest: Manifest) -> tuple[int, int, int, int]:
    """Check size and sha256 against the manifest; return the file's identity as it was hashed."""
    before = _identity(path)
    try:
        size, sha256 = size_and_sha256(path)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if size != manifest.size:
        raise ModelError(f"{path}: size {size} bytes, manifest says {manifest.size}")
    if sha256 != manifest.sha256:
        raise ModelError(f"{path}: sha256 {sha256} does not match the manifest's {manifest.sha256}")
    if _identity(path) != before:
        raise ModelError(f"{path}: the file changed while it was being verified")
    return before


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
        if name is None:
            continue
        if name not in outputs:
            raise ModelError(
                f"{where}: outputs.{meaning} = {name!r} is not a model output ({sorted(outputs)})"
            )
        if outputs[name] != ONNX_FLOAT:
            raise ModelError(f"{where}: output {name!r} is {outputs[name]}, expected float32")
    _check_fault_output(session, manifest, where)


def _check_fault_output(session: ort.InferenceSession, manifest: Manifest, where: str) -> None:
    """A fault classifier needs both the output and the names of its columns, one per column."""
    name, classes = manifest.outputs.fault_probs, manifest.fault_classes
    if name is None and classes:
        raise ModelError(f"{where}: fault_classes are given but outputs.fault_probs is not")
    if name is None:
        return
    if not classes:
        raise ModelError(f"{where}: outputs.fault_probs is given but fault_classes is empty")
    if len(set(classes)) != len(classes):
        raise ModelError(f"{where}: fault_classes {classes} name a failure mode twice")
    shape = next(list(o.shape) for o in session.get_outputs() if o.name == name)
    if len(shape) != 2 or shape[1] != len(classes):
        raise ModelError(
            f"{where}: output {name!r} has shape {shape}, expected [batch, {len(classes)}] "
            f"(one column per fault_classes entry)"
        )
