"""Exceptions of the training pipeline."""

from __future__ import annotations


class TrainingError(Exception):
    """Base class for every error the training pipeline raises."""


class DatasetError(TrainingError):
    """The simulated runs cannot be turned into a usable dataset (e.g. too short, one class only)."""


class ExportError(TrainingError):
    """The exported ONNX model is invalid or disagrees with the scikit-learn models it came from."""
