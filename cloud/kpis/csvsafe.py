"""CSV cells that a spreadsheet will not run: text starting like a formula gets a leading apostrophe.

Excel, LibreOffice and Google Sheets evaluate a cell that starts with = + - @ (and, in some versions, a tab
or carriage return) as a formula, so a machine named ``=HYPERLINK(...)`` could act when an engineer opens an
export. Only text is guarded: numbers and times are written by the exporter itself (a negative reading
stays a number), and the apostrophe is what spreadsheets themselves use to mark "this is text".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_text(value: str) -> str:
    """``value``, with an apostrophe in front when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(value: Any) -> str:
    """One CSV cell: empty for NULL, RFC 3339 UTC for a time, guarded text, plain repr for numbers."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, str):
        return guard_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
