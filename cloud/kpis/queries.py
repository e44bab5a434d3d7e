"""The SQL behind the reliability figures: each figure is an aggregate over the period's tickets, computed
by PostgreSQL in one pass per query (``GROUPING SETS`` gives the per-group rows and the total together).

An outcome a database may not have yet ('MISSED' before its migration) is compared as text, so the
queries run either way; values every database has are compared as the enums they are (cheaper per row).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.kpis.schemas import LEAD_TIME_EDGES_H, LEAD_TIME_QUANTILES, KpiGrouping
from cloud.timerange import TimeRange

# Outcomes that mean the machine failed (or was about to): a confirmed fault, or a failure no prediction
# warned of. A false alarm or a ticket without an outcome is no failure.
FAILURE_OUTCOMES = "('CONFIRMED_FAULT', 'MISSED')"
PLANNED_KINDS = "('PREVENTIVE', 'PREDICTIVE')"

# Group key of a ticket (aliases t: ticket, m: machine, l: line) and of a machine, per grouping.
# Keys stay uuids (and the version text sorts bytewise): grouping sorts 100,000 rows, and a sort of text
# under the database's collation took most of the query's time.
_TICKET_KEY = {
    KpiGrouping.MACHINE: "m.id",
    KpiGrouping.LINE: "m.line_id",
    KpiGrouping.SITE: "l.site_id",
    KpiGrouping.MODEL_VERSION: """CASE WHEN t.kind::text = 'PREDICTIVE'
        THEN (t.reason ->> 'model_version') COLLATE "C" END""",
}
# Machines belong to no model version, so that grouping has no per-group machine rows (MTBF is fleet-only).
_MACHINE_KEY_LABEL = {
    KpiGrouping.MACHINE: ("m.id", "m.name"),
    KpiGrouping.LINE: ("m.line_id", "s.name || ' / ' || l.name"),
    KpiGrouping.SITE: ("l.site_id", "s.name"),
}


@dataclass(frozen=True, slots=True)
class Scope:
    """Which tickets and machines the figures cover: a period and optional site / line / machine."""

    period: TimeRange
    grouping: KpiGrouping
    site_id: uuid.UUID | None = None
    line_id: uuid.UUID | None = None
    machine_id: uuid.UUID | None = None

    def machine_filter(self) -> tuple[str, dict[str, Any]]:
        """SQL conditions on m (machine) and l (line), and their parameters."""
        conditions, params = [], {}
        for column, name, value in (
            ("l.site_id", "site_id", self.site_id),
            ("m.line_id", "line_id", self.line_id),
            ("m.id", "machine_id", self.machine_id),
        ):
            if value is not None:
                conditions.append(f"{column} = :{name}")
                params[name] = value
        return "".join(f" AND {c}" for c in conditions), params

    def params(self) -> dict[str, Any]:
        """Bind parameters of every query here."""
        return {"start": self.period.start, "end": self.period.end, **self.machine_filter()[1]}


def _from() -> str:
    """FROM of the tickets and their machine and line (aliases t, m, l)."""
    return """
        FROM maintenance_tickets t
        JOIN machines m ON m.id = t.machine_id
        LEFT JOIN lines l ON l.id = m.line_id"""


def _measured(scope: Scope) -> str:
    """A CTE ``measured``: the period's tickets with group key, failure flag, lead and repair seconds."""
    where, _ = scope.machine_filter()
    return f"""
    WITH started AS (
        -- When work began: the first move to IN_PROGRESS (it follows the opening, so >= start holds);
        -- the partial index ix_ticket_events_in_progress (migration 0018) holds exactly these events.
        SELECT e.ticket_id, min(e.at) AS at
        FROM ticket_events e
        WHERE e.kind = 'status' AND e.data ->> 'to' = 'IN_PROGRESS' AND e.at >= :start
        GROUP BY e.ticket_id
    ), measured AS (
        SELECT
            {_TICKET_KEY[scope.grouping]} AS gkey,
            t.kind = 'PREDICTIVE' AND t.outcome = 'CONFIRMED_FAULT' AS is_confirmed,
            t.kind = 'PREDICTIVE' AND t.outcome = 'FALSE_ALARM' AS is_false_alarm,
            t.kind = 'CORRECTIVE' AND t.outcome::text = 'MISSED' AS is_missed,
            t.outcome::text IN {FAILURE_OUTCOMES} AS is_failure,
            t.kind IN {PLANNED_KINDS} AS is_planned,
            t.kind = 'CORRECTIVE' AS is_unplanned,
            CASE WHEN t.kind = 'PREDICTIVE' AND t.outcome = 'CONFIRMED_FAULT' AND t.resolved_at IS NOT NULL
                 THEN greatest(0, date_part('epoch', t.resolved_at - t.created_at)) END AS lead_s,
            CASE WHEN t.outcome::text IN {FAILURE_OUTCOMES} AND t.resolved_at IS NOT NULL
                 THEN greatest(0, date_part('epoch', t.resolved_at - coalesce(w.at, t.created_at)))
            END AS repair_s
        {_from()}
        LEFT JOIN started w ON w.ticket_id = t.id
        WHERE t.created_at >= :start AND t.created_at < :end{where}
    )"""


