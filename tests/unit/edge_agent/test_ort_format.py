"""A model's ORT form is derived from the verified ONNX file, scores the same, and is checked before use."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from contract.features import N_FEATURES
from edge_agent import ort_format
from edge_agent.errors import ModelError
from edge_agent.files import size_and_sha256
from edge_agent.inference import load_model, read_manifest

pytestmark = pytest.mark.unit

FEATURES = np.linspace(0.0, 2.0, 4 * N_FEATURES, dtype=np.float32).reshape(4, N_FEATURES)


def onnx_of(model_dir: Path) -> tuple[Path, str]:
    manifest = read_manifest(model_dir)
    return model_dir / manifest.model_file, manifest.sha256


def test_a_model_loads_from_its_ort_form_and_scores_as_the_onnx_model_does(
    model_dir: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "ort"
    from_onnx = load_model(model_dir)
    from_ort = load_model(model_dir, ort_cache=cache)  # converted in a child process, then loaded
    assert from_onnx.source is not None and from_onnx.source.suffix == ".onnx"
    assert (
        from_ort.source is not None and from_ort.source.suffix == ".ort" and from_ort.source.parent == cache
    )
    assert from_ort.predict(FEATURES) == from_onnx.predict(FEATURES)
    record = json.loads(from_ort.source.with_suffix(".json").read_text())
    assert record == {
        "onnx_sha256": read_manifest(model_dir).sha256,
        "onnxruntime": ort.__version__,
        "size": size_and_sha256(from_ort.source)[0],
        "sha256": size_and_sha256(from_ort.source)[1],
    }


def test_an_altered_ort_file_is_not_loaded_and_the_onnx_model_is(model_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "ort"
    onnx, sha256 = onnx_of(model_dir)
    converted = ort_format.convert(onnx, sha256, cache)
    data = bytearray(converted.read_bytes())
    data[-10] ^= 0xFF
    converted.write_bytes(bytes(data))
    assert ort_format.cached(cache, sha256) is None
    model = load_model(model_dir, ort_cache=cache)  # converts again: the altered file is replaced
    assert model.source is not None and model.source.suffix == ".ort"
    assert ort_format.cached(cache, sha256) is not None


def test_an_ort_file_written_by_another_onnxruntime_is_not_used(model_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "ort"
    onnx, sha256 = onnx_of(model_dir)
    converted = ort_format.convert(onnx, sha256, cache)
    record_path = converted.with_suffix(".json")
    record = json.loads(record_path.read_text())
    record_path.write_text(json.dumps({**record, "onnxruntime": "1.0.0"}))
    assert ort_format.cached(cache, sha256) is None


def test_an_onnx_file_that_does_not_match_the_verified_hash_is_not_converted(
    model_dir: Path, tmp_path: Path
) -> None:
    onnx, _ = onnx_of(model_dir)
    with pytest.raises(ModelError, match="sha256"):
        ort_format.convert(onnx, "0" * 64, tmp_path / "ort")
    assert not list((tmp_path / "ort").glob("*.ort"))


def test_a_failed_conversion_falls_back_to_the_onnx_model(model_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "ort"
    cache.write_text("a file where the cache folder should be")  # the child cannot write there
    model = load_model(model_dir, ort_cache=cache)
    assert model.source is not None and model.source.suffix == ".onnx"
    assert model.predict(FEATURES) == load_model(model_dir).predict(FEATURES)


def test_pruning_keeps_only_the_named_models_forms(model_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "ort"
    onnx, sha256 = onnx_of(model_dir)
    kept = ort_format.convert(onnx, sha256, cache)
    stale = cache / f"{'a' * 64}-{ort.__version__}.ort"
    stale.write_bytes(b"old")
    ort_format.prune(cache, {sha256})
    assert sorted(p.name for p in cache.iterdir()) == sorted([kept.name, kept.with_suffix(".json").name])
