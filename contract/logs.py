"""Structured logs, one format for every process: one JSON object per line on stderr.

The agent and the cloud each had a formatter, with two timestamp formats (``+00:00`` with microseconds on
one side, ``Z`` on the other), so one log shipper rule could not parse both. The line is a contract with
whatever collects the logs, so it is defined here, at the lowest layer both import, and written with msgspec,
which the contract already needs (no orjson on a gateway, no stdlib json's slower encoder in the cloud).

A line holds ``ts`` (RFC 3339, UTC, milliseconds, ``Z``: ``2026-12-07T22:15:03.042Z``), ``level``,
``logger``, ``msg``, every ``extra=`` field, and ``exc`` with the traceback when there is one.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import msgspec

# LogRecord attributes that are plumbing, not context worth shipping.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_encoder = msgspec.json.Encoder(enc_hook=str)


def utc_timestamp(created: float, msecs: float) -> str:
    """A record's time as RFC 3339 UTC with milliseconds and ``Z`` (``msecs`` is the record's own)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{int(msecs):03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON line per record: ts, level, logger, msg, any ``extra=`` fields and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line; a field that cannot be encoded is written as its ``repr``."""
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
            return _encoder.encode(entry).decode()
        except Exception:  # any field msgspec cannot write (a list holding itself, a failing __str__)
            # The record is worth more than its odd field: keep the line, each value as its repr.
            plain = {k: v if isinstance(v, str) else repr(v) for k, v in entry.items()}
            return _encoder.encode(plain).decode()


def log_json_to_stderr(level: str = "INFO") -> logging.Handler:
    """Make the root logger write every record to stderr as JSON lines at ``level``; return the handler."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    return handler
