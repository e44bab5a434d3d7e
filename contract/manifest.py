"""The model manifest: what a model is, how to feed it and how far to trust it, defined once.

Training writes it beside ``model.onnx``, the registry checks and stores it, signs it for the agents and
shows it through the API, and the agent verifies a model against it before loading. Before this module each
of them read the JSON its own way (a dict with required keys here, a partial struct there), so a field one
side added or renamed could be accepted by one and refused by another; now there is one type and one parser.

The JSON on disk and on the wire is unchanged: old manifests load as they are (unknown fields are ignored, so
a manifest from a newer trainer still loads on an older agent), and the signed envelope names the format
with ``MANIFEST_KIND``. A msgspec struct rather than a pydantic model, like the rest of the contract: a
gateway pays for every megabyte it imports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import msgspec

from contract.codec import ContractError
from contract.payloads import FaultName

# The format of the manifest a signed envelope carries; bumped only by an incompatible change.
MANIFEST_KIND: Final = "maintainx.model-manifest/1"
MANIFEST_FILE: Final = "manifest.json"

Sha256Hex = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
Share = Annotated[float, msgspec.Meta(ge=0, le=1)]


class ManifestError(ContractError):
    """A manifest that cannot be read or breaks the type; the message names the file and the field."""

    def __init__(self, detail: str) -> None:
        super().__init__("invalid_manifest", detail)


class ModelInput(msgspec.Struct, frozen=True):
    """The ONNX input the manifest promises: one float32 matrix, a row per window."""

    name: str
    dtype: Literal["float32"]
    shape: list[int | None]


class ModelOutputs(msgspec.Struct, frozen=True, omit_defaults=True):
    """Names of the ONNX outputs, by meaning; ``fault_probs`` only when the model classifies faults."""

    failure_prob: str
    anomaly_score: str
    fault_probs: str | None = None


class ModelManifest(msgspec.Struct, frozen=True, kw_only=True):
    """One model version's manifest (``manifest.json``); fields are in the order training writes them.

    Required: what an agent needs to load and feed the model, so the registry refuses at registration
    what every gateway would refuse later. Optional: what people read (metrics, parity, training data).
    """

    name: str
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    created_at: str | None = None
    model_file: str
    sha256: Sha256Hex
    size: Annotated[int, msgspec.Meta(gt=0)]
    # The window features, in column order; the agent refuses a model whose names differ from its own.
    features: list[str]
    window: Annotated[int, msgspec.Meta(ge=2)]
    sample_period_s: Annotated[float, msgspec.Meta(gt=0)]
    # How far ahead ``failure_prob`` looks; None in manifests of models that do not say.
    horizon_s: Annotated[float, msgspec.Meta(gt=0)] | None = None
    input: ModelInput
    outputs: ModelOutputs
    fault_classes: list[FaultName] = []
    anomaly_threshold: Share = 0.5
    failure_threshold: Share
    metrics: dict[str, Any] = {}
    parity: dict[str, Any] = {}
    # A dict from the training pipeline; hand-made models describe themselves in a sentence.
    training_data: dict[str, Any] | str = {}


def decode_manifest(data: bytes | str, *, source: str = MANIFEST_FILE) -> ModelManifest:
    """Parse and validate manifest JSON; ManifestError names ``source`` and the offending field."""
    try:
        return msgspec.json.decode(data, type=ModelManifest)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ManifestError(f"{source}: {exc}") from exc


def manifest_from_dict(data: Mapping[str, Any], *, source: str = MANIFEST_FILE) -> ModelManifest:
    """Validate an already-parsed manifest (a signed payload's, a database row's) as strictly as JSON."""
    try:
        return msgspec.convert(dict(data), type=ModelManifest)
    except msgspec.ValidationError as exc:
        raise ManifestError(f"{source}: {exc}") from exc


def read_manifest(folder: str | Path) -> ModelManifest:
    """The manifest of a model folder (``<folder>/manifest.json``); ManifestError when unreadable or wrong."""
    path = Path(folder) / MANIFEST_FILE
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return decode_manifest(data, source=str(path))


def manifest_dict(manifest: ModelManifest) -> dict[str, Any]:
    """The manifest as JSON-ready builtins, keys in field order (what ``manifest.json`` holds)."""
    result: dict[str, Any] = msgspec.to_builtins(manifest, enc_hook=_plain_number)
    return result


def encode_manifest(manifest: ModelManifest) -> str:
    """``manifest.json``'s text for ``manifest``, validated first (a struct built in code is not checked).

    Two-space indented JSON with a final newline, as training has always written it.
    """
    data = manifest_dict(manifest)
    manifest_from_dict(data, source=f"manifest of {manifest.version!r}")
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def _plain_number(value: Any) -> Any:
    """Subclasses of float and int (numpy.float64 in training metrics) as the plain numbers JSON holds."""
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        return int(value)
    raise TypeError(f"a {type(value).__name__} cannot be written to a manifest")
