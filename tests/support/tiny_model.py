"""A tiny but real ONNX model and manifest, for tests and benchmarks before (or without) a trained model.

failure_prob = sigmoid(w·x + b) and anomaly_score = sigmoid(v·x + c) over the agent's features, and, when
fault weights are given, fault_probs = softmax(x·U) with one column per named failure mode. Needs the
``onnx`` package (the ``train`` extra), which a gateway does not install; only tests and ``bench/`` call it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from contract.features import DEFAULT_WINDOW, FEATURE_NAMES, N_FEATURES

# Default weights by feature name: risk rises with vibration per krpm, anomaly with vibration spread.
DEFAULT_FAILURE_WEIGHTS = {"vibration_per_krpm": 1.5}
DEFAULT_FAILURE_BIAS = -6.0
DEFAULT_ANOMALY_WEIGHTS = {"vibration_std": 4.0}
DEFAULT_ANOMALY_BIAS = -4.0
# ONNX opset and IR version every onnxruntime since 1.17 runs.
OPSET = 17
IR_VERSION = 9


def _vector(weights: Mapping[str, float]) -> np.ndarray:
    vec = np.zeros(N_FEATURES, dtype=np.float32)
    for name, value in weights.items():
        vec[FEATURE_NAMES.index(name)] = value
    return vec


def tiny_onnx_bytes(
    failure_weights: Mapping[str, float] = DEFAULT_FAILURE_WEIGHTS,
    failure_bias: float = DEFAULT_FAILURE_BIAS,
    anomaly_weights: Mapping[str, float] = DEFAULT_ANOMALY_WEIGHTS,
    anomaly_bias: float = DEFAULT_ANOMALY_BIAS,
    *,
    input_name: str = "features",
    n_features: int = N_FEATURES,
    fault_weights: Mapping[str, Mapping[str, float]] | None = None,
) -> bytes:
    """Serialised ONNX model: ``(N, n_features)`` float32 in, failure_prob and anomaly_score ``(N,)`` out.

    ``fault_weights`` (failure mode -> feature weights) adds ``fault_probs`` ``(N, modes)``, columns in
    the mapping's order.
    """
    from onnx import TensorProto, helper, numpy_helper

    def head(prefix: str, weights: Mapping[str, float], bias: float) -> list[object]:
        w = _vector(weights)[:n_features] if n_features <= N_FEATURES else np.zeros(n_features, np.float32)
        return [
            numpy_helper.from_array(w, f"{prefix}_w"),
            numpy_helper.from_array(np.array(bias, dtype=np.float32), f"{prefix}_b"),
        ]

    inits = [*head("failure", failure_weights, failure_bias), *head("anomaly", anomaly_weights, anomaly_bias)]
    nodes = []
    for out in ("failure_prob", "anomaly_score"):
        prefix = out.split("_")[0]
        nodes += [
            # (N, F) @ (F,) -> (N,): MatMul follows numpy, so the outputs are 1-D as the contract wants.
            helper.make_node("MatMul", [input_name, f"{prefix}_w"], [f"{prefix}_dot"]),
            helper.make_node("Add", [f"{prefix}_dot", f"{prefix}_b"], [f"{prefix}_logit"]),
            helper.make_node("Sigmoid", [f"{prefix}_logit"], [out]),
        ]
    outputs = [
        helper.make_tensor_value_info("failure_prob", TensorProto.FLOAT, ["N"]),
        helper.make_tensor_value_info("anomaly_score", TensorProto.FLOAT, ["N"]),
    ]
    if fault_weights:
        u = np.stack([_vector(w)[:n_features] for w in fault_weights.values()], axis=1)
        inits.append(numpy_helper.from_array(u, "fault_w"))
        nodes += [
            helper.make_node("MatMul", [input_name, "fault_w"], ["fault_logits"]),
            helper.make_node("Softmax", ["fault_logits"], ["fault_probs"], axis=1),
        ]
        outputs.append(
            helper.make_tensor_value_info("fault_probs", TensorProto.FLOAT, ["N", len(fault_weights)])
        )
    graph = helper.make_graph(
        nodes,
        "maintainx_tiny",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["N", n_features])],
        outputs,
        initializer=inits,  # type: ignore[arg-type]
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    return bytes(model.SerializeToString())


def write_model_dir(
    folder: str | Path,
    *,
    version: str = "tiny-1",
    window: int = DEFAULT_WINDOW,
    sample_period_s: float = 1.0,
    failure_threshold: float = 0.7,
    onnx_bytes: bytes | None = None,
    manifest_overrides: Mapping[str, object] | None = None,
    fault_weights: Mapping[str, Mapping[str, float]] | None = None,
) -> Path:
    """Write ``model.onnx`` and a matching ``manifest.json`` into ``folder``; return the folder.

    ``fault_weights`` gives the model a fault classifier (see ``tiny_onnx_bytes``) and names its classes.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = tiny_onnx_bytes(fault_weights=fault_weights) if onnx_bytes is None else onnx_bytes
    (folder / "model.onnx").write_bytes(data)
    manifest: dict[str, object] = {
        "name": "tiny",
        "version": version,
        "created_at": datetime.now(UTC).isoformat(),
        "model_file": "model.onnx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "features": list(FEATURE_NAMES),
        "window": window,
        "sample_period_s": sample_period_s,
        "horizon_s": 86_400,
        "input": {"name": "features", "dtype": "float32", "shape": [None, N_FEATURES]},
        "outputs": {"failure_prob": "failure_prob", "anomaly_score": "anomaly_score"}
        | ({"fault_probs": "fault_probs"} if fault_weights else {}),
        "fault_classes": list(fault_weights or ()),
        "anomaly_threshold": 0.5,
        "failure_threshold": failure_threshold,
        "metrics": {},
        "parity": {},
        "training_data": "none: hand-set weights",
    }
    manifest.update(manifest_overrides or {})
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return folder
