"""The assignment rule on plain values: the line's people, then the site's, then by location; least loaded
first, ties by name."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


LINE_1, LINE_2, SITE_A, SITE_B = (uuid.uuid4() for _ in range(4))


def placed(
    name: str,
    load: int,
    *,
    lines: frozenset[uuid.UUID] = frozenset(),
    sites: frozenset[uuid.UUID] = frozenset(),
) -> Candidate:
    return Candidate(uuid.uuid4(), name, None, load, lines, sites)


def test_the_lines_technician_beats_a_less_loaded_one_of_the_site_and_an_unplaced_one() -> None:
    on_line = placed("Lea", 5, lines=frozenset({LINE_1}), sites=frozenset({SITE_A}))
    on_site = placed("Sam", 1, sites=frozenset({SITE_A}))
    unplaced = tech("Uma", 0)
    assert pick_technician([unplaced, on_site, on_line], None, LINE_1, SITE_A) == on_line


def test_without_anyone_on_the_line_the_least_loaded_of_the_site_gets_it() -> None:
    other_line = placed(
        "Ola", 1, lines=frozenset({LINE_2}), sites=frozenset({SITE_A})
    )  # a line of the same site counts as the site
    whole_site = placed("Sam", 3, sites=frozenset({SITE_A}))
    elsewhere = placed("Eve", 0, sites=frozenset({SITE_B}))
    assert pick_technician([whole_site, elsewhere, other_line], None, LINE_1, SITE_A) == other_line


def test_a_machine_nobody_covers_goes_to_the_unplaced_by_location_before_placed_people_elsewhere() -> None:
    elsewhere = placed("Eve", 0, sites=frozenset({SITE_B}))
    remote, local = tech("Ann", 0, "Line B"), tech("Bob", 4, "Line A")
    assert pick_technician([elsewhere, remote, local], "Line A", LINE_1, SITE_A) == local
    assert pick_technician([elsewhere, remote], "Line A", LINE_1, SITE_A) == remote
    # Only placed people, none here: the least loaded of them rather than no one.
    assert (
        pick_technician([elsewhere, placed("Max", 2, sites=frozenset({SITE_B}))], "Line A", LINE_1, SITE_A)
        == elsewhere
    )


@given(
    loads=st.lists(st.integers(0, 9), min_size=1, max_size=8),
    on_line=st.lists(st.booleans(), min_size=8, max_size=8),
    on_site=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_the_pick_is_always_the_least_loaded_of_the_first_non_empty_tier(
    loads: list[int], on_line: list[bool], on_site: list[bool]
) -> None:
    people = [
        placed(
            f"T{i}",
            load,
            lines=frozenset({LINE_1}) if on_line[i] else frozenset(),
            sites=frozenset({SITE_A}) if on_line[i] or on_site[i] else frozenset(),
        )
        for i, load in enumerate(loads)
    ]
    chosen = pick_technician(people, None, LINE_1, SITE_A)
    assert chosen is not None
    line_tier = [p for p in people if LINE_1 in p.lines]
    site_tier = [p for p in people if SITE_A in p.sites]
    tier = line_tier or site_tier or [p for p in people if not p.sites] or people
    assert chosen in tier and chosen.load == min(p.load for p in tier)
