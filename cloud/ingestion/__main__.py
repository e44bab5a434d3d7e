"""Standalone ingestion worker: ``python -m cloud.ingestion [--upgrade-db]``, configured by environment."""

from __future__ import annotations

import argparse
import contextlib

from cloud.__main__ import run_configured
from cloud.config import Settings
from cloud.ingestion.worker import run_ingest


def main(argv: list[str] | None = None) -> int:
    """Run one ingestion worker until SIGTERM or Ctrl-C; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m cloud.ingestion", description=__doc__)
    parser.add_argument("--upgrade-db", action="store_true", help="apply database migrations before starting")
    args = parser.parse_args(argv)

    def run(settings: Settings) -> None:
        if args.upgrade_db:
            from cloud.db import upgrade_database

            upgrade_database(settings.resolved_database_url())
        with contextlib.suppress(KeyboardInterrupt):
            run_ingest(settings)

    return run_configured("cloud.ingestion", run)


if __name__ == "__main__":
    raise SystemExit(main())
