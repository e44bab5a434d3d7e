"""A gateway speaks only for its machines: who owns a machine, a per-worker cache of that, what is refused.

A machine is bound to one gateway: when an engineer provisions it with its gateway, or when a gateway first
announces it or sends data for it (bound to that gateway at once; pending an engineer's approval unless
``ingest_machine_binding`` is ``auto``). Readings and predictions for a machine bound to another gateway are
not stored: the message is dead-lettered (reason ``foreign_machine``, naming both gateways) and the rows are
counted on the sending gateway (``gateways.foreign_rows``); the message's rows for its own machines are
stored as usual.

The check sits on the hot path, so each worker caches bindings it has seen, positive ones only: a cached
binding that agrees with the sending gateway is trusted for ``ttl_s`` seconds, while a miss or a
disagreement always asks the database. So an engineer's re-home takes effect at once for the new gateway
and within ``ttl_s`` for the old one.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import msgspec

from cloud.ingestion.dead_letter import Reason, Rejected
from cloud.ingestion.routing import Accepted
from cloud.ingestion.stats import WriteStats
from contract.payloads import PredictionBatch, TelemetryBatch

logger = logging.getLogger(__name__)

# Far above any real fleet; a gateway inventing machine ids cannot grow a worker's memory without bound.
MAX_CACHED = 200_000

# Placeholders for machine ids nobody has seen, bound to the gateway whose topic carried the data; the
# gateway row is created too when needed, because machines.gateway_id references it.
_PLACEHOLDERS = """
WITH incoming (machine_id, gateway_id) AS (SELECT * FROM unnest(%s::uuid[], %s::text[])),
missing AS (
    SELECT i.machine_id, i.gateway_id FROM incoming i
    WHERE NOT EXISTS (SELECT 1 FROM machines m WHERE m.id = i.machine_id)
), new_gateways AS (
    INSERT INTO gateways (id) SELECT DISTINCT gateway_id FROM missing ON CONFLICT (id) DO NOTHING
)
INSERT INTO machines (id, name, type, gateway_id, registered, pending)
SELECT machine_id, 'unregistered ' || left(replace(machine_id::text, '-', ''), 8), 'unknown', gateway_id,
       false, %s
FROM missing
ON CONFLICT (id) DO NOTHING"""
# A machine an engineer made without a gateway goes to the first gateway that speaks for it.
_CLAIM_UNBOUND = """
UPDATE machines m SET gateway_id = i.gateway_id, pending = %s
FROM unnest(%s::uuid[], %s::text[]) AS i (machine_id, gateway_id)
WHERE m.id = i.machine_id AND m.gateway_id IS NULL"""
_OWNERS = "SELECT id, gateway_id FROM machines WHERE id = ANY(%s::uuid[])"
_COUNT_FOREIGN = """
INSERT INTO gateways (id, foreign_rows) SELECT * FROM unnest(%s::text[], %s::bigint[])
ON CONFLICT (id) DO UPDATE SET
    foreign_rows = gateways.foreign_rows + EXCLUDED.foreign_rows, updated_at = now()"""


def refusal(gateway_id: str, foreign: Mapping[uuid.UUID, str | None], refused: int, total: int) -> str:
    """The dead letter's reason text: who may not write for which machine, owned by whom."""
    machine_id, owner = next(iter(foreign.items()))
    text = f"gateway {gateway_id} may not write for machine {machine_id} owned by {owner}"
    if len(foreign) > 1:
        text += f" (and {len(foreign) - 1} more machines of other gateways)"
    if refused == total:
        return text + f"; all {total} rows refused"
    return text + f"; {refused} of {total} rows refused, the rest stored"


