"""Export the classifier and the anomaly detector as ONE ONNX graph, and check it against scikit-learn.

The graph takes ``features`` (float32, ``[None, N_FEATURES]``) and returns two float32 vectors:
``failure_prob`` (the classifier's positive-class probability) and ``anomaly_score`` (0..1, >= 0.5 means
anomalous), and, when a fault classifier is given, ``fault_probs`` (float32 ``[None, n_modes]``: which
failure mode a developing fault is, in the order of the classifier's classes). The random forest and the
fault classifier go through skl2onnx; the fault classifier's graph is renamed apart and joined on the
same input. The isolation forest is written here as a single
``TreeEnsembleRegressor`` whose leaves hold the isolation path lengths: skl2onnx's own IsolationForest
graph evaluates the trees one by one and costs about 1 ms a row, the single node a few microseconds.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType
from sklearn.base import ClassifierMixin
from sklearn.ensemble import IsolationForest, RandomForestClassifier

from model_registry.training.errors import ExportError

INPUT_NAME = "features"
FAILURE_OUTPUT = "failure_prob"
ANOMALY_OUTPUT = "anomaly_score"
FAULT_OUTPUT = "fault_probs"
# Prefix of every name of the fault classifier's subgraph, so it cannot collide with the main graph's.
_FAULT_PREFIX = "fault_"
# The ai.onnx.ml TreeEnsemble operators of opset 3 are what skl2onnx and onnxruntime agree on.
TARGET_OPSET = {"": 18, "ai.onnx.ml": 3}
_EULER_GAMMA = 0.5772156649015329


@dataclass(frozen=True)
class AnomalyDetector:
    """An isolation forest and the logistic map of its score onto 0..1 (0.5 at ``score_threshold``)."""

    forest: IsolationForest
    score_threshold: float  # isolation score (0..1, higher = easier to isolate) that maps to 0.5
    sharpness: float  # slope of the logistic map

    def anomaly_score(self, features: np.ndarray) -> np.ndarray:
        """scikit-learn's reference for the ONNX ``anomaly_score`` output (float64)."""
        isolation = -self.forest.score_samples(features)
        return 1.0 / (1.0 + np.exp(-self.sharpness * (isolation - self.score_threshold)))


def _average_path_length(n: np.ndarray) -> np.ndarray:
    """Expected path length of an unsuccessful search in a binary tree of ``n`` points (Liu et al.)."""
    n = np.asarray(n, dtype=np.float64)
    out = np.zeros_like(n)
    out[n == 2] = 1.0
    big = n > 2
    out[big] = 2.0 * (np.log(n[big] - 1.0) + _EULER_GAMMA) - 2.0 * (n[big] - 1.0) / n[big]
    return out


def _float32_at_most(values: np.ndarray) -> np.ndarray:
    """Largest float32 not above each float64 threshold, so ``x32 <= t32`` decides exactly as ``x32 <= t``."""
    t32 = values.astype(np.float32)
    above = t32.astype(np.float64) > values
    t32[above] = np.nextafter(t32[above], np.float32(-np.inf))
    return t32


