"""Signing model manifests with ed25519: key files, and the envelope the agents verify (edge_agent.trust).

The private key is a PEM (PKCS#8) file, optionally encrypted with a passphrase; its public half is what the
Ansible role installs into each agent's keys folder. The signed payload is the whole model manifest plus
the registry's ``serial`` and an ``expires`` time, serialised once and signed as those exact bytes.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cloud.registry.errors import SigningError
from edge_agent.trust import PAYLOAD_KIND, keyid

# A signed manifest is valid this long by default: long enough for a slow rollout, short enough that a
# leaked, superseded artifact cannot be replayed onto a gateway a year later.
DEFAULT_VALIDITY = timedelta(days=90)
PASSPHRASE_ENV = "MAINTAINX_SIGNING_PASSPHRASE"


def generate_key(private_path: Path, public_path: Path, *, passphrase: bytes | None = None) -> str:
    """Write a new ed25519 key pair (private file mode 0600); return its key id."""
    key = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    private_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key_id(key)


def load_private_key(path: Path, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    """Read an ed25519 private key; the passphrase defaults to $MAINTAINX_SIGNING_PASSPHRASE."""
    if passphrase is None and os.environ.get(PASSPHRASE_ENV):
        passphrase = os.environ[PASSPHRASE_ENV].encode()
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=passphrase)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningError(f"{path}: cannot load the signing key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"{path}: a {type(key).__name__}, signing needs an ed25519 key")
    return key


def key_id(key: Ed25519PrivateKey) -> str:
    """The key id agents know the key's public half by."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return keyid(raw)


def sign_manifest(
    manifest: dict[str, Any],
    *,
    serial: int,
    key: Ed25519PrivateKey,
    validity: timedelta = DEFAULT_VALIDITY,
    now: datetime | None = None,
) -> str:
    """The signed envelope (JSON text) for ``manifest`` as registry version number ``serial``."""
    for field in ("version", "sha256", "size"):
        if field not in manifest:
            raise SigningError(f"manifest has no {field!r}: refusing to sign it")
    signed_at = (now or datetime.now(UTC)).astimezone(UTC)
    payload = json.dumps(
        {
            "kind": PAYLOAD_KIND,
            "serial": serial,
            "signed_at": signed_at.isoformat(),
            "expires": (signed_at + validity).isoformat(),
            "manifest": manifest,
        },
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    )
    signature = base64.b64encode(key.sign(payload.encode())).decode()
    return json.dumps({"payload": payload, "signatures": [{"keyid": key_id(key), "sig": signature}]})
