"""Freshness by arrival: a slow gateway clock delays no ticket, a replay still opens none for the past."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cloud.engine.policy import MachineTickets, Observation, OpenTicket, TicketPolicy

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
POLICY = TicketPolicy()


def risky(
    *, event_end: datetime, arrived: datetime | None, offset: timedelta = timedelta(0)
) -> list[Observation]:
    """Five predictions at 99.96 % one second apart, the last with event time ``event_end``."""
    return [
        Observation(event_end - timedelta(seconds=4 - i), 0.9996, 0.9, "m-1", None, None, arrived, offset)
        for i in range(5)
    ]


def decide(window: list[Observation]) -> object:
    return POLICY.decide(recent=window, tickets=MachineTickets(), now=NOW)


def test_a_gateway_clock_ten_minutes_slow_still_opens_a_ticket() -> None:
    slow = timedelta(minutes=10, seconds=2)
    window = risky(event_end=NOW - slow, arrived=NOW - timedelta(seconds=1), offset=-slow)
    assert isinstance(decide(window), OpenTicket)


def test_predictions_replayed_from_an_hour_ago_open_no_ticket_although_they_arrived_now() -> None:
    window = risky(event_end=NOW - timedelta(hours=1), arrived=NOW - timedelta(seconds=1))
    assert decide(window) is None


def test_predictions_that_arrived_long_ago_open_no_ticket_whatever_their_clock_said() -> None:
    window = risky(event_end=NOW, arrived=NOW - timedelta(hours=1), offset=timedelta(hours=1))
    assert decide(window) is None


def test_without_an_arrival_time_event_time_is_the_clock() -> None:
    assert isinstance(decide(risky(event_end=NOW - timedelta(minutes=9), arrived=None)), OpenTicket)
    assert decide(risky(event_end=NOW - timedelta(minutes=11), arrived=None)) is None
