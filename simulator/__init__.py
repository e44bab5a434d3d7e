"""Simulated machines: physics, failure modes, demo fleets and run-to-failure scenarios.

Every number is deterministic for a given seed, and time is simulated: each sample advances the
machine by ``sample_period_s`` simulated seconds (see ``simulator/README.md`` for the time model).
"""

from simulator.errors import SimulatorError, UnknownFailureModeError, UnknownMachineTypeError

__all__ = ["SimulatorError", "UnknownFailureModeError", "UnknownMachineTypeError"]
