"""Logical backups of the cloud's database: ``python -m cloud backup create|restore|list``.

``create`` writes one ``pg_dump`` custom-format archive (``maintainx-<UTC time>.dump``, mode 0600) into a
folder and deletes the oldest beyond ``--keep``; ``restore`` replaces the database's content with an
archive's (tables, data, grants). The client programs must match the server's major version or be newer:
they are taken from ``MAINTAINX_PG_BIN_DIR``, else from the embedded server's wheel (pgserver, PostgreSQL
16), else from ``PATH``.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

PREFIX = "maintainx-"
SUFFIX = ".dump"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def libpq_uri(database_url: str) -> str:
    """The SQLAlchemy ``database_url`` as a URI libpq's programs accept (no ``+driver``)."""
    url = make_url(database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def pg_program(name: str) -> str:
    """Path of the PostgreSQL client program ``name`` (pg_dump, pg_restore); BackupError when none."""
    folder = os.environ.get("MAINTAINX_PG_BIN_DIR")
    candidates = [Path(folder) / name] if folder else []
    try:
        import pgserver

        candidates.append(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    found = next((str(p) for p in candidates if os.access(p, os.X_OK)), None) or shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: set MAINTAINX_PG_BIN_DIR to the folder of the server's client programs"
        )
    return found


def _run(argv: list[str], database_url: str) -> None:
    """Run a client program with the database URI as its last argument, kept out of log messages."""
    result = subprocess.run([*argv, libpq_uri(database_url)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(
            f"{Path(argv[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
        )


def create(database_url: str, folder: Path, *, keep: int | None = None) -> Path:
    """Dump the database into a new archive in ``folder``; keep only the newest ``keep``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = folder / f"{PREFIX}{stamp}{SUFFIX}"
    partial = final.with_name(final.name + ".partial")
    # Created private before pg_dump writes a byte: the archive holds every row and password hash.
    partial.touch(mode=0o600, exist_ok=False)
    try:
        _run([pg_program("pg_dump"), "--format=custom", "--file", str(partial), "--dbname"], database_url)
        partial.rename(final)
    finally:
        partial.unlink(missing_ok=True)
    logger.info("backup written: %s (%d bytes)", final, final.stat().st_size)
    if keep is not None:
        for old in list_backups(folder)[:-keep]:
            old.unlink()
            logger.info("backup removed by retention: %s", old)
    return final


def list_backups(folder: Path) -> list[Path]:
    """The finished archives in ``folder``, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def restore(database_url: str, archive: Path) -> None:
    """Replace everything in the database with the archive's content, in one transaction."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such backup")
    _run(
        [
            pg_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            str(archive),
            "--dbname",
        ],
        database_url,
    )
    logger.info("restored %s", archive)


def main(database_url: str, argv: Sequence[str]) -> int:
    """The ``backup`` command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m cloud backup", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    make = sub.add_parser("create", help="dump the database into a new archive")
    make.add_argument("--dir", type=Path, required=True, help="folder of the archives")
    make.add_argument("--keep", type=int, help="keep only this many newest archives")
    back = sub.add_parser("restore", help="replace the database's content with an archive's")
    back.add_argument("archive", type=Path)
    show = sub.add_parser("list", help="list the archives, oldest first")
    show.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args(argv)
    if getattr(args, "keep", None) is not None and args.keep < 1:
        parser.error("--keep must be at least 1")
    try:
        if args.action == "create":
            print(create(database_url, args.dir, keep=args.keep))
        elif args.action == "restore":
            restore(database_url, args.archive)
        else:
            for path in list_backups(args.dir):
                print(path)
    except BackupError as exc:
        logger.error("backup %s failed: %s", args.action, exc)
        return 1
    return 0
