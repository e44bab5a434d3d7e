"""Keeping the agent's resident memory small on glibc: fewer malloc arenas, freed memory handed back.

Loading an ONNX model allocates and frees tens of megabytes of temporaries (protobuf parsing, graph
building); glibc keeps those pages mapped, so without a trim the agent carries them for its whole life.
Every thread that allocates also gets its own 64 MB malloc arena by default, and fragmentation across
them shows up as resident memory. Both knobs are glibc-only: elsewhere (musl, macOS) these are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

logger = logging.getLogger(__name__)

# mallopt parameter number of M_ARENA_MAX in glibc's malloc.h.
_M_ARENA_MAX = -8
# The sampling thread and the MQTT thread share one arena besides the main one: allocation here is not
# contended enough for more arenas to pay for their memory.
ARENAS = 2

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
