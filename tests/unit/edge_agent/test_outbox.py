"""The outbox keeps records until acknowledged, survives reopening, and drops only by its counted policy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from edge_agent.errors import OutboxWriteError
from edge_agent.outbox import Outbox, Stream

pytestmark = pytest.mark.unit


def payloads(prefix: str, n: int) -> list[bytes]:
    return [f"{prefix}{i}".encode() for i in range(n)]


def test_records_and_seq_counters_survive_reopen(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=100)
    box.add(Stream.READINGS, payloads("r", 5))
    box.add(Stream.PREDICTIONS, payloads("p", 2))
    box.close()
    box = Outbox(tmp_path, max_records=100)
    assert box.depth() == 7
    assert box.next_seq(Stream.READINGS) == 5
    assert box.next_seq(Stream.PREDICTIONS) == 2
    assert [p for _, p in box.claim(Stream.READINGS, 10)] == payloads("r", 5)


def test_records_survive_kill_9_of_the_writer(tmp_path: Path) -> None:
    script = (
        "import os, signal, sys\n"
        "from edge_agent.outbox import Outbox, Stream\n"
        f"box = Outbox({str(tmp_path)!r}, max_records=1000)\n"
        "for i in range(50):\n"
        "    box.add(Stream.READINGS, [b'x%d' % i])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], check=False)
    assert result.returncode == -9
    box = Outbox(tmp_path, max_records=1000)
    assert box.depth(Stream.READINGS) == 50
    assert box.next_seq(Stream.READINGS) == 50


def test_claimed_rows_stay_until_acked_and_are_not_claimed_twice(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=100)
    box.add(Stream.READINGS, payloads("r", 10))
    first = box.claim(Stream.READINGS, 4)
    second = box.claim(Stream.READINGS, 4)
    assert {i for i, _ in first}.isdisjoint(i for i, _ in second)
    assert box.waiting(Stream.READINGS) == 2
    box.ack(i for i, _ in first)
    assert box.depth() == 6
    box.release()  # e.g. the process restarts: nothing is in flight any more
    assert [p for _, p in box.claim(Stream.READINGS, 100)] == payloads("r", 10)[4:]


def test_full_outbox_drops_oldest_readings_first_and_counts_them(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=10)
    box.add(Stream.READINGS, payloads("r", 6))
    box.add(Stream.PREDICTIONS, payloads("p", 3))
    box.add(Stream.READINGS, payloads("s", 4))  # 13 > 10: the 3 oldest readings go
    assert box.depth() == 10
    assert box.dropped() == {"predictions": 0, "readings": 3}
    assert [p for _, p in box.claim(Stream.PREDICTIONS, 10)] == payloads("p", 3)
    assert [p for _, p in box.claim(Stream.READINGS, 10)] == payloads("r", 6)[3:] + payloads("s", 4)


def test_predictions_are_dropped_only_when_no_reading_is_left(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=4)
    box.add(Stream.READINGS, payloads("r", 2))
    box.add(Stream.PREDICTIONS, payloads("p", 4))
    assert box.dropped() == {"predictions": 0, "readings": 2}
    box.add(Stream.PREDICTIONS, payloads("q", 1))
    assert box.dropped() == {"predictions": 1, "readings": 2}
    assert [p for _, p in box.claim(Stream.PREDICTIONS, 10)] == [b"p1", b"p2", b"p3", b"q0"]
    box.close()
    assert Outbox(tmp_path, max_records=4).dropped() == {"predictions": 1, "readings": 2}


def test_in_flight_rows_are_never_dropped(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=4)
    box.add(Stream.READINGS, payloads("r", 4))
    flying = box.claim(Stream.READINGS, 2)
    box.add(Stream.READINGS, payloads("s", 2))
    box.ack(i for i, _ in flying)
    assert box.dropped()["readings"] == 2
    assert [p for _, p in box.claim(Stream.READINGS, 10)] == [b"s0", b"s1"]


def test_journal_is_wal(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=10)
    box.add(Stream.READINGS, [b"x"])
    assert (tmp_path / "outbox.sqlite3-wal").exists()


def test_rows_stored_before_the_mark_are_backlog_and_rows_after_are_live(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=100)
    box.add(Stream.READINGS, payloads("old", 5))
    assert box.mark_backlog() == 5  # e.g. the broker came back
    box.add(Stream.READINGS, payloads("new", 3))
    assert box.waiting(Stream.READINGS, backlog=True) == 5
    assert box.waiting(Stream.READINGS, backlog=False) == 3
    assert [p for _, p in box.claim(Stream.READINGS, 10, backlog=False)] == payloads("new", 3)
    backlog = box.claim(Stream.READINGS, 2, backlog=True)
    assert [p for _, p in backlog] == payloads("old", 2)
    assert box.waiting(Stream.READINGS, backlog=True) == 3
    box.release(i for i, _ in backlog)  # not acknowledged: back to the backlog, in order
    assert box.waiting(Stream.READINGS, backlog=True) == 5
    assert [p for _, p in box.claim(Stream.READINGS, 10, backlog=True)] == payloads("old", 5)
    assert box.claim(Stream.READINGS, 10, backlog=False) == []


def test_a_reopened_outbox_treats_everything_stored_as_backlog(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=100)
    box.add(Stream.PREDICTIONS, payloads("p", 2))
    box.add(Stream.READINGS, payloads("r", 4))
    box.close()
    box = Outbox(tmp_path, max_records=100)
    box.add(Stream.READINGS, payloads("live", 1))
    assert box.waiting(Stream.READINGS, backlog=True) == 4
    assert box.waiting(Stream.PREDICTIONS, backlog=True) == 2
    assert [p for _, p in box.claim(Stream.READINGS, 10, backlog=False)] == [b"live0"]


def test_rows_in_flight_at_the_mark_are_not_counted_as_backlog_again(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=100)
    box.add(Stream.READINGS, payloads("r", 6))
    box.mark_backlog()
    flying = box.claim(Stream.READINGS, 4, backlog=True)
    assert box.mark_backlog() == 2  # reconnect while 4 rows await their PUBACK
    assert [p for _, p in box.claim(Stream.READINGS, 10, backlog=True)] == payloads("r", 6)[4:]
    box.ack(i for i, _ in flying)
    assert box.depth() == 2 and box.waiting(Stream.READINGS) == 0


def test_dropping_for_room_takes_the_oldest_backlog_and_keeps_the_counts_right(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=6)
    box.add(Stream.READINGS, payloads("old", 5))
    box.mark_backlog()
    box.add(Stream.READINGS, payloads("new", 3))  # 8 > 6: two oldest (backlog) readings go
    assert box.dropped()["readings"] == 2
    assert box.waiting(Stream.READINGS, backlog=True) == 3
    assert box.waiting(Stream.READINGS, backlog=False) == 3
    assert [p for _, p in box.claim(Stream.READINGS, 10)] == payloads("old", 5)[2:] + payloads("new", 3)


def _cap_pages(box: Outbox, extra: int) -> None:
    """Let the database grow by ``extra`` pages at most: SQLite's own SQLITE_FULL, as a full disk gives."""
    pages = box._db.execute("PRAGMA page_count").fetchone()[0]
    box._db.execute(f"PRAGMA max_page_count = {pages + extra}")


