"""Structured logs for the cloud services: contract.logs' JSON lines on stderr, uvicorn's included."""

from __future__ import annotations

import logging

from contract.logs import JsonFormatter, log_json_to_stderr

__all__ = ["JsonFormatter", "configure_logging"]


def configure_logging(level: str = "INFO") -> None:
    """Send every log record (ours, uvicorn's, paho's) to stderr as JSON lines at ``level``."""
    log_json_to_stderr(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn installs its own handlers; route its records through ours instead.
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
