"""The ownership cache: positive bindings only, trusted for ttl_s, cached once their transaction commits."""

from __future__ import annotations

import uuid

from cloud.ingestion.ownership import Ownership, refusal


class RecordingCursor:
    """Records the statements it is given (the counting logic is what is tested, not SQL)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, object]] = []

    def execute(self, sql: str, params: object = None) -> None:
        self.statements.append((sql, params))


class Clock:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_binding_is_cached_only_after_commit_and_only_for_the_ttl() -> None:
    clock = Clock()
    owners = Ownership(ttl_s=5.0, clock=clock)
    machine = uuid.uuid4()
    owners.found(machine, "gw-a")
    assert owners.owner(machine) == "gw-a"
    owners.committed()
    assert owners.owner(machine) == "gw-a"
    clock.now += 4.9
    assert owners.owner(machine) == "gw-a"
    clock.now += 0.2
    assert owners.owner(machine) is None, "an expired binding must be read again"


def test_a_rolled_back_transaction_caches_nothing() -> None:
    owners = Ownership(ttl_s=5.0, clock=Clock())
    machine = uuid.uuid4()
    owners.found(machine, "gw-a")
    owners.refused("gw-a", 3)
    owners.discard()
    owners.committed()
    assert owners.owner(machine) is None
    cursor = RecordingCursor()
    owners.count_refused(cursor)
    assert cursor.statements == [], "refusals of a rolled-back transaction must not be counted"


def test_refused_rows_are_counted_per_gateway_in_a_fixed_order() -> None:
    owners = Ownership(clock=Clock())
    owners.refused("gw-b", 2)
    owners.refused("gw-a", 1)
    owners.refused("gw-b", 3)
    cursor = RecordingCursor()
    owners.count_refused(cursor)
    assert [params for _, params in cursor.statements] == [(["gw-a", "gw-b"], [1, 5])]
    owners.count_refused(cursor)
    assert len(cursor.statements) == 1, "counted once only"


def test_the_refusal_names_sender_machine_and_owner() -> None:
    machine, other = uuid.uuid4(), uuid.uuid4()
    text = refusal("gw-a", {machine: "gw-b", other: "gw-c"}, 4, 10)
    assert text == (
        f"gateway gw-a may not write for machine {machine} owned by gw-b "
        "(and 1 more machines of other gateways); 4 of 10 rows refused, the rest stored"
    )