def test_a_full_disk_makes_room_by_the_drop_policy_and_counts_it(tmp_path: Path) -> None:
    box = Outbox(tmp_path, max_records=1_000_000)
    big = [b"x" * 3000 for _ in range(4)]
    box.add(Stream.PREDICTIONS, [b"p" * 3000])
    _cap_pages(box, 8)
    added = 0
    for _ in range(20):  # far more than 8 pages: the disk "fills" and old readings make room
        box.add(Stream.READINGS, big)
        added += len(big)
    dropped = box.dropped()
    assert dropped["readings"] > 0 and dropped["predictions"] == 0  # the policy: oldest readings first
    assert "disk.readings" not in dropped  # nothing was lost outside the policy
    assert box.depth(Stream.READINGS) + dropped["readings"] == added == box.next_seq(Stream.READINGS)
    assert [p for _, p in box.claim(Stream.PREDICTIONS, 10)] == [b"p" * 3000]


def test_records_that_cannot_be_written_are_counted_and_the_count_persists_once_space_returns(
    tmp_path: Path,
) -> None:
    box = Outbox(tmp_path, max_records=1_000_000)
    _cap_pages(box, 0)  # no room, and nothing stored that could be dropped
    for n in (3, 4):
        with pytest.raises(OutboxWriteError, match="cannot store"):
            box.add(Stream.READINGS, [b"y" * 5000] * n)
    with pytest.raises(OutboxWriteError):
        box.add(Stream.PREDICTIONS, [b"z" * 5000])
    assert box.dropped() == {"readings": 0, "predictions": 0, "disk.readings": 7, "disk.predictions": 1}
    assert box.next_seq(Stream.READINGS) == 0  # lost records take no seq: the stream has no gap
    box._db.execute("PRAGMA max_page_count = 1073741823")  # space is back
    box.add(Stream.READINGS, payloads("r", 2))
    assert box.next_seq(Stream.READINGS) == 2
    box.close()
    again = Outbox(tmp_path, max_records=1_000_000)
    assert again.dropped() == {"readings": 0, "predictions": 0, "disk.readings": 7, "disk.predictions": 1}
