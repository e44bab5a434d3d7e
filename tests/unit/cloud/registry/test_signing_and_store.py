"""Signing writes envelopes the agent verifies; the blob store keeps bytes by hash; canaries are stable."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from cloud.registry import rollout, signing
from cloud.registry.errors import NotFoundError, SigningError
from cloud.registry.store import BlobStore
from edge_agent import trust

pytestmark = pytest.mark.unit

MANIFEST = {"name": "m", "version": "v7", "sha256": "ab" * 32, "size": 10, "window": 10}


def test_a_signed_manifest_verifies_with_the_public_half_and_carries_serial_and_manifest(
    tmp_path: Path,
) -> None:
    kid = signing.generate_key(tmp_path / "k.key", tmp_path / "keys" / "k.pub")
    key = signing.load_private_key(tmp_path / "k.key")
    assert signing.key_id(key) == kid
    envelope = signing.sign_manifest(MANIFEST, serial=7, key=key)
    payload = trust.verify_envelope(envelope, trust.load_trusted_keys(tmp_path / "keys"))
    assert payload.serial == 7 and payload.manifest == MANIFEST
    assert json.loads(envelope)["signatures"][0]["keyid"] == kid
    assert (tmp_path / "k.key").stat().st_mode & 0o777 == 0o600


def test_an_encrypted_key_needs_its_passphrase(tmp_path: Path) -> None:
    signing.generate_key(tmp_path / "k.key", tmp_path / "k.pub", passphrase=b"s3cret")
    with pytest.raises(SigningError, match=r"k\.key"):
        signing.load_private_key(tmp_path / "k.key")
    signing.load_private_key(tmp_path / "k.key", b"s3cret")


def test_a_manifest_without_a_hash_is_not_signed(tmp_path: Path) -> None:
    signing.generate_key(tmp_path / "k.key", tmp_path / "k.pub")
    key = signing.load_private_key(tmp_path / "k.key")
    with pytest.raises(SigningError, match="sha256"):
        signing.sign_manifest({"version": "v", "size": 1}, serial=1, key=key)


def test_the_blob_store_names_files_by_content_and_stores_each_once(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "store")
    src = tmp_path / "a.bin"
    src.write_bytes(b"model bytes")
    sha, size = store.put_file(src)
    assert size == 11 and store.open_path(sha).read_bytes() == b"model bytes"
    assert store.put_file(src) == (sha, size)
    assert [p.name for p in (tmp_path / "store").rglob("*") if p.is_file()] == [sha]
    with pytest.raises(NotFoundError):
        store.open_path("../../etc/passwd")
    with pytest.raises(NotFoundError):
        store.open_path("0" * 64)


def test_a_canary_grows_by_stage_and_differs_between_rollouts() -> None:
    gateways = [f"gw-{i:02d}" for i in range(20)]
    rid = uuid.uuid4()
    order = rollout.canary_order(rid, gateways)
    assert sorted(order) == gateways and rollout.canary_order(rid, list(reversed(gateways))) == order
    assert [rollout.stage_count(s, 20) for s in (0.1, 0.5, 1.0)] == [2, 10, 20]
    assert rollout.stage_count(0.01, 3) == 1 and rollout.stage_count(0.5, 0) == 0
    others = {tuple(rollout.canary_order(uuid.uuid4(), gateways)[:2]) for _ in range(5)}
    assert len(others) > 1
