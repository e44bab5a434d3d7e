"""ONNX export: the single-node isolation forest and the combined graph match scikit-learn."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from sklearn.ensemble import GradientBoostingClassifier, IsolationForest, RandomForestClassifier

from model_registry.training.export import (
    ANOMALY_OUTPUT,
    FAILURE_OUTPUT,
    FAULT_OUTPUT,
    INPUT_NAME,
    AnomalyDetector,
    _float32_at_most,
    export_model,
    parity,
    session,
)

pytestmark = pytest.mark.unit

N_FEATURES = 5


@pytest.fixture(scope="module")
def models() -> tuple[RandomForestClassifier, AnomalyDetector, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, N_FEATURES)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(scale=0.5, size=2000) > 1.0).astype(int)
    clf = RandomForestClassifier(n_estimators=15, max_depth=6, random_state=0).fit(x, y)
    # max_features < 1 so each isolation tree sees its own feature subset, which the export must map.
    forest = IsolationForest(n_estimators=20, max_features=0.6, random_state=0).fit(x)
    test = rng.normal(scale=1.5, size=(500, N_FEATURES)).astype(np.float32)
    return clf, AnomalyDetector(forest, 0.55, 25.0), test


def test_float32_thresholds_never_round_up() -> None:
    t = np.array([0.1, 1.0 + 1e-9, -2.3333333333, 5.0])
    t32 = _float32_at_most(t)
    assert np.all(t32.astype(np.float64) <= t)
    assert np.all(np.nextafter(t32, np.float32(np.inf)).astype(np.float64) > t)


def test_combined_model_has_the_contracted_input_and_outputs(models) -> None:  # type: ignore[no-untyped-def]
    clf, detector, _ = models
    model = export_model(clf, detector, N_FEATURES)
    onnx.checker.check_model(model, full_check=True)
    (inp,) = model.graph.input
    assert inp.name == INPUT_NAME
    assert inp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [d.dim_value for d in inp.type.tensor_type.shape.dim][1] == N_FEATURES
    assert [o.name for o in model.graph.output] == [FAILURE_OUTPUT, ANOMALY_OUTPUT]
    tree_nodes = [n for n in model.graph.node if n.op_type.startswith("TreeEnsemble")]
    assert len(tree_nodes) == 2  # one node per forest keeps inference fast


def test_onnx_outputs_match_scikit_learn(models) -> None:  # type: ignore[no-untyped-def]
    clf, detector, test = models
    model_bytes = export_model(clf, detector, N_FEATURES).SerializeToString()
    result = parity(model_bytes, clf, detector, test)
    assert result["rows"] == 500
    assert result["failure_prob_max_abs_diff"] < 1e-5
    assert result["anomaly_score_max_abs_diff"] < 1e-5
    failure_prob, anomaly = session(model_bytes).run(None, {INPUT_NAME: test})
    assert failure_prob.shape == anomaly.shape == (500,)
    assert failure_prob.dtype == anomaly.dtype == np.float32
    # A point far outside the training data is anomalous, the centre of it is not.
    probe = np.stack([np.full(N_FEATURES, 6.0), np.zeros(N_FEATURES)]).astype(np.float32)
    _, probe_anomaly = session(model_bytes).run(None, {INPUT_NAME: probe})
    assert probe_anomaly[0] >= 0.5 > probe_anomaly[1]


def test_a_fault_classifier_joins_the_graph_on_the_same_input_and_matches_scikit_learn(models) -> None:  # type: ignore[no-untyped-def]
    clf, detector, test = models
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1500, N_FEATURES)).astype(np.float32)
    # Three modes told apart by different features, as bearing wear, cooling and imbalance are.
    modes = np.select([x[:, 2] > 0.5, x[:, 3] > 0.5], [0, 1], default=2)
    fault = GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=0).fit(x, modes)
    model = export_model(clf, detector, N_FEATURES, fault)
    onnx.checker.check_model(model, full_check=True)
    assert [i.name for i in model.graph.input] == [INPUT_NAME]
    assert [o.name for o in model.graph.output] == [FAILURE_OUTPUT, ANOMALY_OUTPUT, FAULT_OUTPUT]
    model_bytes = model.SerializeToString()
    result = parity(model_bytes, clf, detector, test, fault)
    assert result["fault_probs_max_abs_diff"] < 1e-5
    assert result["failure_prob_max_abs_diff"] < 1e-5
    failure_prob, _, fault_probs = session(model_bytes).run(None, {INPUT_NAME: test})
    assert fault_probs.shape == (500, 3) and fault_probs.dtype == np.float32
    np.testing.assert_allclose(fault_probs.sum(axis=1), 1.0, rtol=1e-5)
    # The failure output is the same with and without the fault classifier beside it.
    (alone,) = session(export_model(clf, detector, N_FEATURES).SerializeToString()).run(
        [FAILURE_OUTPUT], {INPUT_NAME: test}
    )
    np.testing.assert_array_equal(failure_prob, alone)
