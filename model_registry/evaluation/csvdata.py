"""CSV reading shared by the evaluation runners and the ``anomaly score`` command.

Reads with the standard csv module (pandas is not a dependency), streams rows, and turns every problem in the
input into a ``CsvFormatError`` that names the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

from model_registry.evaluation.errors import CsvFormatError, DatasetNotFoundError


def _open(path: Path) -> TextIO:
    if not path.is_file():
        raise DatasetNotFoundError(f"{path}: no such file")
    # utf-8-sig drops the byte-order mark some exports (AI4I) start with.
    return path.open(newline="", encoding="utf-8-sig")


def column_indices(path: Path, header: Sequence[str], wanted: Sequence[str]) -> list[int]:
    """Index of each wanted column in the header; a missing one raises an error listing those present."""
    names = [h.strip() for h in header]
    indices = []
    for col in wanted:
        if col not in names:
            raise CsvFormatError(f"{path}: no column {col!r}; columns present: {', '.join(names)}")
        indices.append(names.index(col))
    return indices


def parse_float(text: str, path: Path, line: int, column: str) -> float:
    """A finite float from a CSV cell, or an error naming file, line and column."""
    try:
        value = float(text)
    except ValueError:
        raise CsvFormatError(f"{path}:{line}: column {column!r}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CsvFormatError(f"{path}:{line}: column {column!r}: {text!r} is not a finite number")
    return value


def iter_rows(path: Path, key_col: str, value_cols: Sequence[str]) -> Iterator[tuple[str, list[float]]]:
    """Yield ``(key, [values...])`` for each data row, one row in memory at a time."""
    with _open(path) as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise CsvFormatError(f"{path}: the file is empty (no header line)")
        key_idx = column_indices(path, header, [key_col])[0]
        idx = column_indices(path, header, value_cols)
        seen = False
        for row in reader:
            if not row:
                continue
            line = reader.line_num
            if len(row) != len(header):
                raise CsvFormatError(f"{path}:{line}: {len(row)} fields, the header has {len(header)}")
            seen = True
            yield (
                row[key_idx],
                [parse_float(row[i], path, line, c) for i, c in zip(idx, value_cols, strict=True)],
            )
        if not seen:
            raise CsvFormatError(f"{path}: no data rows after the header")


def load_series(path: Path, key_col: str, value_cols: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """All rows at once: the keys and a (rows, columns) float64 array."""
    keys: list[str] = []
    values: list[list[float]] = []
    for key, vals in iter_rows(path, key_col, value_cols):
        keys.append(key)
        values.append(vals)
    return keys, np.asarray(values, dtype=np.float64).reshape(len(keys), len(value_cols))


def load_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and every data row as strings (for small tables such as AI4I)."""
    with _open(path) as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise CsvFormatError(f"{path}: the file is empty (no header line)")
        rows = [row for row in reader if row]
    if not rows:
        raise CsvFormatError(f"{path}: no data rows after the header")
    return [h.strip() for h in header], rows
