"""Exceptions of storage maintenance."""

from __future__ import annotations


class StorageError(Exception):
    """Base of every storage error: a request the partitioning or retention cannot honour."""