class Ownership:
    """One worker's view of machine bindings: a cache of positive bindings and the checks that use it."""

    def __init__(
        self, *, ttl_s: float = 5.0, pending: bool = True, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_s = ttl_s
        # Whether a machine bound by a gateway (not an engineer) waits for approval.
        self.pending = pending
        self._clock = clock
        # Keyed by the machine id's 128-bit integer: hashing a UUID object is a Python call, an int's is not.
        self._cache: dict[int, tuple[str, float]] = {}
        # Bindings read in the open transaction: cached only once it commits.
        self._staged: dict[int, str] = {}
        # Rows refused per sending gateway in the open batch, added to gateways.foreign_rows with it.
        self._foreign_rows: dict[str, int] = {}

    def owner(self, machine_id: uuid.UUID, now: float | None = None) -> str | None:
        """The gateway a machine is bound to, as this worker knows it at ``now`` (None: ask the database)."""
        staged = self._staged.get(machine_id.int)
        if staged is not None:
            return staged
        entry = self._cache.get(machine_id.int)
        if entry is None or entry[1] <= (self._clock() if now is None else now):
            return None
        return entry[0]

    def found(self, machine_id: uuid.UUID, gateway_id: str) -> None:
        """A binding read in the open transaction: used at once, cached when the transaction commits."""
        self._staged[machine_id.int] = gateway_id

    def committed(self) -> None:
        """The transaction committed: what it read becomes cached for ``ttl_s``."""
        if len(self._cache) + len(self._staged) > MAX_CACHED:
            self._cache.clear()
        expires = self._clock() + self.ttl_s
        self._cache.update((machine_id, (gw, expires)) for machine_id, gw in self._staged.items())
        self._staged.clear()

    def discard(self) -> None:
        """The transaction (or part of it) rolled back: forget what it read and counted."""
        self._staged.clear()
        self._foreign_rows = {}

    def check(self, cursor: Any, items: Sequence[Accepted], stats: WriteStats) -> list[Accepted | Rejected]:
        """Bind unknown machines, then split ``items`` into what may be stored and what is refused."""
        # The hot path: every machine cached as the sender's. One clock reading and one dict look-up per
        # machine of each message, and nothing else when all agree.
        now = self._clock()
        cache, staged = self._cache, self._staged
        machines = [_machine_ids(item) for item in items]
        wanted: dict[int, str] = {}
        for item, ids in zip(items, machines, strict=True):
            gw = item.gateway_id
            for machine_id in ids:
                entry = cache.get(machine_id)
                if (entry is None or entry[0] != gw or entry[1] <= now) and staged.get(machine_id) != gw:
                    wanted.setdefault(machine_id, gw)
        if not wanted:
            return list(items)
        self._lookup(cursor, wanted, stats)
        checked: list[Accepted | Rejected] = []
        for item, ids in zip(items, machines, strict=True):
            # Judged at the same ``now`` as above: a binding that expires after it was found fresh (and so
            # was not read again) would otherwise have no owner here, and the sender's rows be refused.
            checked.extend(self._split(item, ids, now))
        return checked

    def _lookup(self, cursor: Any, wanted: dict[int, str], stats: WriteStats) -> None:
        """Create placeholders, claim unbound machines, and stage the bindings of ``wanted`` as stored."""
        # In id order, so workers creating the same new machines never wait on each other in a cycle.
        ordered = sorted(wanted.items())
        ids = [str(uuid.UUID(int=m)) for m, _ in ordered]
        gateways = [gw for _, gw in ordered]
        cursor.execute(_PLACEHOLDERS, (ids, gateways, self.pending))
        stats.placeholders += cursor.rowcount
        cursor.execute(_CLAIM_UNBOUND, (self.pending, ids, gateways))
        cursor.execute(_OWNERS, (ids,))
        for machine_id, gateway_id in cursor.fetchall():
            if gateway_id is not None:
                self.found(uuid.UUID(str(machine_id)), gateway_id)

    def _split(self, item: Accepted, machine_ids: set[int], now: float) -> list[Accepted | Rejected]:
        # Decided per machine, not per row: a message names few machines and many rows.
        foreign = {
            uuid.UUID(int=m): o
            for m in machine_ids
            if (o := self.owner(uuid.UUID(int=m), now)) != item.gateway_id
        }
        if not foreign:
            return [item]
        body = item.body
        rows: Sequence[Any] = body.readings if isinstance(body, TelemetryBatch) else body.predictions  # type: ignore[union-attr]
        refused_ids = {m.int for m in foreign}
        own = [row for row in rows if row.machine_id.int not in refused_ids]
        refused = len(rows) - len(own)
        self._foreign_rows[item.gateway_id] = self._foreign_rows.get(item.gateway_id, 0) + refused
        detail = refusal(item.gateway_id, foreign, refused, len(rows))
        logger.warning("refused %d rows: %s", refused, detail, extra={"gateway_id": item.gateway_id})
        rejected = Rejected(item.message, Reason.FOREIGN_MACHINE, detail)
        if not own:
            return [rejected]
        field = "readings" if isinstance(body, TelemetryBatch) else "predictions"
        kept = replace(item, body=msgspec.structs.replace(body, **{field: own}), copy_text=None)
        return [kept, rejected]

    def refused(self, gateway_id: str, rows: int) -> None:
        """Note ``rows`` refused from ``gateway_id`` (for a status entry), counted by ``count_refused``."""
        self._foreign_rows[gateway_id] = self._foreign_rows.get(gateway_id, 0) + rows

    def count_refused(self, cursor: Any) -> None:
        """Add the rows refused in this batch to each sending gateway's ``foreign_rows``."""
        if self._foreign_rows:
            counts = sorted(self._foreign_rows.items())  # a fixed order: concurrent workers never deadlock
            cursor.execute(_COUNT_FOREIGN, ([gw for gw, _ in counts], [n for _, n in counts]))
        self._foreign_rows = {}


def _machine_ids(item: Accepted) -> set[int]:
    """The distinct machine ids a data message names, as integers."""
    body = item.body
    if isinstance(body, TelemetryBatch):
        return {r.machine_id.int for r in body.readings}
    if isinstance(body, PredictionBatch):
        return {p.machine_id.int for p in body.predictions}
    return set()
