"""The CSV formula guard: no exported text can start a formula, and the guard is reversible."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloud.kpis.csvsafe import FORMULA_STARTS, cell, guard_text

pytestmark = pytest.mark.unit


@given(st.text())
def test_no_guarded_text_starts_a_formula_and_the_apostrophe_is_the_only_change(text: str) -> None:
    guarded = guard_text(text)
    assert not guarded.startswith(FORMULA_STARTS)
    assert guarded == text or guarded == "'" + text
    assert (guarded != text) == text.startswith(FORMULA_STARTS)


@given(st.lists(st.text(), max_size=5))
def test_a_guarded_row_reads_back_through_the_csv_module(texts: list[str]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([cell(t) for t in texts])
    assert list(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [[guard_text(t) for t in texts]]


def test_numbers_times_and_null_are_written_plainly() -> None:
    assert [cell(-5.5), cell(3), cell(True), cell(None)] == ["-5.5", "3", "true", ""]
    local = datetime(2026, 3, 1, 5, 0, tzinfo=timezone(timedelta(hours=5)))
    assert cell(local) == "2026-03-01T00:00:00Z"
    assert cell(datetime(2026, 3, 1, tzinfo=UTC)) == "2026-03-01T00:00:00Z"
