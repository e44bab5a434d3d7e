"""Commit acks name every record of a committed batch per gateway: stored, duplicate or dead-lettered."""

from __future__ import annotations

import pytest

from cloud.ingestion.acks import commit_acks
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import route
from contract.codec import decode, encode
from contract.payloads import CommitAck, new_id, seq_ranges
from contract.topics import Kind, gateway_topic
from tests.integration.cloud.ingestion.kit import predictions, readings, telemetry

pytestmark = pytest.mark.unit


def inbound(gateway: str, kind: Kind, payload: bytes) -> Inbound:
    return Inbound(gateway_topic(gateway, kind), payload, mid=1, qos=1, epoch=1)


def test_seq_ranges_are_sorted_disjoint_and_inclusive() -> None:
    assert seq_ranges([7, 3, 4, 5, 5, 10, 0]) == [(0, 0), (3, 5), (7, 7), (10, 10)]
    assert seq_ranges([]) == []


def test_a_batch_of_several_gateways_and_streams_is_acked_per_gateway_in_ranges() -> None:
    machine = new_id()
    items = [
        route(inbound("gw-a", Kind.TELEMETRY, encode(telemetry("gw-a", readings(machine, 5, start_seq=10))))),
        route(inbound("gw-a", Kind.TELEMETRY, encode(telemetry("gw-a", readings(machine, 5, start_seq=0))))),
        route(inbound("gw-a", Kind.PREDICTIONS, encode(predictions("gw-a", machine, 3)))),
        route(inbound("gw-b", Kind.TELEMETRY, encode(telemetry("gw-b", readings(machine, 2, start_seq=7))))),
    ]
    acks = commit_acks(items)
    assert set(acks) == {"gw-a", "gw-b"}
    (a,) = acks["gw-a"]
    assert a.readings == [(0, 4), (10, 14)] and a.predictions == [(0, 2)]
    assert acks["gw-b"][0].readings == [(7, 8)] and acks["gw-b"][0].predictions == []
    wire = encode(a)
    assert decode(wire, CommitAck) == a
    assert len(wire) < 120  # ten readings and three predictions cost a few dozen bytes


def test_dead_lettered_records_whose_seqs_can_be_read_are_acked_too() -> None:
    machine = new_id()
    rows = readings(machine, 3, start_seq=20)
    bad = encode(telemetry("gw-a", rows)).replace(b'"rpm":1480.0', b'"rpm":-5.0', 1)  # out of range
    item = route(inbound("gw-a", Kind.TELEMETRY, bad))
    assert type(item).__name__ == "Rejected"
    assert commit_acks([item])["gw-a"][0].readings == [(20, 22)]
    garbage = route(inbound("gw-a", Kind.TELEMETRY, b"\xff not json"))
    status = route(inbound("gw-a", Kind.STATUS, b'{"type":"status"}'))
    assert commit_acks([garbage, status]) == {}
