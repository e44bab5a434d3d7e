"""A PUBACK only marks records sent; the cloud's commit ack deletes them; unconfirmed ones go again."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contract.codec import encode
from contract.payloads import Reading, new_id
from edge_agent.outbox import OUTBOX_FILE, Outbox, Stream

pytestmark = pytest.mark.unit


def payloads(n: int) -> list[bytes]:
    return [f"r{i}".encode() for i in range(n)]


def ids(rows: list[tuple[int, bytes]]) -> list[int]:
    return [i for i, _ in rows]


def test_sent_rows_count_in_the_depth_until_the_cloud_confirms_their_seqs(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=100)
    box.add(Stream.READINGS, payloads(10))
    rows = box.claim(Stream.READINGS, 10)
    box.mark_sent(ids(rows), now=1.0)
    assert (box.depth(), box.sent(), box.in_flight(), box.waiting(Stream.READINGS)) == (10, 10, 0, 0)
    # Out of order and overlapping, as several workers committing batches of this gateway would say it.
    assert box.confirm(Stream.READINGS, [(6, 9)]) == 4
    assert box.confirm(Stream.READINGS, [(0, 2), (6, 7)]) == 3
    assert box.confirm(Stream.PREDICTIONS, [(0, 9)]) == 0  # the other stream's seqs are its own
    assert (box.depth(), box.sent()) == (3, 3)
    box.close()
    box = Outbox(tmp_path, max_records=100)
    assert [p for _, p in box.claim(Stream.READINGS, 10)] == [b"r3", b"r4", b"r5"]


def test_unconfirmed_rows_are_handed_back_after_the_timeout_and_on_a_reconnect(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=100)
    box.add(Stream.READINGS, payloads(6))
    early, late = box.claim(Stream.READINGS, 3), box.claim(Stream.READINGS, 3)
    box.mark_sent(ids(early), now=10.0)
    box.mark_sent(ids(late), now=20.0)
    assert box.expire(before=15.0) == 3
    assert box.waiting(Stream.READINGS) == 3 and box.sent() == 3
    assert ids(box.claim(Stream.READINGS, 10)) == ids(early)
    assert box.mark_backlog() == 3  # the reconnect: the rest is sent again too, as backlog
    assert ids(box.claim(Stream.READINGS, 10, backlog=True)) == ids(late)
    assert box.depth() == 6


def test_a_confirmation_for_rows_still_awaiting_puback_deletes_them_and_the_late_puback_is_ignored(
    tmp_path: Path,
) -> None:
    box = Outbox(tmp_path, max_records=100)
    box.add(Stream.PREDICTIONS, payloads(4))
    rows = box.claim(Stream.PREDICTIONS, 4)  # a resend, while the first copy's commit ack is on its way
    assert box.confirm(Stream.PREDICTIONS, [(0, 3)]) == 4
    box.mark_sent(ids(rows), now=1.0)
    assert (box.depth(), box.sent(), box.in_flight(), box.expire(before=99.0)) == (0, 0, 0, 0)


def test_a_full_outbox_drops_sent_rows_by_its_policy_but_never_rows_awaiting_puback(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=10)
    box.add(Stream.READINGS, payloads(10))
    sent = box.claim(Stream.READINGS, 4)
    box.mark_sent(ids(sent), now=1.0)
    flying = box.claim(Stream.READINGS, 4)
    # A cloud that never confirms: the bound and its drop policy still hold.
    box.add(Stream.READINGS, payloads(6))
    assert box.depth() == 10
    assert box.dropped()["readings"] == 6
    assert box.sent() == 0 and box.in_flight() == 4
    with sqlite3.connect(tmp_path / OUTBOX_FILE) as db:
        left = {r[0] for r in db.execute("SELECT id FROM records")}
    assert set(ids(flying)) <= left and left.isdisjoint(ids(sent))


def test_an_outbox_from_an_agent_before_commit_acks_gets_its_seqs_from_the_payloads(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / OUTBOX_FILE) as db:
        db.executescript(
            "CREATE TABLE records (id INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL,"
            " payload BLOB NOT NULL);"
            "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        )
        machine = new_id()
        for seq in (40, 41, 42):
            reading = Reading(new_id(), seq, machine, datetime.now(UTC), 60.0, 2.0, 1500.0)
            db.execute("INSERT INTO records (stream, payload) VALUES ('readings', ?)", (encode(reading),))
        db.execute("INSERT INTO counters VALUES ('seq.readings', 43)")
    box = Outbox(tmp_path, max_records=100)
    assert box.confirm(Stream.READINGS, [(40, 41)]) == 2
    assert box.depth() == 1
    box.add(Stream.READINGS, [b"next"])
    assert box.confirm(Stream.READINGS, [(43, 43)]) == 1
    assert box.depth() == 1
