"""Exceptions of the simulator package."""

from __future__ import annotations


class SimulatorError(ValueError):
    """Base class for every error the simulator raises."""


class UnknownMachineTypeError(SimulatorError):
    """A machine type that is not in ``MACHINE_TYPES`` was asked for."""


class UnknownFailureModeError(SimulatorError):
    """A failure mode that is not in ``FAILURE_MODES`` was asked for."""
