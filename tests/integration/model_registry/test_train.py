"""The quick training run end to end: artifact layout, manifest, parity and real early warnings."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import onnxruntime as ort
import pytest

from contract.features import FEATURE_NAMES, N_FEATURES, RollingWindow, window_features
from model_registry.training.train import main, train_default_model
from simulator.failures import FAILURE_MODES
from simulator.machines import DEFAULT_SAMPLE_PERIOD_S, SimulatedMachine

pytestmark = pytest.mark.integration

HOUR = 3600.0


@pytest.fixture(scope="module")
def version_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_default_model(tmp_path_factory.mktemp("models"), seed=0, quick=True)


@pytest.fixture(scope="module")
def manifest(version_dir: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((version_dir / "manifest.json").read_text())


def test_manifest_names_the_features_window_and_file_hash(version_dir: Path, manifest: dict) -> None:  # type: ignore[type-arg]
    model_bytes = (version_dir / "model.onnx").read_bytes()
    assert manifest["name"] == "maintainx-failure"
    assert manifest["version"] == version_dir.name
    assert manifest["version"].endswith(manifest["sha256"][:8])
    assert manifest["sha256"] == hashlib.sha256(model_bytes).hexdigest()
    assert manifest["size"] == len(model_bytes)
    assert manifest["features"] == list(FEATURE_NAMES)
    assert manifest["input"] == {"name": "features", "dtype": "float32", "shape": [None, N_FEATURES]}
    assert manifest["outputs"] == {
        "failure_prob": "failure_prob",
        "anomaly_score": "anomaly_score",
        "fault_probs": "fault_probs",
    }
    assert sorted(manifest["fault_classes"]) == sorted(FAILURE_MODES)
    assert manifest["window"] >= 2 and manifest["sample_period_s"] == DEFAULT_SAMPLE_PERIOD_S
    assert manifest["horizon_s"] == 24 * HOUR
    assert 0.0 < manifest["failure_threshold"] < 1.0 and manifest["anomaly_threshold"] == 0.5
    assert manifest["training_data"]["source"] == "simulator"


def test_onnx_matches_scikit_learn_on_held_out_windows(manifest: dict) -> None:  # type: ignore[type-arg]
    assert manifest["parity"]["rows"] > 1000
    assert manifest["parity"]["failure_prob_max_abs_diff"] < 1e-5
    assert manifest["parity"]["anomaly_score_max_abs_diff"] < 1e-5
    assert manifest["parity"]["fault_probs_max_abs_diff"] < 1e-5


def test_held_out_metrics_are_useful(manifest: dict) -> None:  # type: ignore[type-arg]
    failure = manifest["metrics"]["failure"]
    assert failure["roc_auc"] > 0.85
    assert failure["f1"] > 0.6


def _first_alarm_and_breakdown(
    version_dir: Path, manifest: dict, machine: SimulatedMachine, alarms: int = 1
) -> tuple[int | None, int | None, str | None]:  # type: ignore[type-arg]
    """The step of the first alarm, of a breakdown without one, and the fault most of the first
    ``alarms`` alarms name (the engine titles a ticket by the last five verdicts' commonest fault)."""
    sess = ort.InferenceSession(str(version_dir / "model.onnx"))
    outputs = [manifest["outputs"]["failure_prob"], manifest["outputs"]["fault_probs"]]
    window = RollingWindow(manifest["window"])
    first: int | None = None
    named: list[str] = []
    for k in range(2000):
        window.push(*machine.step())
        if machine.failed:
            break
        if window.full:
            prob, faults = sess.run(outputs, {"features": window_features(window.array())[None, :]})
            if prob[0] >= manifest["failure_threshold"]:
                first = k if first is None else first
                named.append(manifest["fault_classes"][int(faults[0].argmax())])
                if len(named) == alarms:
                    break
    if first is None:
        return None, (k if machine.failed else None), None
    return first, None, Counter(named).most_common(1)[0][0]


@pytest.mark.parametrize("mode", ["bearing_wear", "cooling_fault", "imbalance"])
def test_failing_machine_is_flagged_hours_before_breakdown(
    version_dir: Path, manifest: dict, mode: str
) -> None:  # type: ignore[type-arg]
    # Seeds far from the training fleets': a machine the model has never seen.
    machine = SimulatedMachine(
        "pump", 987_654, failure=mode, failure_onset_s=6 * HOUR, failure_duration_s=60 * HOUR
    )
    alarm, breakdown, fault = _first_alarm_and_breakdown(version_dir, manifest, machine)
    assert breakdown is None, "the machine broke down without a warning"
    assert alarm is not None
    # The quick model learns modes from two failures each: it must name one, not necessarily the right one.
    assert fault in FAILURE_MODES
    lead_h = machine.time_to_failure_s / HOUR  # type: ignore[operator]
    assert lead_h >= 12.0


def test_healthy_machine_is_not_flagged(version_dir: Path, manifest: dict) -> None:  # type: ignore[type-arg]
    for machine_type in ("pump", "compressor", "cnc_spindle"):
        alarm, _, _ = _first_alarm_and_breakdown(
            version_dir, manifest, SimulatedMachine(machine_type, 987_655)
        )
        assert alarm is None, machine_type


@pytest.fixture(scope="module")
def shipped_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model the demo and ``maintainx model retrain`` train (full settings, ~15 s)."""
    return train_default_model(tmp_path_factory.mktemp("shipped"), seed=0, quick=False)


def test_the_shipped_model_names_the_failure_mode(shipped_dir: Path) -> None:
    manifest = json.loads((shipped_dir / "manifest.json").read_text())
    fault = manifest["metrics"]["fault"]
    # Held-out machines (2026-12 figures: 0.978 of windows, 21/21 failures at their first warning).
    assert fault["failures"] >= 15
    assert fault["window_accuracy"] >= 0.9 and fault["first_warning_accuracy"] >= 0.9
    assert min(fault["recall_per_mode"].values()) >= 0.85, fault["recall_per_mode"]
    for mode in FAILURE_MODES:
        machine = SimulatedMachine(
            "pump", 987_654, failure=mode, failure_onset_s=6 * HOUR, failure_duration_s=60 * HOUR
        )
        alarm, breakdown, named = _first_alarm_and_breakdown(shipped_dir, manifest, machine, alarms=5)
        assert alarm is not None and breakdown is None, mode
        assert named == mode, f"a developing {mode} was named {named}"


def test_command_line_prints_the_version_folder_and_metrics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--out", str(tmp_path), "--quick", "--seed", "1"]) == 0
    line = json.loads(capsys.readouterr().out.strip())
    assert Path(line["version_dir"]).is_dir()
    assert Path(line["version_dir"]).parent == tmp_path
    assert "failure" in line["metrics"]


def test_training_twice_with_the_same_seed_gives_the_same_model(version_dir: Path, tmp_path: Path) -> None:
    again = train_default_model(tmp_path, seed=0, quick=True)
    assert (again / "model.onnx").read_bytes() == (version_dir / "model.onnx").read_bytes()
    assert again.name.split("-")[-1] == version_dir.name.split("-")[-1]
