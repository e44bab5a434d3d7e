"""Signed manifests: only a valid, unexpired signature by a trusted key admits a model, never an older one."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge_agent import trust
from tests.unit.edge_agent.signed_kit import make_key, signed_model

pytestmark = pytest.mark.unit


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Ed25519PrivateKey, dict[str, Any]]:
    key = make_key(tmp_path)
    return key, trust.load_trusted_keys(tmp_path / "keys")


def test_a_signed_manifest_verifies_and_names_version_serial_and_hash(tmp_path: Path, keys) -> None:
    key, trusted = keys
    data, envelope = signed_model(tmp_path, key, version="v2", serial=2)
    payload = trust.verify_envelope(envelope, trusted)
    assert (payload.version, payload.serial, payload.size) == ("v2", 2, len(data))
    path = tmp_path / "v2" / "model.onnx"
    trust.verify_file(path, payload)  # the bytes match: no exception


def test_a_changed_payload_byte_breaks_the_signature(tmp_path: Path, keys) -> None:
    key, trusted = keys
    _, envelope = signed_model(tmp_path, key, version="v2", serial=2)
    env = json.loads(envelope)
    env["payload"] = env["payload"].replace('"serial":2', '"serial":9')
    with pytest.raises(trust.SignatureError, match="does not verify"):
        trust.verify_envelope(json.dumps(env), trusted)


def test_a_garbled_signature_is_refused(tmp_path: Path, keys) -> None:
    key, trusted = keys
    _, envelope = signed_model(tmp_path, key, version="v2", serial=2)
    env = json.loads(envelope)
    env["signatures"][0]["sig"] = base64.b64encode(b"\0" * 64).decode()
    with pytest.raises(trust.SignatureError):
        trust.verify_envelope(json.dumps(env), trusted)


def test_a_manifest_signed_by_an_untrusted_key_is_unsigned_for_this_gateway(tmp_path: Path, keys) -> None:
    _, trusted = keys
    stranger = make_key(tmp_path / "other", "stranger")
    _, envelope = signed_model(tmp_path, stranger, version="v2", serial=2)
    with pytest.raises(trust.UnsignedError, match="none of which is a trusted key"):
        trust.verify_envelope(envelope, trusted)


def test_a_manifest_without_signatures_is_refused(tmp_path: Path, keys) -> None:
    key, trusted = keys
    _, envelope = signed_model(tmp_path, key, version="v2", serial=2)
    env = json.loads(envelope)
    env["signatures"] = []
    with pytest.raises(trust.UnsignedError, match="no signature"):
        trust.verify_envelope(json.dumps(env), trusted)


def test_an_expired_manifest_is_refused(tmp_path: Path, keys) -> None:
    key, trusted = keys
    signed_at = datetime.now(UTC) - timedelta(days=2)
    _, envelope = signed_model(
        tmp_path, key, version="v2", serial=2, validity=timedelta(days=1), now=signed_at
    )
    with pytest.raises(trust.ExpiredError, match="expired"):
        trust.verify_envelope(envelope, trusted)


def test_an_older_serial_is_a_rollback_unless_pinned(tmp_path: Path, keys) -> None:
    key, trusted = keys
    _, envelope = signed_model(tmp_path, key, version="v1", serial=1)
    payload = trust.verify_envelope(envelope, trusted)
    with pytest.raises(trust.RollbackError, match="pin it explicitly"):
        trust.admit(payload, current_serial=2)
    trust.admit(payload, current_serial=2, pinned=True)
    trust.admit(payload, current_serial=1)
    trust.admit(payload, current_serial=None)


def test_bytes_that_differ_from_the_signed_hash_are_tampered(tmp_path: Path, keys) -> None:
    key, trusted = keys
    data, envelope = signed_model(tmp_path, key, version="v2", serial=2)
    payload = trust.verify_envelope(envelope, trusted)
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(bytes([data[0] ^ 1]) + data[1:])
    with pytest.raises(trust.TamperedError, match="differs from the signed"):
        trust.verify_file(bad, payload)
    bad.write_bytes(data + b"x")
    with pytest.raises(trust.TamperedError, match="bytes"):
        trust.verify_file(bad, payload)


def test_a_key_that_is_not_ed25519_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    ec = generate_private_key(SECP256R1()).public_key()
    pem = ec.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "keys" / "ec.pub").write_bytes(pem)
    with pytest.raises(trust.TrustError, match=r"ec\.pub.*only ed25519"):
        trust.load_trusted_keys(tmp_path / "keys")


def test_importing_trust_does_not_load_cryptography() -> None:
    code = (
        "import sys, edge_agent.trust, edge_agent.updater, edge_agent.serving; "
        "print(sorted(m for m in ('cryptography', 'urllib.request') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
