"""The agent's logs: contract.logs' JSON lines on stderr, so a log shipper parses agent and cloud alike."""

from __future__ import annotations

from contract.logs import JsonFormatter, log_json_to_stderr

__all__ = ["JsonFormatter", "setup_logging"]


def setup_logging(level: str = "INFO") -> None:
    """Send every log record to stderr as JSON lines at ``level``."""
    log_json_to_stderr(level)
