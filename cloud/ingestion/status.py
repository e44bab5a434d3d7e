"""Writing a gateway's status: its presence, and the machines it announces (only its own).

Two steps, each a function, so further checks (e.g. on the status' time) slot in between:
``presence`` upserts the gateway row (or, for a last will, marks it offline), then ``announce`` registers
the machines the status lists. Presence follows the broker connection: every status names its session, and
a last will counts only when it names the session of the newest status, whatever its ``ts`` (a will is made
when the connection opens). A status older than the one stored (a late retained copy) never rolls the
gateway back, and one already stored is not applied again: every worker receives every status, and only the
first to store it registers its machines and dead-letters refused entries, so they count once. A status
proposes names, types and locations; it never re-homes another gateway's machine
(dead-lettered, counted) nor overwrites a field an engineer set.
"""

from __future__ import annotations

import logging
from typing import Any

from psycopg2.extras import Json, execute_values

from cloud.ingestion.dead_letter import Reason, Rejected
from cloud.ingestion.ownership import Ownership, refusal
from cloud.ingestion.routing import Accepted
from cloud.ingestion.stats import WriteStats
from cloud.ingestion.timecheck import pg_time
from contract.payloads import GatewayStatus

logger = logging.getLogger(__name__)

_UPSERT_GATEWAY = """
INSERT INTO gateways (id, online, last_seen, agent_version, model_version, outbox_depth, dropped, last_error,
                      session)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (id) DO UPDATE SET
    online = EXCLUDED.online, last_seen = EXCLUDED.last_seen, agent_version = EXCLUDED.agent_version,
    model_version = EXCLUDED.model_version, outbox_depth = EXCLUDED.outbox_depth, dropped = EXCLUDED.dropped,
    last_error = EXCLUDED.last_error, session = EXCLUDED.session, updated_at = now()
WHERE gateways.last_seen IS NULL OR gateways.last_seen < EXCLUDED.last_seen
    -- A stored time further ahead than any accepted status can be (a clock gone wrong before the time
    -- check existed) must not freeze the gateway.
    OR gateways.last_seen > now() + interval '1 day'"""
# The broker published the will of this connection: the gateway is gone, whatever the will's ts says.
_WILL = """
UPDATE gateways SET online = false, updated_at = now()
WHERE id = %s AND session = %s"""
# Only the gateway's own machines (or unbound ones) change; fields an engineer set stay as they are.
_ANNOUNCE = """
INSERT INTO machines AS m (id, name, type, location, gateway_id, registered, pending) VALUES %s
ON CONFLICT (id) DO UPDATE SET
    name = CASE WHEN 'name' = ANY(m.engineer_fields) THEN m.name ELSE EXCLUDED.name END,
    type = CASE WHEN 'type' = ANY(m.engineer_fields) THEN m.type ELSE EXCLUDED.type END,
    location = CASE WHEN 'location' = ANY(m.engineer_fields) THEN m.location ELSE EXCLUDED.location END,
    pending = CASE WHEN m.gateway_id IS NULL THEN EXCLUDED.pending ELSE m.pending END,
    gateway_id = EXCLUDED.gateway_id, registered = true
WHERE m.gateway_id IS NULL OR m.gateway_id = EXCLUDED.gateway_id
RETURNING m.id"""
_OWNERS = "SELECT id, gateway_id FROM machines WHERE id = ANY(%s::uuid[])"


def presence(cursor: Any, status: GatewayStatus) -> bool:
    """Record the gateway's presence; False when the status is stale (an older one, or an old will)."""
    if status.will and status.session:
        cursor.execute(_WILL, (status.gateway_id, status.session))
        if cursor.rowcount == 0:
            logger.info("skipped the will of an earlier connection of gateway %s", status.gateway_id)
            return False
        logger.info("gateway %s went away (its last will)", status.gateway_id)
        return False  # a will carries the machines of connect time: nothing to announce
    cursor.execute(
        _UPSERT_GATEWAY,
        (
            status.gateway_id,
            status.online,
            pg_time(status.ts),
            status.agent_version,
            status.model_version,
            status.outbox_depth,
            Json(status.dropped),
            status.last_error,
            status.session or None,
        ),
    )
    if cursor.rowcount == 0:
        logger.info("skipped stale status of gateway %s from %s", status.gateway_id, status.ts)
        return False
    return True


def announce(cursor: Any, item: Accepted, owners: Ownership) -> Rejected | None:
    """Register or update the machines a status lists; entries for other gateways' machines are refused."""
    status = item.body
    assert isinstance(status, GatewayStatus)
    # One row per machine id: ON CONFLICT DO UPDATE may not touch the same row twice in one statement.
    machines = {m.id: m for m in status.machines}
    if not machines:
        return None
    gw = status.gateway_id
    rows = [(str(m.id), m.name, m.type, m.location, gw, True, owners.pending) for m in machines.values()]
    template = "(%s::uuid, %s, %s, %s, %s, %s, %s)"
    written = {str(r[0]) for r in execute_values(cursor, _ANNOUNCE, rows, template=template, fetch=True)}
    foreign_ids = [str(m) for m in machines if str(m) not in written]
    if not foreign_ids:
        return None
    cursor.execute(_OWNERS, (foreign_ids,))
    foreign = {machine_id: owner for machine_id, owner in cursor.fetchall()}
    if not foreign:
        return None
    owners.refused(gw, len(foreign))
    detail = refusal(gw, foreign, len(foreign), len(machines))
    logger.warning("refused status entries: %s", detail, extra={"gateway_id": gw})
    return Rejected(item.message, Reason.FOREIGN_MACHINE, detail)


def write_status(cursor: Any, item: Accepted, stats: WriteStats, owners: Ownership) -> Rejected | None:
    """Write one status message: presence, then its machines; a dead letter for refused entries, if any."""
    assert isinstance(item.body, GatewayStatus)
    stats.statuses += 1
    if not presence(cursor, item.body):
        return None
    return announce(cursor, item, owners)
