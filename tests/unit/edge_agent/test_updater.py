"""Downloads resume where they stopped and keep only signed bytes; the store swaps models atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from edge_agent import trust
from edge_agent.updater import DownloadError, ModelStore, download
from tests.unit.edge_agent.signed_kit import blob_server, make_key, signed_model

pytestmark = pytest.mark.unit


@pytest.fixture
def signed(tmp_path: Path) -> tuple[bytes, trust.SignedPayload, str]:
    key = make_key(tmp_path)
    data, envelope = signed_model(tmp_path / "src", key, version="v2", serial=2)
    return data, trust.verify_envelope(envelope, trust.load_trusted_keys(tmp_path / "keys")), envelope


def test_a_cut_download_resumes_with_a_range_request_and_ends_with_the_signed_bytes(
    tmp_path: Path, signed: tuple[bytes, trust.SignedPayload, str]
) -> None:
    data, payload, _ = signed
    part = tmp_path / "m.part"
    with blob_server() as server:
        url = server.add(data)
        server.cut_after = len(data) // 3
        server.release.set()  # no stall: the connection drops right after the cut
        with pytest.raises(DownloadError, match="closed at"):
            download(url, part, payload)
        # What arrived before the cut is kept for resuming (a short file is never verified as whole).
        assert 0 < part.stat().st_size <= len(data) // 3
        have = part.stat().st_size
        download(url, part, payload)
    assert part.read_bytes() == data
    assert server.ranges == [None, f"bytes={have}-"]


def test_bytes_that_do_not_match_the_signed_hash_are_deleted_not_resumed(
    tmp_path: Path, signed: tuple[bytes, trust.SignedPayload, str]
) -> None:
    data, payload, _ = signed
    part = tmp_path / "m.part"
    with blob_server() as server:
        url = server.add(data)
        server.corrupt = True
        with pytest.raises(trust.TamperedError):
            download(url, part, payload)
    assert not part.exists()


def test_an_unreachable_server_is_a_download_error(
    tmp_path: Path, signed: tuple[bytes, trust.SignedPayload, str]
) -> None:
    _, payload, _ = signed
    with blob_server() as server:
        url = f"{server.base}/blobs/{payload.sha256}"
    with pytest.raises(DownloadError, match="download stopped at 0"):
        download(url, tmp_path / "m.part", payload, timeout=2.0)


def test_install_then_activate_swaps_current_and_keeps_the_old_one_as_previous(
    tmp_path: Path, signed: tuple[bytes, trust.SignedPayload, str]
) -> None:
    data, payload, envelope = signed
    store = ModelStore(tmp_path / "models")
    old = tmp_path / "src" / "v2"  # any complete model folder stands in for the old current one
    store.activate(old)
    part = store.part_path(payload.sha256)
    part.write_bytes(data)
    folder = store.install(payload, envelope, part)
    assert (folder / "model.onnx").read_bytes() == data and not part.exists()
    assert store.serial(folder) == 2
    store.activate(folder)
    assert store.pointer("current") == folder.resolve()
    assert store.pointer("previous") == old.resolve()
    assert os.path.islink(store.root / "current")
    assert store.revert() == old.resolve()
    assert store.pointer("current") == old.resolve()


def test_a_version_name_cannot_escape_the_store(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models")
    for bad in ("../x", ".hidden", "a/b", ""):
        with pytest.raises(trust.ModelError):
            store.version_dir(bad)


def test_failed_versions_are_remembered_until_cleared(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models")
    store.mark_failed("v3", "NaN scores")
    assert store.failed("v3") == "NaN scores"
    store.clear_failed("v3")
    assert store.failed("v3") is None


def test_a_real_folder_where_the_current_link_belongs_is_never_replaced(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "models")
    (store.root / "current").mkdir()
    with pytest.raises(trust.ModelError, match="is a folder, not a link"):
        store.activate(tmp_path)
    assert (store.root / "current").is_dir() and not (store.root / "current").is_symlink()
