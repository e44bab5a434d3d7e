"""Exceptions of the ingestion service."""

from __future__ import annotations


class IngestionError(Exception):
    """Base of every ingestion error."""


class DatabaseUnavailableError(IngestionError):
    """The database could not take a batch within the time allowed (the batch stays un-acknowledged)."""
