"""Ingestion worker: ``python -m cloud.ingestion [--upgrade-db]``, the same as ``python -m cloud ingest``.

One entry point, so both names start the same worker: telemetry, predictions, status and deployment reports.
"""

from __future__ import annotations

import sys

from cloud.__main__ import main as cloud_main


def main(argv: list[str] | None = None) -> int:
    """Run one ingestion worker until SIGTERM or Ctrl-C; returns the exit status."""
    return cloud_main(["ingest", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
