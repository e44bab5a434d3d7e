"""A ticket's drivers in the plant's language: signals in their units against the machine type's normal.

The engine explains a ticket with the window features that deviate most from the machine type's healthy
baseline (``cloud.engine.explain``). A technician reads signals, not features: "Vibration 7.3 mm/s, normal
for pumps 2.1 ± 0.6, rising 0.4 mm/s per hour". This module turns each driving feature into its signal's
line -- the signal's window mean against the baseline of that mean, and the signal's trend per hour of
event time measured on the readings themselves (a feature's slope is per sample, and the sample period of a
simulated plant is not the wall clock's).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.engine.explain import Baseline
from cloud.telemetry.models import SensorData


@dataclass(frozen=True, slots=True)
class Signal:
    """A measured signal as people name it."""

    label: str
    unit: str


# The signals every machine streams (contract.features.SIGNALS), with the units the edge sends them in.
SIGNALS: dict[str, Signal] = {
    "temperature": Signal("Temperature", "°C"),
    "vibration": Signal("Vibration", "mm/s"),
    "rpm": Signal("Speed", "rpm"),
}
# The readings a trend is fitted on: the span before the prediction that opened the ticket.
TREND_SPAN = timedelta(minutes=10)
_HOUR_S = 3600.0


def signal_of(feature: str) -> str | None:
    """The signal a window feature is computed from ("vibration_slope" -> "vibration"), or None."""
    for name in SIGNALS:
        if feature == name or feature.startswith(f"{name}_"):
            return name
    return None


def reading_trends(
    session: Session, machine_id: uuid.UUID, until: datetime, span: timedelta = TREND_SPAN
) -> dict[str, float]:
    """Each signal's least-squares slope per hour over the readings in ``(until - span, until]``."""
    epoch = sa.func.extract("epoch", SensorData.timestamp)
    columns = {name: getattr(SensorData, name) for name in SIGNALS}
    row = session.execute(
        sa.select(*(sa.func.regr_slope(column, epoch).label(name) for name, column in columns.items())).where(
            SensorData.machine_id == machine_id,
            SensorData.timestamp > until - span,
            SensorData.timestamp <= until,
        )
    ).one()
    return {name: float(value) * _HOUR_S for name, value in row._mapping.items() if value is not None}


def signal_drivers(
    drivers: Iterable[Mapping[str, Any]],
    features: Mapping[str, float] | None,
    baseline: Baseline | None,
    trends: Mapping[str, float],
) -> list[dict[str, Any]]:
    """One line per signal behind the drivers, in the drivers' order: its window mean, the normal mean and
    spread of that mean on healthy machines of the type, the trend per hour, and the feature that drove it.
    """
    features = features or {}
    lines: list[dict[str, Any]] = []
    seen: set[str] = set()
    for driver in drivers:
        feature = str(driver.get("feature", ""))
        name = signal_of(feature)
        if name is None or name in seen:
            continue
        seen.add(name)
        level = f"{name}_mean"
        normal = (baseline.mean[level], baseline.std[level]) if baseline and level in baseline.mean else None
        lines.append(
            {
                "signal": name,
                "label": SIGNALS[name].label,
                "unit": SIGNALS[name].unit,
                "value": _rounded(features.get(level)),
                "normal_mean": _rounded(normal[0]) if normal else None,
                "normal_std": _rounded(normal[1]) if normal else None,
                "trend_per_hour": _rounded(trends.get(name)),
                "feature": feature,
                "z": driver.get("z"),
            }
        )
    return lines


def _rounded(value: float | None) -> float | None:
    # A feature snapshot is wire input: a non-finite value says nothing a technician can read.
    return round(float(value), 4) if value is not None and math.isfinite(value) else None
