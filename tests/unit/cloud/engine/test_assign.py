"""The assignment rule on plain values: least loaded, same location first, ties by name."""

from __future__ import annotations

import uuid

import pytest

from cloud.engine.assign import Candidate, pick_technician

pytestmark = pytest.mark.unit


def tech(name: str, load: int, location: str | None = None) -> Candidate:
    return Candidate(uuid.uuid4(), name, location, load)


def test_the_least_loaded_technician_gets_the_ticket() -> None:
    busy, free = tech("Ann", 3), tech("Bob", 1)
    assert pick_technician([busy, free], None) == free


def test_a_technician_at_the_machines_location_is_preferred_even_when_busier() -> None:
    remote, local = tech("Ann", 0, "Line B"), tech("Bob", 2, "Line A")
    assert pick_technician([remote, local], "Line A") == local


def test_with_nobody_at_the_location_the_least_loaded_anywhere_gets_it() -> None:
    a, b = tech("Ann", 2, "Line B"), tech("Bob", 1, "Line C")
    assert pick_technician([a, b], "Line A") == b


def test_ties_go_by_name() -> None:
    zoe, adam = tech("Zoe", 1), tech("Adam", 1)
    assert pick_technician([zoe, adam], None) == adam


def test_no_technician_means_no_assignment() -> None:
    assert pick_technician([], "Line A") is None
