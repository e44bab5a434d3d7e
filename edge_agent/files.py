"""Small file helpers shared by model loading and model-update verification (standard library only)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def size_and_sha256(path: Path) -> tuple[int, str]:
    """The file's size in bytes and its sha256 hex digest, read once; OSError if it cannot be read."""
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        return size, hashlib.file_digest(f, "sha256").hexdigest()


def identity(path: Path) -> tuple[int, int, int, int]:
    """What changes when a file is replaced or rewritten: device, inode, size, modification time."""
    st = path.stat()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns
