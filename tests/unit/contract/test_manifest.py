"""One manifest type: old manifests still load, what is written reads back, and bad ones say what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract.manifest import (
    ManifestError,
    ModelInput,
    ModelManifest,
    ModelOutputs,
    decode_manifest,
    encode_manifest,
    manifest_from_dict,
    read_manifest,
)

pytestmark = pytest.mark.unit

# A manifest exactly as training wrote it before the type existed (release 0.1, a model without a fault
# classifier): the agents in the field have these on disk and the registry has them in its database.
OLD_MANIFEST = """{
  "name": "maintainx-failure",
  "version": "20260301T101500Z-1a2b3c4d",
  "created_at": "2026-03-01T10:15:00Z",
  "model_file": "model.onnx",
  "sha256": "%s",
  "size": 48213,
  "features": ["temperature_mean", "vibration_rms"],
  "window": 60,
  "sample_period_s": 60.0,
  "horizon_s": 86400.0,
  "input": {"name": "features", "dtype": "float32", "shape": [null, 2]},
  "outputs": {"failure_prob": "failure_prob", "anomaly_score": "anomaly_score"},
  "fault_classes": [],
  "anomaly_threshold": 0.5,
  "failure_threshold": 0.62,
  "metrics": {"failure": {"f1": 0.91}},
  "parity": {"failure_prob_max_abs_diff": 2.9e-07, "rows": 2048},
  "training_data": {"machines": 40, "seed": 7}
}
""" % ("ab" * 32)


def test_a_manifest_written_before_the_type_existed_still_loads(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(OLD_MANIFEST)
    manifest = read_manifest(tmp_path)
    assert manifest.version == "20260301T101500Z-1a2b3c4d"
    assert manifest.window == 60 and manifest.failure_threshold == 0.62
    assert manifest.outputs == ModelOutputs("failure_prob", "anomaly_score")
    assert manifest.input == ModelInput("features", "float32", [None, 2])


def test_writing_a_loaded_manifest_gives_back_the_same_json() -> None:
    manifest = decode_manifest(OLD_MANIFEST)
    assert json.loads(encode_manifest(manifest)) == json.loads(OLD_MANIFEST)


def test_a_hand_made_manifest_with_a_sentence_for_training_data_and_unknown_fields_loads() -> None:
    data = json.loads(OLD_MANIFEST) | {"training_data": "none: hand-set weights", "added_later": {"x": 1}}
    del data["horizon_s"], data["metrics"], data["parity"], data["created_at"]
    manifest = manifest_from_dict(data)
    assert manifest.training_data == "none: hand-set weights" and manifest.horizon_s is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"window": None}, r"Expected `int`, got `null` - at `\$.window`"),
        ({"sha256": "xyz"}, r"at `\$.sha256`"),
        ({"size": 0}, r"Expected `int` >= 1 - at `\$.size`"),
        ({"failure_threshold": 1.5}, r"at `\$.failure_threshold`"),
        ({"outputs": {"failure_prob": "p"}}, r"missing required field `anomaly_score` - at `\$.outputs`"),
        ({"fault_classes": ["Bearing Wear"]}, r"at `\$.fault_classes\[0\]`"),
    ],
)
def test_a_bad_field_is_named_with_the_source(change: dict[str, object], message: str) -> None:
    data = json.loads(OLD_MANIFEST) | change
    with pytest.raises(ManifestError, match=f"^invalid_manifest: gw/manifest.json: .*{message}"):
        decode_manifest(json.dumps(data), source="gw/manifest.json")


def test_a_missing_or_unreadable_manifest_is_a_manifest_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="cannot read"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ManifestError, match=r"malformed|JSON"):
        read_manifest(tmp_path)


def test_encoding_refuses_a_struct_built_in_code_that_no_agent_would_load() -> None:
    manifest = decode_manifest(OLD_MANIFEST)
    broken = ModelManifest(**{**{f: getattr(manifest, f) for f in manifest.__struct_fields__}, "window": 1})
    with pytest.raises(ManifestError, match=r"\$.window"):
        encode_manifest(broken)


@given(st.binary(max_size=300))
def test_any_bytes_give_a_manifest_or_a_manifest_error(data: bytes) -> None:
    try:
        manifest = decode_manifest(data)
    except ManifestError as exc:
        assert exc.reason == "invalid_manifest" and str(exc)
    else:
        assert manifest.window >= 2 and len(manifest.sha256) == 64
