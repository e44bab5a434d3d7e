"""Keeping the agent's resident memory small on glibc: fewer malloc arenas, freed memory handed back.

Loading an ONNX model allocates and frees tens of megabytes of temporaries (protobuf parsing, graph
building); glibc keeps those pages mapped, so without a trim the agent carries them for its whole life.
Every thread that allocates also gets its own 64 MB malloc arena by default, and fragmentation across
them shows up as resident memory. Both knobs are glibc-only: elsewhere (musl, macOS) these are no-ops.

Creating an onnxruntime session also pages in about 10 MiB of onnxruntime's own code (kernel registration,
graph building) that the agent never runs again. Those pages are clean and file-backed, so the process can
unmap them (``drop_clean_file_pages``) and the kernel faults back, from the page cache, only the code that
scoring uses. Linux-only (it reads ``/proc/self/smaps``); elsewhere a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import re
from pathlib import Path

logger = logging.getLogger(__name__)

# mallopt parameter number of M_ARENA_MAX in glibc's malloc.h.
_M_ARENA_MAX = -8
# The sampling thread and the MQTT thread share one arena besides the main one: allocation here is not
# contended enough for more arenas to pay for their memory.
ARENAS = 2
# madvise advice number of MADV_DONTNEED in Linux's mman.h: for a private file mapping, unmapped pages are
# read again from the file on the next access.
_MADV_DONTNEED = 4
_SMAPS = Path("/proc/self/smaps")
_MAPPING = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+ *(.*)$")
# Any of these in a mapping means pages that exist only in memory (copy-on-write or anonymous): unmapping
# them would lose data, so such a mapping is never touched.
_DIRTY_FIELDS = ("Private_Dirty", "Shared_Dirty", "Anonymous")

_libc: ctypes.CDLL | None = None


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            libc.malloc_trim  # noqa: B018 - raises AttributeError outside glibc
            libc.mallopt  # noqa: B018
        except (OSError, AttributeError):
            return None
        _libc = libc
    return _libc


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas; call before threads start. Returns whether it applied."""
    libc = _glibc()
    return bool(libc and libc.mallopt(_M_ARENA_MAX, arenas))


def release_free_memory() -> bool:
    """Return freed heap pages to the OS (glibc ``malloc_trim``); True if any were released."""
    libc = _glibc()
    return bool(libc and libc.malloc_trim(0))


def drop_clean_file_pages(prefix: str | Path, smaps: Path = _SMAPS) -> int:
    """Unmap resident pages of read-only, never-written mappings of files under ``prefix``; KiB dropped."""
    libc = _glibc()
    if libc is None:
        return 0
    try:
        text = smaps.read_text()
    except OSError:
        return 0  # not Linux, or /proc not mounted
    prefix = str(prefix)
    dropped = 0
    for start, end, rss in _clean_mappings(text, prefix):
        if libc.madvise(ctypes.c_void_p(start), ctypes.c_size_t(end - start), _MADV_DONTNEED) == 0:
            dropped += rss
    if dropped:
        logger.debug("unmapped %d KiB of clean pages under %s", dropped, prefix)
    return dropped


def _clean_mappings(smaps: str, prefix: str) -> list[tuple[int, int, int]]:
    """(start, end, resident KiB) of each mapping in ``smaps`` that is safe to drop: a file under
    ``prefix``, mapped private and not writable, with no dirty or anonymous page."""
    found: list[tuple[int, int, int]] = []
    current: tuple[int, int] | None = None
    fields: dict[str, int] = {}

    def close() -> None:
        if current is not None and fields.get("Rss", 0) and not any(fields.get(k, 1) for k in _DIRTY_FIELDS):
            found.append((*current, fields["Rss"]))

    for line in smaps.splitlines():
        head = _MAPPING.match(line)
        if head:
            close()
            start, end, perms, path = head.groups()
            wanted = perms[1] == "-" and perms[3] == "p" and path.startswith(prefix)
            current = (int(start, 16), int(end, 16)) if wanted else None
            fields = {}
        elif current is not None and line.endswith(" kB"):
            key, _, value = line.partition(":")
            fields[key] = int(value.split()[0])
    close()
    return found
