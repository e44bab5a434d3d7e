"""Unmapping clean file pages: resident memory goes down, no byte of any mapping changes."""

from __future__ import annotations

import ctypes
import mmap
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from contract.features import N_FEATURES
from edge_agent.inference import load_model, release_loading_memory
from edge_agent.memory import _clean_mappings, drop_clean_file_pages

pytestmark = [
    pytest.mark.unit,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/smaps"),
]

PAGES = 64


def _resident_kib(path: Path) -> int:
    """Resident KiB of this process's mappings of ``path``."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S{4} \S+ \S+ \d+ *(.*)$", line)
        if head:
            inside = head.group(1) == str(path)
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


def _data_file(tmp_path: Path) -> tuple[Path, bytes]:
    data = bytes(range(256)) * (PAGES * mmap.PAGESIZE // 256)
    path = (tmp_path / "data.bin").resolve()
    with path.open("wb") as f:
        f.write(data)
        os.fsync(f.fileno())  # page-cache pages not yet written back count as dirty, and are kept
    return path, data


def test_a_read_only_file_mapping_is_unmapped_and_reads_back_the_same(tmp_path: Path) -> None:
    path, data = _data_file(tmp_path)
    # Mapped the way the dynamic loader maps a library's code: private and read-only.
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, mmap.MAP_PRIVATE, mmap.PROT_READ) as view:
        assert view[:] == data  # every page resident
        assert _resident_kib(path) >= PAGES * mmap.PAGESIZE // 1024
        dropped = drop_clean_file_pages(tmp_path.resolve())
        assert dropped >= PAGES * mmap.PAGESIZE // 1024
        assert _resident_kib(path) == 0
        assert view[:] == data  # faulted back from the file


def test_a_read_only_mapping_with_copy_on_write_changes_is_left_alone(tmp_path: Path) -> None:
    # Like a library's relocated data after the loader made it read-only (RELRO): unmapping it would
    # bring back the file's bytes and lose the relocations.
    path, data = _data_file(tmp_path)
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY) as view:
        view[0:4] = b"edit"  # a private page that exists only in memory
        pointer = ctypes.c_char.from_buffer(view)
        address = ctypes.addressof(pointer)
        del pointer
        libc = ctypes.CDLL(None, use_errno=True)
        assert libc.mprotect(ctypes.c_void_p(address), ctypes.c_size_t(len(view)), mmap.PROT_READ) == 0
        drop_clean_file_pages(tmp_path.resolve())
        assert view[0:4] == b"edit"
        assert view[4:] == data[4:]


def test_only_private_read_only_mappings_without_dirty_pages_qualify() -> None:
    smaps = "\n".join(
        [
            "7f0000000000-7f0000004000 r-xp 00000000 08:01 42 /lib/ort/lib.so",
            "Rss:                  16 kB",
            "Private_Dirty:         0 kB",
            "Shared_Dirty:          0 kB",
            "Anonymous:             0 kB",
            "7f0000004000-7f0000005000 r--p 00004000 08:01 42 /lib/ort/lib.so",  # relocated: dirty
            "Rss:                   4 kB",
            "Private_Dirty:         4 kB",
            "Shared_Dirty:          0 kB",
            "Anonymous:             4 kB",
            "7f0000005000-7f0000006000 rw-p 00005000 08:01 42 /lib/ort/lib.so",  # writable
            "Rss:                   4 kB",
            "Private_Dirty:         0 kB",
            "Shared_Dirty:          0 kB",
            "Anonymous:             0 kB",
            "7f0000006000-7f0000007000 r--s 00000000 08:01 43 /lib/ort/shared.bin",  # shared mapping
            "Rss:                   4 kB",
            "Private_Dirty:         0 kB",
            "Shared_Dirty:          0 kB",
            "Anonymous:             0 kB",
            "7f0000007000-7f0000008000 r-xp 00000000 08:01 44 /lib/numpy/other.so",  # not under the prefix
            "Rss:                   4 kB",
            "Private_Dirty:         0 kB",
            "Shared_Dirty:          0 kB",
            "Anonymous:             0 kB",
            "7f0000008000-7f0000009000 r-xp 00000000 08:01 45 /lib/ort/old.so",  # no Anonymous field
            "Rss:                   4 kB",
            "Private_Dirty:         0 kB",
        ]
    )
    assert _clean_mappings(smaps, "/lib/ort/") == [(0x7F0000000000, 0x7F0000004000, 16)]


def test_a_model_scores_the_same_after_onnxruntime_code_is_unmapped(model_dir: Path) -> None:
    model = load_model(model_dir)
    features = np.linspace(0.0, 1.0, 3 * N_FEATURES, dtype=np.float32).reshape(3, N_FEATURES)
    before = model.predict(features)
    assert release_loading_memory() > 0  # session creation paged in onnxruntime code; it was dropped
    assert model.predict(features) == before
