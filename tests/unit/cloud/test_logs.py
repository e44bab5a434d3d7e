"""JSON log lines: one object per record, with extra fields and tracebacks."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from cloud.logs import JsonFormatter

pytestmark = pytest.mark.unit


def make_record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("cloud.test", logging.WARNING, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_a_record_becomes_one_json_line_with_its_fields() -> None:
    line = JsonFormatter().format(make_record("opened %s tickets", 3, machine_id="m-1"))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "cloud.test"
    assert entry["msg"] == "opened 3 tickets"
    assert entry["machine_id"] == "m-1"
    assert entry["ts"].endswith("Z")


def test_a_traceback_is_kept_in_the_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, exc_info=sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exc"]
