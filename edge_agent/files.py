"""Small file helpers: model loading, update verification, the data folder check (standard library only)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from edge_agent.errors import DataDirError


def size_and_sha256(path: Path) -> tuple[int, str]:
    """The file's size in bytes and its sha256 hex digest, read once; OSError if it cannot be read."""
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        return size, hashlib.file_digest(f, "sha256").hexdigest()


def identity(path: Path) -> tuple[int, int, int, int]:
    """What changes when a file is replaced or rewritten: device, inode, size, modification time."""
    st = path.stat()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def ensure_writable_dir(path: Path, setting: str = "data_dir") -> None:
    """Create ``path`` if it is missing and prove a file can be written in it; else DataDirError.

    A real write, not ``os.access``: permission bits say nothing about a read-only mount for root, and a
    full or failing disk only shows when something is written.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise DataDirError(f"{setting} {path}: exists and is not a folder") from exc
    except NotADirectoryError as exc:
        raise DataDirError(f"{setting} {path}: a part of this path is a file, not a folder") from exc
    except OSError as exc:
        raise DataDirError(f"{setting} {path}: missing and cannot be created: {exc.strerror or exc}") from exc
    try:
        with tempfile.TemporaryFile(dir=path, prefix=".write-check."):
            pass
    except OSError as exc:
        raise DataDirError(f"{setting} {path}: cannot be written: {exc.strerror or exc}") from exc
