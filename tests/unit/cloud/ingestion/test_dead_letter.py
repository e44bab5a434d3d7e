"""What a dead letter shows is always storable text, and bounded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloud.ingestion.dead_letter import MAX_DETAIL_CHARS, MAX_PAYLOAD_BYTES, Rejected, row_of, shown
from cloud.ingestion.messages import Inbound

pytestmark = pytest.mark.unit

any_text = st.text(st.characters(exclude_categories=()), max_size=300)


def test_nul_and_lone_surrogates_are_shown_escaped() -> None:
    assert shown("x\x00y", 100) == "x\\x00y"
    assert shown("a\udc80b", 100) == "a\\udc80b"
    assert shown("plain ünïcødé ✓ \U0001f600", 100) == "plain ünïcødé ✓ \U0001f600"


@given(any_text, st.integers(40, 200))
def test_whatever_the_text_what_is_shown_encodes_to_utf8_without_nul(text: str, limit: int) -> None:
    safe = shown(text, limit)
    assert "\x00" not in safe
    safe.encode("utf-8")  # raises on a lone surrogate
    assert len(safe) <= limit
    storable = "\x00" not in text and not any("\ud800" <= c <= "\udfff" for c in text)
    if storable and len(text) <= limit:
        assert safe == text  # nothing that needs no escaping is changed


def test_huge_text_and_payload_are_cut_and_say_so() -> None:
    message = Inbound("t", b"\x00" * (MAX_PAYLOAD_BYTES + 10), 1, 1, 0)
    topic, reason, detail, payload = row_of(Rejected(message, "oversized", "y" * 10 * MAX_DETAIL_CHARS))
    assert len(detail) <= MAX_DETAIL_CHARS and "more chars" in detail
    assert len(payload.adapted) == MAX_PAYLOAD_BYTES
    note = f"(payload cut to its first {MAX_PAYLOAD_BYTES} of {MAX_PAYLOAD_BYTES + 10} bytes)"
    assert detail.startswith(note)
    assert (topic, reason) == ("t", "oversized")
