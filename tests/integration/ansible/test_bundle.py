"""The offline bundle: the manifest covers every file by sha256, and it holds only what a gateway needs."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from edge_agent.config import load_config
from tests.integration.ansible.kit import BUILD_BUNDLE, Bundle

pytestmark = pytest.mark.integration

# Distribution names (as in wheel file names) that belong to the cloud or to training, never to a gateway.
CLOUD_ONLY = (
    "fastapi",
    "sqlalchemy",
    "scikit_learn",
    "skl2onnx",
    "uvicorn",
    "alembic",
    "psycopg2",
    "pgserver",
)


def _extract(bundle: Bundle, into: Path) -> Path:
    with tarfile.open(bundle.path) as tar:
        tar.extractall(into, filter="data")
    (root,) = into.iterdir()
    return root


def test_manifest_records_the_sha256_and_size_of_every_file(bundle: Bundle, tmp_path: Path) -> None:
    root = _extract(bundle, tmp_path)
    files = {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}
    # Everything but the two indexes themselves; the model's own manifest.json is covered.
    on_disk = {name: p for name, p in files.items() if name not in ("manifest.json", "SHA256SUMS")}
    manifest = json.loads((root / "manifest.json").read_text())
    assert set(manifest["files"]) == set(on_disk)
    for name, entry in manifest["files"].items():
        data = on_disk[name].read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}, name
    sums: dict[str, str] = {}
    for line in (root / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    assert sums == {name: entry["sha256"] for name, entry in manifest["files"].items()}


def test_bundle_holds_the_edge_extra_wheels_the_model_keys_and_a_valid_example_config(
    bundle: Bundle, tmp_path: Path
) -> None:
    root = _extract(bundle, tmp_path)
    wheels = {p.name.split("-")[0].lower() for p in (root / "wheels").glob("*.whl")}
    assert {"maintainx", "numpy", "onnxruntime", "paho_mqtt", "msgspec"} <= wheels
    assert not wheels & set(CLOUD_ONLY), f"cloud-only wheels in a gateway bundle: {wheels & set(CLOUD_ONLY)}"
    assert bundle.manifest["model_version"] == "tiny-ansible-1"
    assert (root / "models" / "tiny-ansible-1" / "model.onnx").is_file()
    assert [p.name for p in (root / "keys").iterdir()] == ["release-test.pub"]
    assert load_config(root / "agent.example.toml").gateway_id == "gw-example-01"


def test_builder_refuses_a_folder_that_is_not_a_model_version(tmp_path: Path) -> None:
    (tmp_path / "not-a-model").mkdir()
    result = subprocess.run(
        [sys.executable, str(BUILD_BUNDLE), "--out", str(tmp_path), "--model", str(tmp_path / "not-a-model")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "not a model version folder, model.onnx is missing" in result.stderr
    assert not list(tmp_path.glob("*.tar.gz"))
