"""Trust in a model before it runs: ed25519-signed manifests, checked against keys installed with the agent.

A signed manifest is an envelope ``{"payload": "<JSON text>", "signatures": [{"keyid", "sig"}]}``. The
signature covers the payload text byte for byte, so no JSON canonicalisation can make signer and verifier
disagree. The payload says what may run: the whole model manifest (hash, size, features, window, input and
output schema, thresholds), the registry's ``serial`` (which only grows) and an ``expires`` time.

An agent refuses a model that is unsigned, signed by no trusted key, badly signed, expired, whose bytes do
not match, or whose serial is below the serial it runs now (a rollback attack) unless an operator pinned it.
``cryptography`` is imported only inside the functions that verify: it costs resident memory that an agent
which never receives an update need not pay.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import msgspec

from contract.manifest import MANIFEST_KIND, ModelManifest, manifest_from_dict
from edge_agent.errors import ModelError
from edge_agent.files import size_and_sha256

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# The signed payload names the manifest format it carries (contract.manifest owns the name).
PAYLOAD_KIND = MANIFEST_KIND
# Public key files the agent trusts: PEM (SubjectPublicKeyInfo) with one of these suffixes.
KEY_SUFFIXES = (".pub", ".pem")
# Hex digits of sha256(raw public key) that name a key in a signature; 16 (64 bits) cannot collide by chance.
KEYID_HEX = 16


class TrustError(ModelError):
    """A model that is not trusted; ``reason`` is a short code for reports and metrics."""

    reason = "untrusted"


class UnsignedError(TrustError):
    """No signature, or none by a key this agent trusts."""

    reason = "unsigned"


class SignatureError(TrustError):
    """A signature that does not verify, or an envelope that cannot be read."""

    reason = "bad_signature"


class ExpiredError(TrustError):
    """The signed manifest's ``expires`` time has passed."""

    reason = "expired"


class RollbackError(TrustError):
    """An older model than the one running, and no operator pin."""

    reason = "rollback"


class TamperedError(TrustError):
    """The artifact's bytes differ from the signed hash or size."""

    reason = "tampered"


class Signature(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One signature over the payload text."""

    keyid: str
    sig: str


class Envelope(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The signed manifest as it travels and as it is stored beside the model."""

    payload: str
    signatures: list[Signature] = []


class SignedPayload(msgspec.Struct, frozen=True):
    """What the signature vouches for."""

    kind: str
    serial: Annotated[int, msgspec.Meta(ge=1)]
    expires: Annotated[datetime, msgspec.Meta(tz=True)]
    signed_at: Annotated[datetime, msgspec.Meta(tz=True)]
    manifest: dict[str, Any]

    def model_manifest(self) -> ModelManifest:
        """The signed manifest as the one manifest type; ManifestError naming the field that is wrong.

        ``manifest`` stays the dict that was signed, so what is installed beside the model keeps every
        field the signer vouched for, including ones this agent does not know.
        """
        return manifest_from_dict(self.manifest, source=f"signed manifest of {self.version}")

    @property
    def version(self) -> str:
        """The model version the manifest names."""
        return str(self.manifest.get("version", ""))

    @property
    def sha256(self) -> str:
        """The signed sha256 of the model file."""
        return str(self.manifest.get("sha256", ""))

    @property
    def size(self) -> int:
        """The signed size of the model file in bytes."""
        return int(self.manifest.get("size", -1))


def keyid(raw_public_key: bytes) -> str:
    """The short name of a public key: the first hex digits of the sha256 of its 32 raw bytes."""
    return hashlib.sha256(raw_public_key).hexdigest()[:KEYID_HEX]


def load_trusted_keys(keys_dir: str | Path) -> dict[str, Ed25519PublicKey]:
    """Every ed25519 public key in ``keys_dir`` by key id; raise TrustError naming a file that is not one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys: dict[str, Ed25519PublicKey] = {}
    folder = Path(keys_dir)
    if not folder.is_dir():
        return keys
    for path in sorted(folder.iterdir()):
        if path.suffix not in KEY_SUFFIXES or not path.is_file():
            continue
        try:
            key = serialization.load_pem_public_key(path.read_bytes())
        except (ValueError, OSError) as exc:
            raise TrustError(f"{path}: not a PEM public key: {exc}") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise TrustError(f"{path}: a {type(key).__name__}, only ed25519 keys are trusted")
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        keys[keyid(raw)] = key
    return keys


def verify_envelope(
    envelope: bytes | str, keys: dict[str, Ed25519PublicKey], *, now: datetime | None = None
) -> SignedPayload:
    """Check the envelope's signature by a trusted key and its expiry; return the signed payload."""
    from cryptography.exceptions import InvalidSignature

    try:
        env = msgspec.json.decode(envelope, type=Envelope)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise SignatureError(f"signed manifest cannot be read: {exc}") from exc
    trusted = [s for s in env.signatures if s.keyid in keys]
    if not env.signatures:
        raise UnsignedError("the manifest carries no signature")
    if not trusted:
        ids = ", ".join(s.keyid for s in env.signatures)
        raise UnsignedError(f"signed by {ids}, none of which is a trusted key on this gateway")
    data = env.payload.encode()
    for sig in trusted:
        try:
            keys[sig.keyid].verify(base64.b64decode(sig.sig, validate=True), data)
        except (InvalidSignature, binascii.Error, ValueError) as exc:
            raise SignatureError(f"signature by key {sig.keyid} does not verify") from exc
    try:
        payload = msgspec.json.decode(data, type=SignedPayload)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise SignatureError(f"signed payload is malformed: {exc}") from exc
    if payload.kind != PAYLOAD_KIND:
        raise SignatureError(f"signed payload is a {payload.kind!r}, expected {PAYLOAD_KIND!r}")
    moment = now or datetime.now(UTC)
    if payload.expires <= moment:
        raise ExpiredError(f"manifest of {payload.version} expired at {payload.expires.isoformat()}")
    return payload


def admit(payload: SignedPayload, *, current_serial: int | None, pinned: bool = False) -> None:
    """Refuse a model older than the running one (serial below it) unless an operator pinned it."""
    if current_serial is not None and payload.serial < current_serial and not pinned:
        raise RollbackError(
            f"{payload.version} (serial {payload.serial}) is older than the running model "
            f"(serial {current_serial}); pin it explicitly to roll back"
        )


def verify_file(path: str | Path, payload: SignedPayload) -> None:
    """Check a model file's size and sha256 against the signed manifest; raise TamperedError if not."""
    path = Path(path)
    try:
        size, sha256 = size_and_sha256(path)
    except OSError as exc:
        raise TamperedError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if size != payload.size:
        raise TamperedError(f"{path}: {size} bytes, the signed manifest says {payload.size}")
    if sha256 != payload.sha256:
        raise TamperedError(f"{path}: sha256 {sha256} differs from the signed {payload.sha256}")