def figures(*, db_session: Session, scope: Scope) -> list[dict[str, Any]]:
    """Per group and total (``is_total``): counts, precision parts, lead-time quantiles and bars, MTTR."""
    quantiles = ", ".join(str(q) for q in LEAD_TIME_QUANTILES)
    edges = ", ".join(str(edge * 3600) for edge in LEAD_TIME_EDGES_H)
    # The lead-time histogram's bars as columns lead_bar_0 .. lead_bar_N, numbered as width_bucket does
    # (0: below the first edge): one pass over the tickets gives every figure.
    bars = "".join(
        f"\n        count(*) FILTER (WHERE width_bucket(lead_s, ARRAY[{edges}]::float8[]) = {i})"
        f" AS lead_bar_{i},"
        for i in range(len(LEAD_TIME_EDGES_H) + 1)
    )
    sql = f"""{_measured(scope)}
    SELECT
        gkey,
        GROUPING(gkey) = 1 AS is_total,
        count(*) AS tickets,
        count(*) FILTER (WHERE is_confirmed) AS confirmed,
        count(*) FILTER (WHERE is_false_alarm) AS false_alarms,
        count(*) FILTER (WHERE is_missed) AS missed_failures,
        count(*) FILTER (WHERE is_failure) AS failures,
        count(*) FILTER (WHERE is_planned) AS planned,
        count(*) FILTER (WHERE is_unplanned) AS unplanned,
        count(lead_s) AS lead_count,{bars}
        avg(lead_s) AS lead_mean_s,
        percentile_cont(ARRAY[{quantiles}]) WITHIN GROUP (ORDER BY lead_s) AS lead_quantiles_s,
        count(repair_s) AS repairs,
        avg(repair_s) AS mttr_s
    FROM measured
    GROUP BY GROUPING SETS ((gkey), ())
    """
    return [dict(row) for row in db_session.execute(sa.text(sql), scope.params()).mappings()]


def kind_outcome_counts(*, db_session: Session, scope: Scope) -> list[dict[str, Any]]:
    """Tickets per (kind, outcome), per group and in total (``is_total``).

    Grouped on the enum columns themselves (ordered by their declaration, compared as integers), named
    as text only in the result: grouping on text sorted under the database's collation cost most of it.
    """
    where, _ = scope.machine_filter()
    key = _TICKET_KEY[scope.grouping]
    sql = f"""
    SELECT {key} AS gkey, GROUPING({key}) = 1 AS is_total, t.kind::text AS kind, t.outcome::text AS outcome,
           count(*) AS count
    {_from()}
    WHERE t.created_at >= :start AND t.created_at < :end{where}
    GROUP BY GROUPING SETS (({key}, t.kind, t.outcome), (t.kind, t.outcome))
    ORDER BY t.kind, t.outcome NULLS LAST
    """
    return [dict(row) for row in db_session.execute(sa.text(sql), scope.params()).mappings()]


def machine_groups(*, db_session: Session, scope: Scope) -> list[dict[str, Any]]:
    """Per group and total: its label, how many machines and their operating seconds in the period.

    Operating time is the part of the period each machine existed (from its ``created_at``), up to now.
    The model-version grouping has only the total row.
    """
    where, _ = scope.machine_filter()
    operating = """coalesce(sum(greatest(0, extract(epoch FROM
            least(CAST(:end AS timestamptz), now()) - greatest(CAST(:start AS timestamptz), m.created_at)
        ))), 0)::float8"""
    if scope.grouping in _MACHINE_KEY_LABEL:
        key, label = _MACHINE_KEY_LABEL[scope.grouping]
        columns = f"{key} AS gkey, GROUPING({key}) = 1 AS is_total, min({label}) AS label"
        group_by = f"GROUP BY GROUPING SETS (({key}), ())"
    else:
        columns, group_by = "NULL::text AS gkey, true AS is_total, NULL::text AS label", ""
    sql = f"""
    SELECT {columns}, count(*) AS machines, {operating} AS operating_s
    FROM machines m
    LEFT JOIN lines l ON l.id = m.line_id
    LEFT JOIN sites s ON s.id = l.site_id
    WHERE true{where}
    {group_by}
    """
    return [dict(row) for row in db_session.execute(sa.text(sql), scope.params()).mappings()]
