"""Exceptions of the anomaly detector."""

from __future__ import annotations


class AnomalyError(Exception):
    """Base class for every error the anomaly detector raises."""


class DetectorConfigError(AnomalyError):
    """A detector setting is out of range (says which and why)."""


class InputShapeError(AnomalyError):
    """A row has the wrong number of values or a value that is not finite."""
