"""Batching decides when a batch is written: by rows, by message count, or by its oldest message's age."""

from __future__ import annotations

import pytest

from cloud.ingestion.batching import Batch
from cloud.ingestion.dead_letter import Rejected
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import Ignored

pytestmark = pytest.mark.unit


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _item(rows: int) -> Rejected | Ignored:
    message = Inbound("t", b"", 1, 1, 1)
    return Rejected(message, "invalid", "x") if rows else Ignored(message, "empty")


def _batch(clock: FakeClock, *, max_rows: int = 3, max_messages: int = 10, max_wait_s: float = 0.2) -> Batch:
    return Batch(max_rows=max_rows, max_messages=max_messages, max_wait_s=max_wait_s, clock=clock)


def test_an_empty_batch_is_never_due_and_has_no_deadline() -> None:
    clock = FakeClock()
    batch = _batch(clock)
    clock.now += 1000
    assert (batch.due(), batch.deadline(), len(batch)) == (False, None, 0)


def test_a_batch_is_due_when_it_reaches_max_rows() -> None:
    batch = _batch(FakeClock(), max_rows=3)
    for _ in range(2):
        batch.add(_item(1))
    assert not batch.due()
    batch.add(_item(1))
    assert batch.full() and batch.due()


def test_a_batch_is_due_when_it_holds_max_messages_even_with_few_rows() -> None:
    batch = _batch(FakeClock(), max_rows=1000, max_messages=2)
    batch.add(_item(0))
    assert not batch.due()
    batch.add(_item(0))
    assert batch.due()
    assert batch.rows == 0


def test_a_partial_batch_is_due_once_its_first_message_waited_max_wait() -> None:
    clock = FakeClock()
    batch = _batch(clock, max_wait_s=0.2)
    batch.add(_item(1))
    clock.now += 0.1
    batch.add(_item(1))  # a later message does not restart the clock
    assert batch.deadline() == pytest.approx(100.2)
    assert not batch.due()
    clock.now += 0.15
    assert batch.due()


def test_take_returns_the_items_in_order_and_starts_a_fresh_batch() -> None:
    clock = FakeClock()
    batch = _batch(clock)
    items = [_item(1), _item(0)]
    for item in items:
        batch.add(item)
    assert batch.take() == items
    assert (len(batch), batch.rows, batch.deadline()) == (0, 0, None)
    clock.now += 5
    batch.add(_item(1))
    assert batch.deadline() == pytest.approx(105.2)
