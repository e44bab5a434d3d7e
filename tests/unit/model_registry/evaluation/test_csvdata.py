"""CSV reading says what is wrong and where: missing column, bad number, empty file."""

from __future__ import annotations

from pathlib import Path

import pytest

from model_registry.evaluation.csvdata import iter_rows, load_series
from model_registry.evaluation.errors import CsvFormatError, DatasetNotFoundError

pytestmark = pytest.mark.unit


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(text)
    return path


def test_rows_stream_as_key_and_floats(tmp_path: Path) -> None:
    path = _write(tmp_path, "timestamp,a,b\nt1,1,2.5\nt2,3,4\n")
    assert list(iter_rows(path, "timestamp", ["b", "a"])) == [("t1", [2.5, 1.0]), ("t2", [4.0, 3.0])]


def test_missing_column_is_named_with_the_columns_present(tmp_path: Path) -> None:
    path = _write(tmp_path, "timestamp,value\nt1,1\n")
    with pytest.raises(CsvFormatError, match=r"no column 'temp'; columns present: timestamp, value"):
        load_series(path, "timestamp", ["temp"])


def test_unparsable_number_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "timestamp,value\nt1,1\nt2,abc\n")
    with pytest.raises(CsvFormatError, match=rf"{path}:3: column 'value': 'abc' is not a number"):
        load_series(path, "timestamp", ["value"])


def test_non_finite_number_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "timestamp,value\nt1,nan\n")
    with pytest.raises(CsvFormatError, match=r":2: .* not a finite number"):
        load_series(path, "timestamp", ["value"])


def test_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvFormatError, match="empty"):
        load_series(_write(tmp_path, ""), "timestamp", ["value"])


def test_header_without_rows_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvFormatError, match="no data rows"):
        load_series(_write(tmp_path, "timestamp,value\n"), "timestamp", ["value"])


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError, match=r"nope\.csv"):
        load_series(tmp_path / "nope.csv", "timestamp", ["value"])
