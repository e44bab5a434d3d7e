"""One JSON log formatter for agent and cloud: one timestamp format, and a line for any record."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

import pytest

import cloud.logs
import edge_agent.logs
from contract.logs import JsonFormatter, utc_timestamp

pytestmark = pytest.mark.unit

RFC3339_UTC_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def record(**extra: object) -> logging.LogRecord:
    entry = logging.LogRecord("edge_agent.test", logging.INFO, __file__, 1, "window %d scored", (7,), None)
    entry.__dict__.update(extra)
    return entry


def test_agent_and_cloud_write_with_the_same_formatter() -> None:
    assert edge_agent.logs.JsonFormatter is cloud.logs.JsonFormatter is JsonFormatter


def test_the_timestamp_is_rfc3339_utc_with_milliseconds_and_z() -> None:
    entry = record()
    stamp = json.loads(JsonFormatter().format(entry))["ts"]
    assert RFC3339_UTC_MS.match(stamp)
    parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert abs(parsed.timestamp() - entry.created) < 0.001
    assert utc_timestamp(0.0, 5.0) == "1970-01-01T00:00:00.005Z"
    assert datetime.fromisoformat(utc_timestamp(1.7e9, 999.9).replace("Z", "+00:00")).tzinfo == UTC


def test_extra_fields_keep_their_json_types_and_anything_else_is_its_text() -> None:
    line = JsonFormatter().format(record(counts={"a": 3}, huge=2**80, when=datetime(2026, 1, 2, tzinfo=UTC)))
    assert "\n" not in line and '"msg": "window 7 scored"' in line
    entry = json.loads(line)
    assert entry["counts"] == {"a": 3} and entry["huge"] == 2**80
    assert entry["when"] == "2026-01-02 00:00:00+00:00"


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text for this one")


@pytest.mark.parametrize(
    ("extra", "shown"),
    [
        ({"nan": float("nan")}, "nan"),
        ({"counts": {(1, 2): 3}}, "{(1, 2): 3}"),
        ({"odd": Unprintable()}, "<"),
    ],
)
def test_a_field_json_cannot_hold_still_gives_one_valid_line_with_its_repr(
    extra: dict[str, object], shown: str
) -> None:
    line = JsonFormatter().format(record(**extra))
    entry = json.loads(line)
    assert "\n" not in line and str(entry[next(iter(extra))]).startswith(shown)
    assert entry["msg"] == "window 7 scored" and RFC3339_UTC_MS.match(entry["ts"])


def test_a_list_holding_itself_is_written_as_its_repr() -> None:
    looped: list[object] = []
    looped.append(looped)
    assert json.loads(JsonFormatter().format(record(looped=looped)))["looped"] == "[[...]]"
