"""Small real filesystems for the agent's disk tests: a tmpfs of a few MB, read-only or one that fills up.

Mounting needs root (the test machines and CI run as root); elsewhere the tests that need it are skipped
with that reason, never passed.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(where: Path, *, size_kib: int, read_only: bool = False) -> Iterator[Path]:
    """Mount a tmpfs of ``size_kib`` KiB at ``where`` for the block; unmounted (lazily if busy) after."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    where.mkdir(parents=True, exist_ok=True)
    options = f"size={size_kib}k,mode=0755" + (",ro" if read_only else "")
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(folder: Path, name: str = "ballast") -> Path:
    """Write zeros into ``folder/name`` until the filesystem is full; return the file (delete it to free)."""
    path = folder / name
    chunk = b"\0" * 4096
    with path.open("wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError:
            pass
    # Whatever fits in fewer than 4096 bytes, so not even a page is left.
    with path.open("ab", buffering=0) as f:
        try:
            while True:
                f.write(b"\0")
        except OSError:
            pass
    return path
