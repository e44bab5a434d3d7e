"""What ``GET /api/kpis`` answers: per-group reliability figures over a period (definitions in
docs/reliability-kpis.md)."""

from __future__ import annotations

import enum
from datetime import timedelta

from pydantic import BaseModel

from cloud.timerange import UtcDatetime

DEFAULT_PERIOD = timedelta(days=30)
# Upper edges of the lead-time histogram in hours (the last bucket is open): from "caught within the hour"
# to "a month ahead", roughly doubling, so both short-horizon and long-horizon models spread over it.
LEAD_TIME_EDGES_H = (1.0, 4.0, 12.0, 24.0, 72.0, 168.0, 720.0)
LEAD_TIME_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


class KpiGrouping(enum.StrEnum):
    """What the figures are broken down by."""

    MACHINE = "machine"
    LINE = "line"
    SITE = "site"
    MODEL_VERSION = "model_version"


class KindOutcomeCount(BaseModel):
    """How many tickets of a kind ended with an outcome (``None``: no outcome yet)."""

    kind: str
    outcome: str | None
    count: int


class Precision(BaseModel):
    """Predictive tickets confirmed ÷ (confirmed + false alarm); ``value`` is null when both are 0."""

    confirmed: int
    false_alarms: int
    value: float | None


class LeadTime(BaseModel):
    """Hours from a confirmed predictive ticket's opening to its resolution; null when ``count`` is 0."""

    count: int
    median_hours: float | None
    mean_hours: float | None
    p10_hours: float | None
    p25_hours: float | None
    p75_hours: float | None
    p90_hours: float | None


class KpiFigures(BaseModel):
    """The figures of one group (or of everything in the filter, for ``total``)."""

    tickets: int
    by_kind_outcome: list[KindOutcomeCount]
    precision: Precision
    lead_time: LeadTime
    missed_failures: int
    failures: int
    repairs: int
    mttr_hours: float | None
    machines: int | None
    operating_hours: float | None
    mtbf_hours: float | None
    planned: int
    unplanned: int
    planned_share: float | None


class KpiGroup(KpiFigures):
    """A group's figures; ``key`` is its id (or model version), null for "unplaced" / "no model"."""

    key: str | None
    label: str


class LeadTimeBucket(BaseModel):
    """One bar of the lead-time histogram: [lower_hours, upper_hours), upper null for the open last bar."""

    lower_hours: float
    upper_hours: float | None
    count: int


class KpiReport(BaseModel):
    """Reliability figures of the tickets opened in [start, end), overall and per group."""

    start: UtcDatetime
    end: UtcDatetime
    group_by: KpiGrouping
    total: KpiFigures
    groups: list[KpiGroup]
    lead_time_histogram: list[LeadTimeBucket]
