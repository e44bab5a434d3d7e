"""Exceptions of the evaluation package."""

from __future__ import annotations


class EvaluationError(Exception):
    """Base class for every error the evaluation package raises."""


class DatasetNotFoundError(EvaluationError):
    """A dataset folder or file is missing."""


class CsvFormatError(EvaluationError):
    """A CSV file is empty, lacks a column, or holds a value that is not a number (says file and line)."""
