"""The span a batch's seq probe looks in: each gateway's seqs as ranges that never bridge a gap."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloud.ingestion.conflicts import span
from contract.payloads import Reading

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _readings(seqs: list[int], *, minutes: int = 0) -> list[Reading]:
    return [
        Reading(
            id=uuid.uuid4(),
            seq=s,
            machine_id=uuid.UUID(int=1),
            ts=T0 + timedelta(minutes=minutes, seconds=s),
            temperature=60.0,
            vibration=1.0,
            rpm=1480.0,
        )
        for s in seqs
    ]


def test_adjacent_messages_of_a_gateway_make_one_range_and_a_gap_splits_it() -> None:
    where = span(
        [
            ("gw-a", _readings([100, 101, 102])),
            ("gw-b", _readings([7, 8])),
            ("gw-a", _readings([103, 104])),
            ("gw-a", _readings([300, 301], minutes=-10)),
        ]
    )
    ranges = sorted(zip(where.gateways, where.firsts, where.lasts, strict=True))
    assert ranges == [("gw-a", 100, 104), ("gw-a", 300, 301), ("gw-b", 7, 8)]
    assert (where.start, where.end) == (T0 - timedelta(seconds=300), T0 + timedelta(seconds=104))


def test_a_message_with_a_wide_hole_is_split_into_its_runs() -> None:
    where = span([("gw-a", _readings([5, 1, 2, 900, 3]))])
    assert list(zip(where.firsts, where.lasts, strict=True)) == [(1, 3), (5, 5), (900, 900)]


@given(st.lists(st.tuples(st.sampled_from(["gw-a", "gw-b"]), st.lists(st.integers(0, 60), min_size=1))))
def test_every_seq_of_the_batch_is_covered_by_a_range_of_its_gateway(
    messages: list[tuple[str, list[int]]],
) -> None:
    if not messages:
        return
    where = span([(g, _readings(seqs)) for g, seqs in messages])
    ranges = list(zip(where.gateways, where.firsts, where.lasts, strict=True))
    for g, seqs in messages:
        for s in seqs:
            assert any(rg == g and first <= s <= last for rg, first, last in ranges)
    # Ranges of one gateway never overlap or touch: each is one index probe.
    for g in {g for g, _, _ in ranges}:
        own = sorted((f, last) for rg, f, last in ranges if rg == g)
        assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(own))
