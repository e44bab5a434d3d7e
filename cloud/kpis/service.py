"""Assembles ``GET /api/kpis`` from the aggregate queries: ratios that may be undefined become null, and
machine-based groups list every machine in scope, with or without tickets."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from cloud.kpis import queries
from cloud.kpis.queries import Scope
from cloud.kpis.schemas import (
    LEAD_TIME_EDGES_H,
    KindOutcomeCount,
    KpiFigures,
    KpiGroup,
    KpiGrouping,
    KpiReport,
    LeadTime,
    LeadTimeBucket,
    Precision,
)

HOUR_S = 3600.0
NO_MODEL = "no model version"
UNPLACED = "unplaced"
_EMPTY: dict[str, Any] = {
    "tickets": 0,
    "confirmed": 0,
    "false_alarms": 0,
    "missed_failures": 0,
    "failures": 0,
    "planned": 0,
    "unplanned": 0,
    "lead_count": 0,
    "lead_mean_s": None,
    "lead_quantiles_s": None,
    "repairs": 0,
    "mttr_s": None,
}


def ratio(part: int, whole: int) -> float | None:
    """part ÷ whole, or None when whole is 0 (an undefined figure is null, not an error)."""
    return part / whole if whole else None


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else float(seconds) / HOUR_S


def _lead_time(row: dict[str, Any]) -> LeadTime:
    q = [_hours(v) for v in row["lead_quantiles_s"]] if row["lead_quantiles_s"] else [None] * 5
    return LeadTime(
        count=row["lead_count"],
        median_hours=q[2],
        mean_hours=_hours(row["lead_mean_s"]),
        p10_hours=q[0],
        p25_hours=q[1],
        p75_hours=q[3],
        p90_hours=q[4],
    )


def _figures(
    row: dict[str, Any], counts: list[KindOutcomeCount], machine: dict[str, Any] | None
) -> dict[str, Any]:
    """The fields of KpiFigures (a dict, so a KpiGroup is built once, not built and copied)."""
    operating_s = machine["operating_s"] if machine else None
    failures = row["failures"]
    return dict(
        tickets=row["tickets"],
        by_kind_outcome=counts,
        precision=Precision(
            confirmed=row["confirmed"],
            false_alarms=row["false_alarms"],
            value=ratio(row["confirmed"], row["confirmed"] + row["false_alarms"]),
        ),
        lead_time=_lead_time(row),
        missed_failures=row["missed_failures"],
        failures=failures,
        repairs=row["repairs"],
        mttr_hours=_hours(row["mttr_s"]),
        machines=machine["machines"] if machine else None,
        operating_hours=_hours(operating_s),
        mtbf_hours=_hours(operating_s / failures) if operating_s is not None and failures else None,
        planned=row["planned"],
        unplanned=row["unplanned"],
        planned_share=ratio(row["planned"], row["planned"] + row["unplanned"]),
    )


def _histogram(row: dict[str, Any]) -> list[LeadTimeBucket]:
    """The lead-time bars of a figures row, empty ones included."""
    lowers = (0.0, *LEAD_TIME_EDGES_H)
    uppers: tuple[float | None, ...] = (*LEAD_TIME_EDGES_H, None)
    return [
        LeadTimeBucket(lower_hours=lo, upper_hours=hi, count=row.get(f"lead_bar_{i}", 0))
        for i, (lo, hi) in enumerate(zip(lowers, uppers, strict=True))
    ]


def _keyed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with their group key as text (a uuid or a model version; None stays None)."""
    return [{**row, "gkey": None if row["gkey"] is None else str(row["gkey"])} for row in rows]


def report(*, db_session: Session, scope: Scope) -> KpiReport:
    """The period's figures, in total and per group (groups sorted by label)."""
    rows = _keyed(queries.figures(db_session=db_session, scope=scope))
    by_key = {row["gkey"]: row for row in rows if not row["is_total"]}
    total_row = next((row for row in rows if row["is_total"]), _EMPTY)
    counts: dict[str | None, list[KindOutcomeCount]] = defaultdict(list)
    total_counts: list[KindOutcomeCount] = []
    for row in _keyed(queries.kind_outcome_counts(db_session=db_session, scope=scope)):
        count = KindOutcomeCount(kind=row["kind"], outcome=row["outcome"], count=row["count"])
        (total_counts if row["is_total"] else counts[row["gkey"]]).append(count)
    machine_rows = _keyed(queries.machine_groups(db_session=db_session, scope=scope))
    machines = {row["gkey"]: row for row in machine_rows if not row["is_total"]}
    total_machines = next(row for row in machine_rows if row["is_total"])
    if scope.grouping is KpiGrouping.MODEL_VERSION:
        labels = {key: key or NO_MODEL for key in by_key}
    else:
        labels = {key: row["label"] or UNPLACED for key, row in machines.items()}
    groups = [
        KpiGroup(
            key=key,
            label=label,
            **_figures(by_key.get(key, _EMPTY), counts.get(key, []), machines.get(key)),
        )
        for key, label in sorted(labels.items(), key=lambda item: (item[1], item[0] or ""))
    ]
    return KpiReport(
        start=scope.period.start,
        end=scope.period.end,
        group_by=scope.grouping,
        total=KpiFigures(**_figures(total_row, total_counts, total_machines)),
        groups=groups,
        lead_time_histogram=_histogram(total_row),
    )
