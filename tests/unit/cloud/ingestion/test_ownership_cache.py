"""The ownership cache: positive bindings only, trusted for ttl_s, cached once their transaction commits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from cloud.ingestion.messages import Inbound
from cloud.ingestion.ownership import Ownership, refusal
from cloud.ingestion.routing import Accepted
from cloud.ingestion.stats import WriteStats
from contract.payloads import Reading, TelemetryBatch, new_id


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


class TickingClock(Clock):
    """A clock that moves on by ``step`` every time it is read, as real time does between two reads."""

    def __init__(self, start: float, step: float) -> None:
        super().__init__()
        self.now, self.step = start, step

    def __call__(self) -> float:
        now = self.now
        self.now += self.step
        return now


class OwnersCursor(RecordingCursor):
    """Answers the owners query with fixed bindings (placeholders and claims change nothing)."""

    rowcount = 0

    def __init__(self, owners: dict[uuid.UUID, str]) -> None:
        super().__init__()
        self.owners = owners

    def fetchall(self) -> list[tuple[str, str]]:
        return [(str(m), gw) for m, gw in self.owners.items()]


def test_a_binding_expiring_during_the_check_still_lets_its_own_gateway_write() -> None:
    # One machine cached fresh when the check starts (so not read again), expiring a moment later while a
    # new machine of the same batch is looked up: the cached one's rows were refused as "owned by None" and
    # dead-lettered, data lost (seen in bench.ingest).
    cached, new = uuid.uuid4(), uuid.uuid4()
    owners = Ownership(ttl_s=5.0, clock=Clock())
    owners.found(cached, "gw-a")
    owners.committed()  # cached until 105.0
    owners._clock = TickingClock(start=104.999, step=0.01)
    now = datetime.now(UTC)
    readings = [
        Reading(id=new_id(), seq=i, machine_id=m, ts=now, temperature=50.0, vibration=1.0, rpm=1500.0)
        for i, m in enumerate((cached, new))
    ]
    body = TelemetryBatch(gateway_id="gw-a", sent_at=now, readings=readings)
    item = Accepted(Inbound("t", b"", 1, 1, 0), "gw-a", body)
    checked = owners.check(OwnersCursor({new: "gw-a"}), [item], WriteStats())
    assert checked == [item], "every row of the gateway's own machines must be kept"
