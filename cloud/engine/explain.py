"""Why a ticket was opened: the features that deviate most from the machine type's healthy baseline.

The baseline of a machine type is the mean and spread of each feature over recent low-risk predictions of
machines of that type (what "healthy" looks like for a pump, not for a spindle). A ticket's ``reason``
lists the top deviations with their value, the baseline and the z-score, trends (``*_slope``) included.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.machines.models import Machine
from cloud.predictions.models import Prediction

# Healthy predictions read per machine type to build its baseline: enough for stable means, cheap to read,
# spread over this many machines of the type (so one odd unit does not define "healthy").
BASELINE_SAMPLE = 2000
BASELINE_MACHINES = 40
# How many deviating features a ticket lists.
TOP_DRIVERS = 3
# Spread floor, so a feature that never moves on healthy machines does not give an infinite z-score.
_MIN_STD = 1e-6


@dataclass(frozen=True, slots=True)
class Baseline:
    """Mean and standard deviation of each feature on healthy machines of one type."""

    mean: Mapping[str, float]
    std: Mapping[str, float]
    samples: int


def baseline_of(rows: list[Mapping[str, float]]) -> Baseline:
    """The per-feature mean and standard deviation of feature snapshots."""
    names = {name for row in rows for name in row}
    mean: dict[str, float] = {}
    std: dict[str, float] = {}
    for name in names:
        values = [float(row[name]) for row in rows if isinstance(row.get(name), int | float)]
        if not values:
            continue
        m = sum(values) / len(values)
        s = math.sqrt(sum((v - m) ** 2 for v in values) / len(values))
        # Features are any finite number a gateway sent: huge ones overflow to inf or NaN here, and a
        # baseline that is not a number explains nothing (and NaN cannot be stored in a ticket's JSON).
        if math.isfinite(m) and math.isfinite(s):
            mean[name], std[name] = m, s
    return Baseline(mean, std, len(rows))


def deviations(
    features: Mapping[str, float] | None, baseline: Baseline, top: int = TOP_DRIVERS
) -> list[dict[str, Any]]:
    """The ``top`` features furthest from the baseline (by |z|), with value, baseline mean/std and z."""
    if not features:
        return []
    scored: list[tuple[float, dict[str, Any]]] = []
    for name, value in features.items():
        if name not in baseline.mean or not isinstance(value, int | float):
            continue
        z = (float(value) - baseline.mean[name]) / max(baseline.std[name], _MIN_STD)
        if not math.isfinite(z):
            continue
        scored.append(
            (
                abs(z),
                {
                    "feature": name,
                    "value": round(float(value), 4),
                    "baseline_mean": round(baseline.mean[name], 4),
                    "baseline_std": round(baseline.std[name], 4),
                    "z": round(z, 2),
                    "kind": "trend" if name.endswith("_slope") else "level",
                },
            )
        )
    scored.sort(key=lambda item: -item[0])
    return [driver for _, driver in scored[:top]]


def type_baseline(session: Session, machine_type: str, below: float) -> Baseline:
    """The baseline of ``machine_type`` from its machines' recent predictions with ``failure_prob < below``.

    Read per machine through the (machine_id, timestamp) index -- the newest few low-risk predictions of up
    to ``BASELINE_MACHINES`` machines -- so the cost stays small however long the predictions table grows.
    """
    machines = (
        sa.select(Machine.id)
        .where(Machine.type == machine_type)
        .order_by(Machine.id)
        .limit(BASELINE_MACHINES)
        .subquery("of_type")
    )
    recent = (
        sa.select(Prediction.features)
        .where(
            Prediction.machine_id == machines.c.id,
            Prediction.failure_prob < below,
            Prediction.features.is_not(None),
        )
        .order_by(Prediction.timestamp.desc())
        .limit(BASELINE_SAMPLE // BASELINE_MACHINES)
        .lateral("recent")
    )
    rows = session.scalars(sa.select(recent.c.features).select_from(machines).join(recent, sa.true())).all()
    return baseline_of([r for r in rows if isinstance(r, Mapping)])
