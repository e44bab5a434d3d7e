"""Encoding and validating payloads: JSON via msgspec, with errors that say what and where."""

from __future__ import annotations

from typing import TypeVar, cast

import msgspec

from contract.payloads import STORABLE_TEXT_PATTERN, Message

# Far above a 5,000-reading batch (~1 MB); anything bigger is refused before parsing.
MAX_PAYLOAD_BYTES = 2 * 1024 * 1024

T = TypeVar("T", bound=msgspec.Struct)
R = TypeVar("R")

# How msgspec words a failed match of the storable-text pattern, up to the path it appends (" - at `$.x`").
_UNSTORABLE_MESSAGE = f"Expected `str` matching regex {STORABLE_TEXT_PATTERN!r}"

_encoder = msgspec.json.Encoder()
_decoders: dict[type[msgspec.Struct], msgspec.json.Decoder[msgspec.Struct]] = {}
# Message is a tagged union of Structs, not a Struct class, so it has its own decoder beside the cache.
_message_decoder: msgspec.json.Decoder[Message] = msgspec.json.Decoder(Message)


class ContractError(ValueError):
    """A payload that breaks the contract; ``reason`` is a short machine-readable code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def encode(message: msgspec.Struct) -> bytes:
    """Serialise a payload to JSON bytes."""
    return _encoder.encode(message)


def decode(data: bytes, kind: type[T]) -> T:
    """Parse and validate ``data`` as ``kind``; raise ContractError saying what is wrong and where."""
    decoder = _decoders.get(kind)
    if decoder is None:
        decoder = _decoders[kind] = msgspec.json.Decoder(kind)
    # The cache holds, under each kind, a decoder built for exactly that kind.
    return _decode_with(cast("msgspec.json.Decoder[T]", decoder), data)


def _decode_with(decoder: msgspec.json.Decoder[R], data: bytes) -> R:
    """Run ``decoder`` on ``data`` within the size limit, turning msgspec's errors into ContractError."""
    if len(data) > MAX_PAYLOAD_BYTES:
        raise ContractError("oversized", f"{len(data)} bytes, limit {MAX_PAYLOAD_BYTES}")
    try:
        return decoder.decode(data)
    except msgspec.ValidationError as exc:
        # msgspec's message names the offending path, e.g. "at `$.readings[3].rpm`".
        reason = "wrong_schema_version" if "schema_version" in str(exc) else "invalid"
        raise ContractError(reason, _plain(str(exc))) from exc
    except msgspec.DecodeError as exc:
        raise ContractError("malformed", str(exc)) from exc


def _plain(message: str) -> str:
    """msgspec's message with the storable-text regex replaced by what it means to a reader."""
    _, found, where = message.partition(_UNSTORABLE_MESSAGE)
    if not found:
        return message
    return f"text with a NUL (U+0000) or a lone surrogate, which the cloud cannot store{where}"


def decode_any(data: bytes) -> Message:
    """Parse any tagged contract message (telemetry, predictions, status, maintenance)."""
    return _decode_with(_message_decoder, data)
