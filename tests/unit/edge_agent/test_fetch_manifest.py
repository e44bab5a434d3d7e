"""The update helper reads the signed manifest with the one manifest type, before it downloads anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloud.registry.signing import sign_manifest
from contract.manifest import ManifestError
from edge_agent import fetch, trust
from edge_agent.updater import ModelStore
from tests.support.tiny_model import write_model_dir
from tests.unit.edge_agent.signed_kit import WINDOW, make_key, update

pytestmark = pytest.mark.unit

# Nothing listens here: a test that reached the download would fail with a DownloadError instead.
UNREACHABLE = "http://127.0.0.1:9/blob"


def signed_envelope(tmp_path: Path, **changes: object) -> tuple[str, str]:
    """A tiny model's manifest, changed, signed by a key the agent trusts; returns envelope and version."""
    folder = write_model_dir(tmp_path / "v1", version="v1", window=WINDOW)
    manifest = json.loads((folder / "manifest.json").read_text()) | changes
    return sign_manifest(manifest, serial=1, key=make_key(tmp_path)), "v1"


def prepare(tmp_path: Path, envelope: str, version: str, window: int = WINDOW) -> fetch.Prepared:
    return fetch.prepare(
        update(UNREACHABLE, envelope, version),
        store=ModelStore(tmp_path / "models"),
        keys_dir=tmp_path / "keys",
        window=window,
        current_serial=None,
    )


def test_a_signed_manifest_no_agent_could_load_is_refused_naming_the_field(tmp_path: Path) -> None:
    envelope, version = signed_envelope(tmp_path, window="ten")
    with pytest.raises(
        ManifestError, match=r"signed manifest of v1: Expected `int`, got `str` - at `\$.window`"
    ):
        prepare(tmp_path, envelope, version)


def test_a_signed_manifest_for_another_window_is_refused_before_downloading(tmp_path: Path) -> None:
    envelope, version = signed_envelope(tmp_path)
    with pytest.raises(trust.TrustError, match=f"expects windows of {WINDOW} samples, this agent keeps 30"):
        prepare(tmp_path, envelope, version, window=30)
