"""The serving model: verified updates swap in, refused ones leave the old model serving, failures revert."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from contract.features import N_FEATURES
from contract.payloads import DeploymentReport
from edge_agent.inference import Model, load_model, read_manifest
from edge_agent.serving import LATENCY_STRIKES, ServingModel
from tests.support.tiny_model import tiny_onnx_bytes, write_model_dir
from tests.unit.edge_agent.signed_kit import (
    WINDOW,
    BlobServer,
    blob_server,
    make_key,
    nan_onnx,
    signed_model,
    update,
)

pytestmark = pytest.mark.unit

FEATURES = np.full((2, N_FEATURES), 0.5, dtype=np.float32)


class Harness:
    """A ServingModel on a baseline model v1 (serial 1), its reports, a signing key and a blob server."""

    def __init__(self, tmp_path: Path, server: BlobServer) -> None:
        self.tmp = tmp_path
        self.server = server
        self.key = make_key(tmp_path)
        baseline = tmp_path / "installed"
        _, env = signed_model(tmp_path / "src", self.key, version="v1", serial=1)
        write_model_dir(baseline, version="v1", window=WINDOW)
        (baseline / "signed.json").write_text(env)
        self.reports: list[DeploymentReport] = []
        self.serving = ServingModel.open(
            model_dir=baseline, data_dir=tmp_path / "data", gateway_id="gw-1", keys_dir=tmp_path / "keys"
        )
        self.serving.set_reporter(self.reports.append)

    def command(self, version: str, serial: int, onnx: bytes | None = None, **fields: object):
        data, envelope = signed_model(self.tmp / "src", self.key, version=version, serial=serial, onnx=onnx)
        return update(self.server.add(data), envelope, version, **fields)

    def states(self) -> list[str]:
        return [r.state for r in self.reports]


@pytest.fixture
def harness(tmp_path: Path):
    with blob_server() as server:
        yield Harness(tmp_path, server)


def test_a_signed_newer_model_is_installed_and_serves(harness: Harness) -> None:
    assert harness.serving.apply(harness.command("v2", 2)) == "active"
    assert harness.serving.version == "v2"
    assert harness.states() == ["downloading", "active"]
    assert harness.serving.store.pointer("current").name == "v2"  # type: ignore[union-attr]
    harness.serving.predict(FEATURES)


def test_tampered_bytes_are_rejected_and_the_old_model_keeps_serving(harness: Harness) -> None:
    harness.server.corrupt = True
    assert harness.serving.apply(harness.command("v2", 2)) == "rejected"
    assert harness.serving.version == "v1"
    assert "tampered" in harness.reports[-1].detail
    assert harness.serving.store.pointer("current") is None


def test_a_model_signed_by_an_unknown_key_is_rejected(harness: Harness) -> None:
    other = make_key(harness.tmp / "elsewhere", "other")
    data, envelope = signed_model(harness.tmp / "src", other, version="v2", serial=2)
    state = harness.serving.apply(update(harness.server.add(data), envelope, "v2"))
    assert state == "rejected" and "unsigned" in harness.reports[-1].detail
    assert harness.serving.version == "v1"
    assert harness.server.ranges == []  # nothing was even downloaded


def test_an_older_model_is_refused_as_a_rollback_unless_pinned(harness: Harness) -> None:
    assert harness.serving.apply(harness.command("v3", 3)) == "active"
    assert harness.serving.apply(harness.command("v2", 2)) == "rejected"
    assert "rollback" in harness.reports[-1].detail and harness.serving.version == "v3"
    assert harness.serving.apply(harness.command("v2", 2, pinned=True)) == "active"
    assert harness.serving.version == "v2"


def test_a_model_scoring_nan_is_reverted_on_its_first_run_and_reported(harness: Harness) -> None:
    assert harness.serving.apply(harness.command("v2", 2, onnx=nan_onnx())) == "active"
    failure = harness.serving.predict(FEATURES).failure  # answered by the restored model
    assert all(np.isfinite(failure))
    assert harness.serving.version == "v1"
    assert harness.reports[-1].state == "rolled_back" and "NaN" in harness.reports[-1].detail
    assert harness.reports[-1].serving == "v1"
    # The same update sent again (a retained message after a restart) is not installed again.
    assert harness.serving.apply(harness.command("v2", 2, onnx=nan_onnx())) == "rejected"


def test_a_model_over_its_latency_budget_is_reverted(harness: Harness) -> None:
    def slow_loader(folder: Path) -> Model:
        model = load_model(folder)
        if model.version == "v2":
            inner = model.predict
            model.predict = lambda f: (time.sleep(0.02), inner(f))[1]  # type: ignore[method-assign]
        return model

    harness.serving._loader = slow_loader
    assert harness.serving.apply(harness.command("v2", 2, latency_budget_ms=5.0)) == "active"
    for _ in range(LATENCY_STRIKES):
        harness.serving.predict(FEATURES)
    assert harness.serving.version == "v1"
    assert harness.reports[-1].state == "rolled_back" and "budget" in harness.reports[-1].detail


def test_a_shadow_model_never_serves_but_reports_agreement(harness: Harness) -> None:
    harness.serving._shadow_report_s = 0.0
    same = tiny_onnx_bytes()
    assert harness.serving.apply(harness.command("v2", 2, onnx=same, mode="shadow")) == "shadow"
    for _ in range(3):
        harness.serving.predict(FEATURES)
    assert harness.serving.version == "v1"
    stats = harness.reports[-1].shadow
    assert stats is not None and stats.challenger == "v2" and stats.champion == "v1"
    assert stats.windows == 2 * 3
    assert stats.agreement == 1.0 and stats.mean_abs_diff == 0.0


def test_a_restarted_agent_serves_the_installed_update(harness: Harness, tmp_path: Path) -> None:
    harness.serving.apply(harness.command("v2", 2))
    again = ServingModel.open(
        model_dir=tmp_path / "installed",
        data_dir=tmp_path / "data",
        gateway_id="gw-1",
        keys_dir=tmp_path / "keys",
    )
    assert again.version == "v2"


def test_a_corrupt_installed_update_falls_back_to_the_previous_good_update_not_the_factory_model(
    harness: Harness, tmp_path: Path
) -> None:
    assert harness.serving.apply(harness.command("v2", 2)) == "active"
    assert harness.serving.apply(harness.command("v3", 3)) == "active"
    v3 = harness.serving.store.pointer("current")
    assert v3 is not None and v3.name == "v3"
    # A flipped byte on the gateway's flash: the file no longer matches its signed manifest.
    model = v3 / "model.onnx"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    again = ServingModel.open(
        model_dir=tmp_path / "installed",
        data_dir=tmp_path / "data",
        gateway_id="gw-1",
        keys_dir=tmp_path / "keys",
    )
    assert again.version == "v2"
    assert again.store.pointer("current").name == "v2"  # type: ignore[union-attr]
    again.predict(FEATURES)
    # The factory model is the answer only when the last good update is unusable too.
    (again.store.pointer("previous") / "model.onnx").write_bytes(b"not a model")  # type: ignore[operator]
    third = ServingModel.open(
        model_dir=tmp_path / "installed",
        data_dir=tmp_path / "data",
        gateway_id="gw-1",
        keys_dir=tmp_path / "keys",
    )
    assert third.version == "v1"


def test_an_update_failing_at_run_time_goes_back_to_the_previous_update(harness: Harness) -> None:
    assert harness.serving.apply(harness.command("v2", 2)) == "active"
    assert harness.serving.apply(harness.command("v3", 3, onnx=nan_onnx())) == "active"
    harness.serving.predict(FEATURES)
    assert harness.serving.version == "v2"
    assert harness.reports[-1].state == "rolled_back" and harness.reports[-1].serving == "v2"


def test_the_ansible_layout_current_link_in_the_models_folder_is_taken_over(tmp_path: Path) -> None:
    # The role installs <data_dir>/models/<version>/ and points <data_dir>/models/current at it.
    models = tmp_path / "data" / "models"
    write_model_dir(models / "bundle-1", version="bundle-1", window=WINDOW)
    (models / "current").symlink_to("bundle-1")
    key = make_key(tmp_path)
    with blob_server() as server:
        serving = ServingModel.open(
            model_dir=models / "current",
            data_dir=tmp_path / "data",
            gateway_id="gw-1",
            keys_dir=tmp_path / "keys",
        )
        assert serving.version == "bundle-1"
        data, envelope = signed_model(tmp_path / "src", key, version="v2", serial=2, onnx=nan_onnx())
        assert serving.apply(update(server.add(data), envelope, "v2")) == "active"
        assert serving.store.pointer("previous") == (models / "bundle-1").resolve()
        serving.predict(FEATURES)  # NaN: back to the bundle's model
    assert serving.version == "bundle-1"
    assert (models / "current").resolve() == (models / "bundle-1").resolve()


def test_models_serve_from_their_ort_forms_and_forms_of_deleted_versions_go_too(harness: Harness) -> None:
    serving = harness.serving
    cache = serving.store.root / "ort"
    assert serving._model.source is not None and serving._model.source.parent == cache  # the baseline's
    for serial in range(2, 6):  # distinct bytes each: the store keeps three versions, v2 is deleted
        onnx = tiny_onnx_bytes(failure_bias=-3.0 + serial / 10)
        assert serving.apply(harness.command(f"v{serial}", serial, onnx=onnx)) == "active"
        assert serving._model.source is not None and serving._model.source.parent == cache
    installed = {p.name for p in (serving.store.root / "versions").iterdir() if p.is_dir()}
    assert "v2" not in installed and {"v4", "v5"} <= installed
    sha256s = {read_manifest(serving.store.root / "versions" / v).sha256 for v in installed}
    sha256s.add(read_manifest(harness.tmp / "installed").sha256)
    forms = {p.name.split("-")[0] for p in cache.glob("*.ort")}
    assert forms == sha256s
