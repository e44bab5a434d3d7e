"""A source of simulated machines: one ``simulator.machines.SimulatedMachine`` per configured machine."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from edge_agent.config import MachineConfig
from edge_agent.errors import SourceError
from edge_agent.sources.base import Sample

logger = logging.getLogger(__name__)


def simulated_machine_types() -> tuple[str, ...]:
    """The machine types the simulator knows (what a simulated machine's ``type`` may be)."""
    from simulator.machines import MACHINE_TYPES

    return tuple(MACHINE_TYPES)


class SimulatedSource:
    """Steps every simulated machine once per ``read()``; maintenance repairs the machine."""

    def __init__(self, machines: Sequence[MachineConfig], sample_period_s: float | None = None) -> None:
        # Imported here so an agent that replays files never loads the simulator.
        from simulator.machines import DEFAULT_SAMPLE_PERIOD_S, SimulatedMachine

        period = DEFAULT_SAMPLE_PERIOD_S if sample_period_s is None else sample_period_s
        self._machines: dict[uuid.UUID, SimulatedMachine] = {}
        for i, cfg in enumerate(machines):
            # A stable default seed per machine id, so a restarted agent simulates the same machine.
            seed = cfg.seed if cfg.seed is not None else cfg.id.int % (2**31)
            try:
                self._machines[cfg.id] = SimulatedMachine(
                    cfg.type,
                    seed,
                    sample_period_s=period,
                    failure=cfg.failure,
                    failure_onset_s=cfg.failure_onset_s,
                    failure_duration_s=cfg.failure_duration_s,
                )
            except ValueError as exc:  # the simulator's errors are ValueErrors naming what is known
                raise SourceError(f"machines[{i}] ({cfg.name}): {exc}") from exc
        self.repairs = 0

    def read(self) -> list[Sample]:
        """One new sample from every machine."""
        out = []
        for machine_id, machine in self._machines.items():
            temperature, vibration, rpm = machine.step()
            out.append(Sample(machine_id, float(temperature), float(vibration), float(rpm)))
        return out

    def on_maintenance(self, machine_id: uuid.UUID) -> None:
        """Repair the machine (clears its failure), as a technician closing its ticket would."""
        machine = self._machines.get(machine_id)
        if machine is None:
            logger.warning("maintenance for unknown machine %s ignored", machine_id)
            return
        machine.repair()
        self.repairs += 1
        logger.info("machine %s repaired", machine_id)

    def is_failed(self, machine_id: uuid.UUID) -> bool:
        """Whether the simulated machine has broken down."""
        return bool(self._machines[machine_id].failed)

    def close(self) -> None:
        """Nothing to release."""
