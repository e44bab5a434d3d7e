"""Commit acknowledgements: after a transaction commits, tell each gateway which of its records it holds.

The edge deletes a record only when a ``CommitAck`` covers it (invariant 2), so what ingestion acknowledges
here must be durable: it is computed from the items of a batch whose transaction has committed, and sent only
then. Inserted rows, duplicates of stored rows and dead-lettered records all count: the cloud holds each of
them, and a resend could change nothing. A dead-lettered message still names its records' seqs when its JSON
parses at all (one implausible value, a database refusal), so those are read leniently; a message whose seqs
cannot be read is not acknowledged and the agent's outbox policy bounds its resends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import msgspec

from cloud.ingestion.dead_letter import Rejected
from cloud.ingestion.routing import Accepted, Routed
from contract.payloads import MAX_BATCH, CommitAck, PredictionBatch, TelemetryBatch, seq_ranges
from contract.topics import Kind, TopicError, parse


class _Seq(msgspec.Struct):
    seq: int


class _Seqs(msgspec.Struct):
    """Just the seqs of a telemetry or prediction payload; every other field is ignored."""

    readings: list[_Seq] = []
    predictions: list[_Seq] = []


_lenient = msgspec.json.Decoder(_Seqs)
_DATA = (Kind.TELEMETRY, Kind.PREDICTIONS)


def commit_acks(items: Sequence[Routed]) -> dict[str, list[CommitAck]]:
    """The acknowledgements for a committed batch, per gateway (several when one would be too long)."""
    seqs: dict[str, dict[Kind, set[int]]] = defaultdict(lambda: {k: set() for k in _DATA})
    for item in items:
        if isinstance(item, Accepted):
            if isinstance(item.body, TelemetryBatch):
                seqs[item.gateway_id][Kind.TELEMETRY].update(r.seq for r in item.body.readings)
            elif isinstance(item.body, PredictionBatch):
                seqs[item.gateway_id][Kind.PREDICTIONS].update(p.seq for p in item.body.predictions)
        elif isinstance(item, Rejected):
            found = _rejected_seqs(item)
            if found is not None:
                seqs[found[0]][found[1]].update(found[2])
    now = datetime.now(UTC)
    out: dict[str, list[CommitAck]] = {}
    for gateway_id, by_kind in seqs.items():
        readings = seq_ranges(by_kind[Kind.TELEMETRY])
        predictions = seq_ranges(by_kind[Kind.PREDICTIONS])
        acks = [CommitAck(ts=now, readings=r, predictions=p) for r, p in _chunks(readings, predictions)]
        if acks:
            out[gateway_id] = acks
    return out


def _rejected_seqs(item: Rejected) -> tuple[str, Kind, list[int]] | None:
    """(gateway, kind, seqs) of a dead-lettered data message whose seqs can be read, else None."""
    try:
        topic = parse(item.message.topic)
        body = _lenient.decode(item.message.payload)
    except (TopicError, msgspec.MsgspecError):
        return None
    rows = body.readings if topic.kind is Kind.TELEMETRY else body.predictions
    if topic.kind not in _DATA or not rows:
        return None
    return topic.gateway_id, topic.kind, [r.seq for r in rows if r.seq >= 0]


def _chunks(
    readings: list[tuple[int, int]], predictions: list[tuple[int, int]]
) -> Iterator[tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """Pairs of range lists, each within the contract's MAX_BATCH ranges per stream."""
    for i in range(0, max(len(readings), len(predictions)), MAX_BATCH):
        yield readings[i : i + MAX_BATCH], predictions[i : i + MAX_BATCH]
