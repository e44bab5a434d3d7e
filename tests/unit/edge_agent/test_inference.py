"""Model loading refuses anything that does not verify; scoring batches windows through the real runtime."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from contract.features import FEATURE_NAMES, RollingWindow, batch_features
from edge_agent.errors import ModelError
from edge_agent.inference import _unit_interval, load_model
from tests.support.tiny_model import tiny_onnx_bytes, write_model_dir

pytestmark = pytest.mark.unit


def healthy_and_worn_windows(window: int) -> np.ndarray:
    """Two machines at 1500 rpm: one vibrating 2 mm/s, one 9 mm/s with a wide spread."""
    rng = np.random.default_rng(7)
    out = []
    for vib, spread in ((2.0, 0.05), (9.0, 1.5)):
        w = RollingWindow(window)
        for _ in range(window):
            w.push(60.0 + rng.normal(0, 0.2), vib + rng.normal(0, spread), 1500.0)
        out.append(w.array())
    return np.stack(out)


def test_window_features_score_in_one_batch_matching_the_formula(model_dir: Path) -> None:
    model = load_model(model_dir)
    windows = healthy_and_worn_windows(model.window)
    features, failure, anomaly = model.score(windows)
    assert features.shape == (2, len(FEATURE_NAMES))
    expected = 1 / (1 + np.exp(-(1.5 * features[:, FEATURE_NAMES.index("vibration_per_krpm")] - 6.0)))
    np.testing.assert_allclose(failure, expected, rtol=1e-5)
    assert failure[1] > 0.9 > 0.1 > failure[0]
    assert anomaly[1] > anomaly[0]
    np.testing.assert_array_equal(features, batch_features(windows))


def test_model_with_a_bad_sha256_is_refused(model_dir: Path) -> None:
    data = bytearray((model_dir / "model.onnx").read_bytes())
    data[-1] ^= 0xFF  # same size, different content
    (model_dir / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"sha256 .* does not match"):
        load_model(model_dir)


def test_model_with_a_wrong_size_is_refused(model_dir: Path) -> None:
    with (model_dir / "model.onnx").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(ModelError, match=r"size .* manifest says"):
        load_model(model_dir)


def test_manifest_with_other_feature_names_is_refused(tmp_path: Path) -> None:
    names = ["temperature_mean", *FEATURE_NAMES[1:-1], "pressure_mean"]
    folder = write_model_dir(tmp_path / "m", manifest_overrides={"features": names})
    with pytest.raises(ModelError, match=r"unknown: \['pressure_mean'\], missing: \['vibration_per_krpm'\]"):
        load_model(folder)


def test_manifest_with_reordered_features_is_refused(tmp_path: Path) -> None:
    names = list(reversed(FEATURE_NAMES))
    folder = write_model_dir(tmp_path / "m", manifest_overrides={"features": names})
    with pytest.raises(ModelError, match="different order"):
        load_model(folder)


def test_onnx_input_name_and_width_must_match_the_manifest(tmp_path: Path) -> None:
    folder = write_model_dir(tmp_path / "a", onnx_bytes=tiny_onnx_bytes(input_name="x"))
    with pytest.raises(ModelError, match="input is named 'x' in the model, 'features' here"):
        load_model(folder)
    folder = write_model_dir(tmp_path / "b", onnx_bytes=tiny_onnx_bytes(n_features=7))
    with pytest.raises(ModelError, match=r"input shape \['N', 7\]"):
        load_model(folder)


def test_manifest_output_names_must_exist_in_the_model(tmp_path: Path) -> None:
    outputs = {"failure_prob": "failure_prob", "anomaly_score": "score"}
    folder = write_model_dir(tmp_path / "m", manifest_overrides={"outputs": outputs})
    with pytest.raises(ModelError, match=r"outputs\.anomaly_score = 'score' is not a model output"):
        load_model(folder)


def test_incomplete_manifest_names_the_missing_field(model_dir: Path) -> None:
    manifest = json.loads((model_dir / "manifest.json").read_text())
    del manifest["window"]
    (model_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="missing required field `window`"):
        load_model(model_dir)


def test_nan_scores_are_an_error_not_a_prediction(model_dir: Path) -> None:
    model = load_model(model_dir)
    features = np.full((1, len(FEATURE_NAMES)), np.nan, dtype=np.float32)
    with pytest.raises(ModelError, match="NaN"):
        model.predict(features)


def test_scores_a_hair_outside_zero_to_one_are_clipped_and_scores_inside_kept_as_they_are() -> None:
    inside = [0.0, 0.25, 1.0]
    assert _unit_interval(inside) is inside  # the common case costs no copy
    assert _unit_interval([-1e-7, 0.5, 1.0000001]) == [0.0, 0.5, 1.0]
    assert _unit_interval([]) == []


# A fault head for the tiny model: spread of vibration points at bearing wear, heat at a cooling fault.
FAULT_WEIGHTS = {"bearing_wear": {"vibration_std": 3.0}, "cooling_fault": {"temperature_mean": 0.05}}


def test_a_fault_classifier_names_the_likeliest_mode_of_windows_at_risk_only(tmp_path: Path) -> None:
    model = load_model(write_model_dir(tmp_path / "m", fault_weights=FAULT_WEIGHTS))
    assert model.output_names == ["failure_prob", "anomaly_score", "fault_probs"]
    features = batch_features(healthy_and_worn_windows(model.window))
    failure, _, fault = model.predict(features)
    assert failure[0] < model.manifest.failure_threshold <= failure[1]
    # The healthy machine is not at risk, so no fault is named for it; the worn one vibrates unevenly.
    assert fault == [None, "bearing_wear"]
    # Hotter and steady: the same window, with the temperature raised far enough to outweigh the spread.
    hot = features.copy()
    hot[:, FEATURE_NAMES.index("temperature_mean")] += 600.0
    assert model.predict(hot).fault == [None, "cooling_fault"]


def test_a_model_without_a_fault_classifier_names_no_fault(model_dir: Path) -> None:
    model = load_model(model_dir)
    features = batch_features(healthy_and_worn_windows(model.window))
    scores = model.predict(features)
    assert scores.failure[1] >= model.manifest.failure_threshold
    assert scores.fault == [None, None]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"fault_classes": []}, "outputs.fault_probs is given but fault_classes is empty"),
        ({"fault_classes": ["bearing_wear"]}, r"shape \['N', 2\], expected \[batch, 1\]"),
        ({"fault_classes": ["bearing_wear", "bearing_wear"]}, "name a failure mode twice"),
        ({"fault_classes": ["Bearing Wear", "x"]}, r"fault_classes\[0\]"),
        (
            {"outputs": {"failure_prob": "failure_prob", "anomaly_score": "anomaly_score"}},
            "fault_classes are given but outputs.fault_probs is not",
        ),
    ],
)
def test_a_fault_output_and_its_class_names_must_agree(
    tmp_path: Path, overrides: dict[str, object], message: str
) -> None:
    folder = write_model_dir(tmp_path / "m", fault_weights=FAULT_WEIGHTS, manifest_overrides=overrides)
    with pytest.raises(ModelError, match=message):
        load_model(folder)
