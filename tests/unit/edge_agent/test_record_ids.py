"""Record ids made at the edge are RFC 9562 UUIDv7, ordered within a process even if the clock steps back."""

from __future__ import annotations

import time
import uuid

import pytest

from contract import payloads
from contract.payloads import new_id

pytestmark = pytest.mark.unit


def test_ids_carry_version_7_the_rfc_variant_and_the_current_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    made = new_id()
    after = time.time_ns() // 1_000_000
    assert made.version == 7 and made.variant == uuid.RFC_4122
    assert before <= made.int >> 80 <= after + 1  # +1: a counter overflow may carry into the next ms


def test_ids_keep_increasing_when_many_share_a_millisecond_or_the_clock_goes_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1_800_000_000_000_000_000]
    monkeypatch.setattr(payloads.time, "time_ns", lambda: now[0])
    monkeypatch.setattr(payloads, "_last_stamp", 0)  # restored afterwards: later ids use the real clock
    ids = [new_id() for _ in range(5_000)]  # one millisecond: the 12-bit counter overflows into the next
    now[0] -= 60 * 10**9  # NTP steps the clock back a minute
    ids += [new_id() for _ in range(10)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(i.version == 7 for i in ids)
