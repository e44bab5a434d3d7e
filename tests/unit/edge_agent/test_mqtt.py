"""Reconnect backoff grows exponentially, is capped, and is jittered so a fleet does not reconnect in step."""

from __future__ import annotations

import random

import pytest

from edge_agent.mqtt import BACKOFF_MAX_S, BACKOFF_MIN_S, backoff_delay

pytestmark = pytest.mark.unit


def test_backoff_doubles_then_caps_within_jitter_bounds() -> None:
    rng = random.Random(1)
    for attempt in range(30):
        base = min(BACKOFF_MAX_S, BACKOFF_MIN_S * 2**attempt)
        delay = backoff_delay(attempt, rng)
        assert base * 0.5 <= delay <= base
    assert backoff_delay(100, rng) <= BACKOFF_MAX_S


def test_backoff_is_jittered() -> None:
    rng = random.Random(2)
    assert len({round(backoff_delay(5, rng), 6) for _ in range(20)}) == 20
