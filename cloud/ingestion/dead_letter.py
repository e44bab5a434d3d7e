"""Dead letters: messages ingestion refuses, with a short reason code; stored and counted, never fatal."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cloud.ingestion.messages import Inbound


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


def insert_dead_letters(cursor: Any, rejected: Sequence[Rejected]) -> int:
    """Insert one ``dead_letters`` row per refused message with a psycopg2 cursor; return how many."""
    import psycopg2

    if rejected:
        cursor.executemany(
            INSERT_DEAD_LETTER,
            [(r.message.topic, r.reason, r.detail, psycopg2.Binary(r.message.payload)) for r in rejected],
        )
    return len(rejected)