def isolation_forest_node(forest: IsolationForest, input_name: str, output_name: str) -> onnx.NodeProto:
    """One TreeEnsembleRegressor averaging the isolation path length of every tree, shape [N, 1]."""
    attrs: dict[str, list] = {
        k: []
        for k in (
            "nodes_treeids",
            "nodes_nodeids",
            "nodes_featureids",
            "nodes_modes",
            "nodes_values",
            "nodes_truenodeids",
            "nodes_falsenodeids",
            "target_treeids",
            "target_nodeids",
            "target_weights",
        )
    }
    for tree_id, (estimator, columns) in enumerate(
        zip(forest.estimators_, forest.estimators_features_, strict=True)
    ):
        tree = estimator.tree_
        left, right = tree.children_left, tree.children_right
        depth = np.zeros(tree.node_count, dtype=np.float64)
        for node in range(tree.node_count):  # children always come after their parent
            if left[node] >= 0:
                depth[left[node]] = depth[right[node]] = depth[node] + 1.0
        leaf = left < 0
        nodes = np.arange(tree.node_count)
        attrs["nodes_treeids"] += [tree_id] * tree.node_count
        attrs["nodes_nodeids"] += nodes.tolist()
        attrs["nodes_featureids"] += np.where(
            leaf, 0, np.asarray(columns)[np.maximum(tree.feature, 0)]
        ).tolist()
        attrs["nodes_modes"] += ["LEAF" if is_leaf else "BRANCH_LEQ" for is_leaf in leaf]
        attrs["nodes_values"] += np.where(leaf, 0.0, _float32_at_most(tree.threshold)).tolist()
        attrs["nodes_truenodeids"] += np.where(leaf, 0, left).tolist()
        attrs["nodes_falsenodeids"] += np.where(leaf, 0, right).tolist()
        attrs["target_treeids"] += [tree_id] * int(leaf.sum())
        attrs["target_nodeids"] += nodes[leaf].tolist()
        # Path length of a leaf: its depth plus the expected depth of the points it still holds.
        attrs["target_weights"] += (depth[leaf] + _average_path_length(tree.n_node_samples[leaf])).tolist()
    node = helper.make_node(
        "TreeEnsembleRegressor",
        [input_name],
        [output_name],
        domain="ai.onnx.ml",
        n_targets=1,
        aggregate_function="AVERAGE",
        post_transform="NONE",
        target_ids=[0] * len(attrs["target_nodeids"]),
    )
    node.attribute.extend(helper.make_attribute(key, value) for key, value in attrs.items())
    return node


def _const(name: str, value: float | int | list[int], dtype: type = np.float32) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


def _skl_graph(classifier: ClassifierMixin, n_features: int) -> tuple[onnx.ModelProto, str]:
    """skl2onnx's graph of ``classifier`` and the name of its class-probability output."""
    model = to_onnx(
        classifier,
        initial_types=[(INPUT_NAME, FloatTensorType([None, n_features]))],
        options={id(classifier): {"zipmap": False}},
        target_opset=TARGET_OPSET,
    )
    return model, next(o.name for o in model.graph.output if o.name != "label" and "prob" in o.name)


def _join_fault_classifier(model: onnx.ModelProto, fault: ClassifierMixin, n_features: int) -> None:
    """Add ``fault``'s graph to ``model`` on the same input, its probabilities as FAULT_OUTPUT."""
    sub, probabilities = _skl_graph(fault, n_features)
    sub = onnx.compose.add_prefix(sub, _FAULT_PREFIX)
    graph = model.graph
    graph.node.extend(
        [
            helper.make_node("Identity", [INPUT_NAME], [_FAULT_PREFIX + INPUT_NAME]),
            *sub.graph.node,
            helper.make_node("Identity", [_FAULT_PREFIX + probabilities], [FAULT_OUTPUT]),
        ]
    )
    graph.initializer.extend(sub.graph.initializer)
    # Each domain at the higher of the two versions skl2onnx chose (both within TARGET_OPSET).
    versions = {o.domain: o.version for o in model.opset_import}
    for o in sub.opset_import:
        versions[o.domain] = max(versions.get(o.domain, 0), o.version)
    del model.opset_import[:]
    model.opset_import.extend(helper.make_opsetid(d, v) for d, v in sorted(versions.items()))


