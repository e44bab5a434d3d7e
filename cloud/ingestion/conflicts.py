"""Conflicts: a record whose id is already stored with other content is dead-lettered, the first row kept.

An exact duplicate (a QoS 1 redelivery, an edge replay) is normal and silently counted. The same id with any
other content is not: it is a bug or a forgery at the edge, and merging it silently would let it rewrite
history. Conflicts are looked for on the careful path (staging table, then ``INSERT … ON CONFLICT DO
NOTHING``), which the writer takes when its COPY collided with a stored key (a redelivery, a replayed batch)
or when the seq probe below hit:

- same key ``(id, timestamp)``, other content: after the insert (in COPY order, so the first of a batch
  wins), a staged row that differs from the stored row of its key in any column, named (one join on the
  rows of the batch);
- same id at another timestamp, before that insert: the key has the timestamp in it (the tables are
  partitioned by it, so no index can make ``id`` alone unique), so such a row would be stored as a second
  record. A staged row is a conflict when an earlier row of the batch has its id at another time, or a stored
  row does within ``OTHER_TIME_WINDOW`` of it (one primary-key probe per staged row in the partitions of that
  window); such rows are removed from the staging table before the insert.

The seq probe (``seqs_stored``), before every COPY: a record replayed with its id and seq but re-stamped (an
edge bug, a clock correction applied to a resent record) collides with no key, so on its own it would take
the fast path and be stored twice. Each record carries its gateway's per-stream ``seq``, and a new batch
holds seqs no stored row of that gateway has, so the writer asks once per batch whether a stored row holds
one of the batch's (gateway, seq range) pairs within the batch's time span +- ``OTHER_TIME_WINDOW``; on a hit
the batch goes the careful way. One index probe per range (a gateway's seqs in a batch are nearly always one
run per gateway; runs are never joined across a gap, which another worker may have stored); the time bound
prunes to the few daily partitions of the span. Measured (``python -m bench.ingest_probe``, 42 partitions,
800k stored readings, 5,000-reading batch of 10 gateways): the probe 0.3 ms and building its ranges 0.45 ms,
against 95 ms for the batch's COPY; without the time bound the same probe costs 2.0 ms, growing with every
partition kept (retention keeps them forever by default), and the planner then chose a hash join over every
partition (270 ms) until the probe became one ``LATERAL … LIMIT 1`` per range.

A hit that is no conflict only costs the careful path: a gateway whose seqs restarted (its outbox wiped) sends
its batches that way until its seqs pass the stored ones, and every record is still stored.

Not covered: the same id at another timestamp with another seq (a forged id reused for a new record) in a
batch that collided with nothing and whose seqs are new: it is stored as a second record; and any id more
than ``OTHER_TIME_WINDOW`` away from its stored row. Checking every id of every batch was measured and
refused: probing each id cost 38 ms per 5,000 readings against 115 ms for their COPY; scanning the primary
key over runs of time-ordered ids cost 9 ms in isolation, but in the end-to-end benchmark (ids made in bulk,
so dense in time) it raised PostgreSQL's CPU per reading from about 13 to 76 us and cut throughput to 4k
readings/s.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from cloud.ingestion.dead_letter import Reason, Rejected
from cloud.ingestion.messages import Inbound
from contract.payloads import seq_ranges

# How far from a staged row's timestamp a stored row with the same id is looked for; also how far around
# a batch's time span the seq probe looks for stored rows.
OTHER_TIME_WINDOW = timedelta(days=1)
# Records named in one dead letter's detail; the rest are counted.
_NAMED = 5


@dataclass(frozen=True, slots=True)
class Conflict:
    """One staged row (by its position in the batch's COPY text) whose id is stored with other content."""

    offset: int
    id: str
    what: str


class Record(Protocol):
    """What the seq probe reads of a reading or a prediction."""

    @property
    def seq(self) -> int: ...

    @property
    def ts(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Span:
    """Where a batch's records sit: each gateway's seqs as inclusive ranges, and the batch's time span."""

    gateways: list[str]
    firsts: list[int]
    lasts: list[int]
    start: datetime
    end: datetime


def span(messages: Iterable[tuple[str, Sequence[Record]]]) -> Span:
    """The span of ``(gateway_id, records)`` pairs, one per message of a batch (at least one record)."""
    runs: dict[str, list[tuple[int, int]]] = {}
    starts, ends = [], []
    for gateway_id, records in messages:
        seqs = [r.seq for r in records]
        first, last = min(seqs), max(seqs)
        # A message's seqs are nearly always one run; a range over a hole costs at most a careful path.
        own = [(first, last)] if last - first < len(seqs) else seq_ranges(seqs)
        runs.setdefault(gateway_id, []).extend(own)
        stamps = [r.ts for r in records]
        starts.append(min(stamps))
        ends.append(max(stamps))
    ranges = [(g, first, last) for g, own in runs.items() for first, last in _merged(own)]
    return Span(
        gateways=[g for g, _, _ in ranges],
        firsts=[f for _, f, _ in ranges],
        lasts=[last for _, _, last in ranges],
        # In UTC: PostgreSQL refuses offsets beyond +-15:59 that RFC 3339 (and so the contract) allows.
        start=min(starts).astimezone(UTC),
        end=max(ends).astimezone(UTC),
    )


def _merged(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Inclusive seq ranges, overlapping or adjacent ones joined (never across a gap)."""
    out: list[list[int]] = []
    for first, last in sorted(runs):
        if out and first <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], last)
        else:
            out.append([first, last])
    return [(first, last) for first, last in out]


def seqs_stored(cursor: Any, *, table: str, where: Span) -> bool:
    """Whether ``table`` holds a row of one of the batch's gateways and seqs near the batch's time span.

    The bound on time lets PostgreSQL prune to the few daily partitions of that span before it probes each
    one's ``(gateway_id, seq)`` index once per seq range.
    """
    cursor.execute(
        f"""
        SELECT EXISTS (
            SELECT 1 FROM unnest(%s::text[], %s::bigint[], %s::bigint[]) AS r(gateway_id, first, last)
            CROSS JOIN LATERAL (
                SELECT 1 FROM {table} s
                WHERE s.gateway_id = r.gateway_id AND s.seq BETWEEN r.first AND r.last
                  AND s."timestamp" BETWEEN %s AND %s
                LIMIT 1) AS hit)""",
        (
            where.gateways,
            where.firsts,
            where.lasts,
            where.start - OTHER_TIME_WINDOW,
            where.end + OTHER_TIME_WINDOW,
        ),
    )
    return bool(cursor.fetchone()[0])


def _compared(columns: str) -> list[str]:
    names = [c.strip().strip('"') for c in columns.split(",")]
    return [n for n in names if n not in ("id", "timestamp")]


def first_line(cursor: Any, stage: str) -> int:
    """The identity value of the batch's first staged row: offsets in the COPY text count from it."""
    cursor.execute(f"SELECT min(line) FROM {stage}")
    return int(cursor.fetchone()[0])


def other_time_conflicts(cursor: Any, *, stage: str, table: str, first: int) -> list[Conflict]:
    """Staged rows whose id is stored (or staged earlier) at another timestamp; removed from the stage."""
    cursor.execute(
        f"""
        WITH hit AS (
            SELECT i.line, i.id, i."timestamp", coalesce(
                (SELECT min(j."timestamp") FROM {stage} j
                 WHERE j.id = i.id AND j.line < i.line AND j."timestamp" <> i."timestamp"),
                (SELECT min(s."timestamp") FROM {table} s
                 WHERE s.id = i.id AND s."timestamp" <> i."timestamp"
                   AND s."timestamp" BETWEEN i."timestamp" - %(window)s AND i."timestamp" + %(window)s)
            ) AS other
            FROM {stage} i
        ), gone AS (
            DELETE FROM {stage} i USING hit WHERE hit.other IS NOT NULL AND i.line = hit.line
        )
        SELECT hit.line - %(first)s, hit.id::text, hit."timestamp", hit.other FROM hit
        WHERE hit.other IS NOT NULL""",
        {"first": first, "window": OTHER_TIME_WINDOW},
    )
    return [
        Conflict(offset, id_, f"timestamp {other.isoformat()}, not {ts.isoformat()}")
        for offset, id_, ts, other in cursor.fetchall()
    ]


def same_key_conflicts(cursor: Any, *, stage: str, table: str, columns: str, first: int) -> list[Conflict]:
    """Staged rows (after the insert) that differ from the stored row of their key, naming the columns."""
    compared = _compared(columns)
    differs = ", ".join(f"CASE WHEN i.{c} IS DISTINCT FROM s.{c} THEN '{c}' END" for c in compared)
    staged = ", ".join(f"i.{c}" for c in compared)
    stored = ", ".join(f"s.{c}" for c in compared)
    cursor.execute(
        f"""
        SELECT i.line - %s, i.id::text, array_remove(ARRAY[{differs}], NULL)
        FROM {stage} i JOIN {table} s ON s.id = i.id AND s."timestamp" = i."timestamp"
        WHERE ({staged}) IS DISTINCT FROM ({stored})""",
        (first,),
    )
    return [Conflict(offset, id_, f"other {', '.join(cols)}") for offset, id_, cols in cursor.fetchall()]


def dead_letters(
    conflicts: Sequence[Conflict], messages: Sequence[Inbound], rows: Sequence[int]
) -> list[Rejected]:
    """One dead letter per message holding conflicts; ``rows[k]`` is how many rows message ``k`` staged."""
    ends = list(itertools.accumulate(rows))
    by_message: dict[int, list[Conflict]] = {}
    for conflict in sorted(conflicts, key=lambda c: c.offset):
        by_message.setdefault(bisect.bisect_right(ends, conflict.offset), []).append(conflict)
    out = []
    for k, found in by_message.items():
        named = "; ".join(f"id {c.id} already stored with {c.what}" for c in found[:_NAMED])
        more = f"; and {len(found) - _NAMED} more" if len(found) > _NAMED else ""
        detail = f"conflict: {named}{more} (first stored rows kept, {len(found)} record(s) refused)"
        out.append(Rejected(messages[k], Reason.CONFLICT, detail))
    return out
