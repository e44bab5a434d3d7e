"""The seam between the agent and whatever produces samples: a Sample record and the Source protocol."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Sample:
    """One measurement of one machine; ``ts`` is None when the source leaves the timestamp to the agent."""

    machine_id: uuid.UUID
    temperature: float
    vibration: float
    rpm: float
    ts: datetime | None = None


class Source(Protocol):
    """Something that yields samples each tick and learns about maintenance done on its machines."""

    def read(self) -> list[Sample]:
        """Samples that became available since the last call (possibly none)."""
        ...

    def on_maintenance(self, machine_id: uuid.UUID) -> None:
        """Maintenance was done on ``machine_id`` (a ticket was resolved)."""
        ...

    def close(self) -> None:
        """Release files or devices."""
        ...