def export_model(
    classifier: RandomForestClassifier,
    detector: AnomalyDetector,
    n_features: int,
    fault: ClassifierMixin | None = None,
) -> onnx.ModelProto:
    """The combined ONNX model; raises ExportError when the checker rejects it."""
    model, probabilities = _skl_graph(classifier, n_features)
    graph = model.graph
    positive = list(classifier.classes_).index(1)
    inverse_c = 1.0 / float(_average_path_length(np.array([forest_samples(detector.forest)]))[0])
    graph.initializer.extend(
        [
            _const("positive_class", positive, np.int64),
            _const("squeeze_axes", [1], np.int64),
            # score = 2 ** (-mean_path / c(max_samples)) = exp(mean_path * -ln2 / c)
            _const("path_scale", -inverse_c * math.log(2.0)),
            _const("anomaly_centre", detector.score_threshold),
            _const("anomaly_sharpness", detector.sharpness),
        ]
    )
    graph.node.extend(
        [
            helper.make_node("Gather", [probabilities, "positive_class"], [FAILURE_OUTPUT], axis=1),
            isolation_forest_node(detector.forest, INPUT_NAME, "isolation_path"),
            helper.make_node("Mul", ["isolation_path", "path_scale"], ["isolation_log_score"]),
            helper.make_node("Exp", ["isolation_log_score"], ["isolation_score"]),
            helper.make_node("Sub", ["isolation_score", "anomaly_centre"], ["anomaly_offset"]),
            helper.make_node("Mul", ["anomaly_offset", "anomaly_sharpness"], ["anomaly_logit"]),
            helper.make_node("Sigmoid", ["anomaly_logit"], ["anomaly_column"]),
            helper.make_node("Squeeze", ["anomaly_column", "squeeze_axes"], [ANOMALY_OUTPUT]),
        ]
    )
    del graph.output[:]
    graph.output.extend(
        [
            helper.make_tensor_value_info(FAILURE_OUTPUT, TensorProto.FLOAT, [None]),
            helper.make_tensor_value_info(ANOMALY_OUTPUT, TensorProto.FLOAT, [None]),
        ]
    )
    if fault is not None:
        _join_fault_classifier(model, fault, n_features)
        classes = len(fault.classes_)
        graph.output.append(helper.make_tensor_value_info(FAULT_OUTPUT, TensorProto.FLOAT, [None, classes]))
    model.producer_name = "maintainx"
    try:
        onnx.checker.check_model(model, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as exc:
        raise ExportError(f"exported model fails onnx.checker: {exc}") from exc
    return model


def forest_samples(forest: IsolationForest) -> int:
    """Points each isolation tree was grown on (scikit-learn's ``max_samples_``)."""
    return int(forest.max_samples_)


def session(model_bytes: bytes) -> ort.InferenceSession:
    """An onnxruntime session on one thread, as on a gateway."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def parity(
    model_bytes: bytes,
    classifier: RandomForestClassifier,
    detector: AnomalyDetector,
    features: np.ndarray,
    fault: ClassifierMixin | None = None,
) -> dict[str, float | int]:
    """Largest absolute difference between the ONNX outputs and scikit-learn's on ``features``."""
    x = np.ascontiguousarray(features, dtype=np.float32)
    names = [FAILURE_OUTPUT, ANOMALY_OUTPUT] + ([FAULT_OUTPUT] if fault is not None else [])
    outputs = session(model_bytes).run(names, {INPUT_NAME: x})
    positive = list(classifier.classes_).index(1)
    expected_failure = classifier.predict_proba(x)[:, positive]
    expected_anomaly = detector.anomaly_score(x)
    checked: dict[str, float | int] = {
        "failure_prob_max_abs_diff": float(np.max(np.abs(outputs[0] - expected_failure))),
        "anomaly_score_max_abs_diff": float(np.max(np.abs(outputs[1] - expected_anomaly))),
        "rows": int(x.shape[0]),
    }
    if fault is not None:
        expected_fault = fault.predict_proba(x)
        checked["fault_probs_max_abs_diff"] = float(np.max(np.abs(outputs[2] - expected_fault)))
    return checked


def latency_us_per_row(model_bytes: bytes, features: np.ndarray, batch: int, repeats: int = 200) -> float:
    """Median onnxruntime time per row (µs) for batches of ``batch`` rows on one thread."""
    sess = session(model_bytes)
    x = np.ascontiguousarray(features[:batch], dtype=np.float32)
    sess.run(None, {INPUT_NAME: x})  # warm-up: first run allocates
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        sess.run(None, {INPUT_NAME: x})
        times.append(time.perf_counter() - start)
    return float(np.median(times)) / x.shape[0] * 1e6
