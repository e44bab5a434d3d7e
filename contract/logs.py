"""Structured logs, one format for every process: one JSON object per line on stderr.

The agent and the cloud each had a formatter, with two timestamp formats (``+00:00`` with milliseconds on
one side, ``Z`` with microseconds on the other), so one log shipper rule could not parse both. The line is a
contract with whatever collects the logs, so it is defined here, at the lowest layer both import. It is
written by the standard library's ``json`` (``"key": value``, as the agent always wrote it and its tests
read it): a gateway already has it loaded, and log lines are far too few for the encoder's speed to matter.

A line holds ``ts`` (RFC 3339, UTC, milliseconds, ``Z``: ``2026-12-07T22:15:03.042Z``), ``level``,
``logger``, ``msg``, every ``extra=`` field, and ``exc`` with the traceback when there is one.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

# LogRecord attributes that are plumbing, not context worth shipping.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def utc_timestamp(created: float, msecs: float) -> str:
    """A record's time as RFC 3339 UTC with milliseconds and ``Z`` (``msecs`` is the record's own)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{int(msecs):03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON line per record: ts, level, logger, msg, any ``extra=`` fields and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line; when a field cannot be encoded, every non-text field is its ``repr``."""
        entry: dict[str, Any] = {
            "ts": utc_timestamp(record.created, record.msecs),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        try:
            return json.dumps(entry, default=str, allow_nan=False)
        except Exception:  # NaN, tuple keys, a list holding itself, a failing __str__: JSON cannot say them
            # The record is worth more than its odd field: keep the line, each value as its repr.
            return json.dumps({k: v if isinstance(v, str) else repr(v) for k, v in entry.items()})


def log_json_to_stderr(level: str = "INFO") -> logging.Handler:
    """Make the root logger write every record to stderr as JSON lines at ``level``; return the handler."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    return handler
