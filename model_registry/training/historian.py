"""Reading a historian export: a telemetry CSV (time, machine, numeric signals) and a failure log CSV.

Every column of the telemetry other than the time and machine columns whose first non-empty value is a
number is a signal; empty cells are gaps, filled from the machine's previous value. Every problem names
the file and line (``T.csv:17: column 'time': 'yesterday' is not a date and time``).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from model_registry.training.errors import TrainingError


class HistorianFormatError(TrainingError):
    """A telemetry or failure CSV that cannot be read: missing file or column, bad time or number."""


@dataclass(frozen=True)
class MachineSeries:
    """One machine's readings in time order."""

    times: np.ndarray  # (T,) float64 Unix seconds
    values: np.ndarray  # (T, S) float64, columns = HistorianData.signals
    failures: np.ndarray  # (F,) float64 Unix seconds, sorted


@dataclass(frozen=True)
class HistorianData:
    """Every machine's series and the signal names."""

    signals: tuple[str, ...]
    machines: dict[str, MachineSeries]


def parse_time(text: str, path: Path, line: int, column: str) -> float:
    """Unix seconds of an ISO 8601 date and time (naive = UTC), or an error naming file and line."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise HistorianFormatError(
            f"{path}:{line}: column {column!r}: {text!r} is not an ISO 8601 date and time"
        ) from None
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).timestamp()


def _header(path: Path, reader: csv.DictReader[str], needed: list[str]) -> list[str]:
    if reader.fieldnames is None:
        raise HistorianFormatError(f"{path}: the file is empty (no header line)")
    names = list(reader.fieldnames)
    missing = [c for c in needed if c not in names]
    if missing:
        raise HistorianFormatError(
            f"{path}: no column {', '.join(map(repr, missing))}; columns present: {', '.join(names)}"
        )
    return names


def _open(path: Path) -> csv.DictReader[str]:
    if not path.is_file():
        raise HistorianFormatError(f"{path}: no such file")
    # Read whole: historian exports this command is for fit in memory, and the file is closed at once.
    return csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_failures(path: Path, time_col: str, machine_col: str) -> dict[str, list[float]]:
    """Failure times per machine from the failure log."""
    reader = _open(path)
    _header(path, reader, [time_col, machine_col])
    out: dict[str, list[float]] = {}
    for line, row in enumerate(reader, start=2):
        out.setdefault(row[machine_col].strip(), []).append(parse_time(row[time_col], path, line, time_col))
    return out


def read_historian(telemetry: Path, failures: Path, time_col: str, machine_col: str) -> HistorianData:
    """Read both files; raises HistorianFormatError on anything it cannot use."""
    reader = _open(telemetry)
    names = _header(telemetry, reader, [time_col, machine_col])
    rows = list(enumerate(reader, start=2))
    others = [n for n in names if n not in (time_col, machine_col)]
    signals = []
    for name in others:
        first = next((r[name] for _, r in rows if r.get(name) not in (None, "")), None)
        if first is not None and _is_number(first):
            signals.append(name)
    if not signals:
        raise HistorianFormatError(
            f"{telemetry}: no numeric signal column besides {time_col!r}, {machine_col!r}"
        )
    per_machine: dict[str, list[tuple[float, list[float]]]] = {}
    for line, row in rows:
        ts = parse_time(row[time_col] or "", telemetry, line, time_col)
        values = []
        for name in signals:
            cell = (row[name] or "").strip()
            if cell == "":
                values.append(math.nan)
                continue
            try:
                values.append(float(cell))
            except ValueError:
                raise HistorianFormatError(
                    f"{telemetry}:{line}: column {name!r}: {cell!r} is not a number"
                ) from None
        per_machine.setdefault(row[machine_col].strip(), []).append((ts, values))
    failure_log = read_failures(failures, time_col, machine_col)
    machines = {}
    for machine, items in per_machine.items():
        items.sort(key=lambda item: item[0])
        readings = np.array([v for _, v in items], dtype=np.float64)
        _fill_gaps(readings)
        machines[machine] = MachineSeries(
            np.array([t for t, _ in items]),
            readings,
            np.sort(np.array(failure_log.get(machine, []), dtype=np.float64)),
        )
    return HistorianData(tuple(signals), machines)


def _fill_gaps(values: np.ndarray) -> None:
    """Fill NaN gaps in place with the previous value (the first ones with the next), column by column."""
    for col in range(values.shape[1]):
        column = values[:, col]
        ok = ~np.isnan(column)
        if not ok.any():
            column[:] = 0.0
            continue
        index = np.where(ok, np.arange(column.size), 0)
        np.maximum.accumulate(index, out=index)
        first = int(np.argmax(ok))
        index[:first] = first
        values[:, col] = column[index]
