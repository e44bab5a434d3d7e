"""Dead letters: messages ingestion refuses, with a short reason code; stored and counted, never fatal.

Writing one cannot fail on what the message holds: the payload goes in as raw bytes (bytea takes any byte),
and the text shown beside it (topic, reason, detail, which may quote the payload) is escaped so that a NUL
or a lone surrogate, which PostgreSQL's text refuses, becomes a visible ``\\x00`` / ``\\udc80``; every part is
bounded, so one message cannot bloat the table.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cloud.ingestion.messages import Inbound
from contract.codec import MAX_PAYLOAD_BYTES as MAX_CONTRACT_PAYLOAD


class Reason(enum.StrEnum):
    """Why a message became a dead letter; the contract's own reasons first."""

    OVERSIZED = "oversized"
    MALFORMED = "malformed"
    INVALID = "invalid"
    WRONG_SCHEMA_VERSION = "wrong_schema_version"
    BAD_TOPIC = "bad_topic"
    GATEWAY_MISMATCH = "gateway_mismatch"
    UNEXPECTED_KIND = "unexpected_kind"
    REJECTED_BY_DATABASE = "rejected_by_database"
    # Ingestion itself failed on the message (a bug the message triggers): kept, acknowledged, not retried.
    INGESTION_FAILED = "ingestion_failed"
    # A record whose id is already stored with other content; the first stored row is kept.
    CONFLICT = "conflict"
    # Data or a status entry for a machine bound to another gateway (cloud/ingestion/ownership.py).
    FOREIGN_MACHINE = "foreign_machine"
    # An event time outside the plausible window around the cloud's clock (cloud.ingestion.timecheck).
    OUT_OF_WINDOW = "out_of_window"


@dataclass(frozen=True, slots=True)
class Rejected:
    """A message that goes to ``dead_letters`` instead of its table (and is still acknowledged)."""

    message: Inbound
    reason: str
    detail: str

    @property
    def rows(self) -> int:
        """A dead letter is one row."""
        return 1


INSERT_DEAD_LETTER = "INSERT INTO dead_letters (topic, reason, detail, payload) VALUES (%s, %s, %s, %s)"

# Bounds of what one dead letter keeps. An oversized message is kept whole up to four times the contract's
# limit, enough to see what a misconfigured agent sent; beyond that only its head (the broker's own limit,
# 256 MB by default in Mosquitto, is no bound for a table). The text limits are for a person reading it.
MAX_PAYLOAD_BYTES = 4 * MAX_CONTRACT_PAYLOAD
MAX_TOPIC_CHARS = 512
MAX_REASON_CHARS = 64
MAX_DETAIL_CHARS = 4_000
_NUL_ESCAPE = str.maketrans({"\x00": "\\x00"})
# Room kept at the end of cut text for the note saying how much was cut.
_CUT_NOTE = 30


def shown(text: str, limit: int) -> str:
    """``text`` as PostgreSQL can store it: NUL and lone surrogates escaped, at most ``limit`` chars."""
    # backslashreplace turns a lone surrogate into "\udc80"; every other character stays as it is.
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8").translate(_NUL_ESCAPE)
    if len(safe) > limit:
        cut = f"… ({len(safe) - limit + _CUT_NOTE} more chars)"
        safe = safe[: limit - _CUT_NOTE] + cut
    return safe


def row_of(r: Rejected) -> tuple[str, str, str, Any]:
    """The ``dead_letters`` row of ``r``: text escaped and bounded, payload as bytea (cut past its bound)."""
    import psycopg2

    payload, detail = r.message.payload, r.detail
    if len(payload) > MAX_PAYLOAD_BYTES:
        detail = f"(payload cut to its first {MAX_PAYLOAD_BYTES} of {len(payload)} bytes) {detail}"
        payload = payload[:MAX_PAYLOAD_BYTES]
    return (
        shown(r.message.topic, MAX_TOPIC_CHARS),
        shown(str(r.reason), MAX_REASON_CHARS),
        shown(detail, MAX_DETAIL_CHARS),
        psycopg2.Binary(payload),
    )


def insert_dead_letters(cursor: Any, rejected: Sequence[Rejected]) -> int:
    """Insert one ``dead_letters`` row per refused message with a psycopg2 cursor; return how many."""
    if rejected:
        cursor.executemany(INSERT_DEAD_LETTER, [row_of(r) for r in rejected])
    return len(rejected)
