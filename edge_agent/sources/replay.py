"""A source that replays a recorded CSV file at a chosen pace.

Any CSV works given its timestamp column and a mapping from our signal names to its columns. A row that
cannot be used (missing value, not a number, unknown machine) is logged with its line number, counted in
``skipped`` and left out; a file without the named columns is refused when it is opened.
"""

from __future__ import annotations

import csv
import logging
import math
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from contract.features import SIGNALS
from edge_agent.config import MachineConfig, ReplaySourceConfig
from edge_agent.errors import SourceError
from edge_agent.sources.base import Sample

logger = logging.getLogger(__name__)

# Rows per read() when replaying as fast as possible (speed = 0), so one tick stays short.
FAST_ROWS_PER_READ = 1_000


class BadRow(ValueError):
    """A row that cannot become a sample."""


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 time (naive means UTC) or seconds since the Unix epoch, as an aware UTC datetime."""
    text = text.strip()
    try:
        return datetime.fromtimestamp(float(text), UTC)
    except ValueError:
        pass
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        raise BadRow(f"timestamp {text!r} is neither ISO 8601 nor epoch seconds") from None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


class ReplaySource:
    """Yields the file's rows as their (scaled) time comes; optionally starts over at the end."""

    def __init__(
        self,
        config: ReplaySourceConfig,
        machines: Sequence[MachineConfig],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cfg = config
        self._path = Path(config.path)
        self._columns = {signal: config.columns.get(signal, signal) for signal in SIGNALS}
        known = {m.id for m in machines}
        self._single: uuid.UUID | None = None
        if config.machine_column is None:
            if config.machine_id is None and len(machines) != 1:
                raise SourceError("replay: set source.machine_column or source.machine_id (several machines)")
            self._single = config.machine_id or machines[0].id
            if self._single not in known:
                raise SourceError(f"replay: source.machine_id {self._single} is not in machines")
        self._known = known
        self._clock = clock
        self.skipped = 0
        self.rows = 0
        self.exhausted = False
        self._file: TextIO | None = None
        self._rows: Iterator[Sample] = self._open()
        self._pending: Sample | None = None
        self._first_ts: datetime | None = None
        self._last_ts: datetime | None = None
        self._offset = timedelta(0)  # added to timestamps on each loop, so time keeps moving forward
        self._started = self._clock()

    def _open(self) -> Iterator[Sample]:
        try:
            self._file = self._path.open(newline="", encoding="utf-8")
        except OSError as exc:
            raise SourceError(f"replay: cannot open {self._path}: {exc.strerror or exc}") from exc
        reader = csv.DictReader(self._file)
        header = reader.fieldnames or []
        wanted = [self._cfg.timestamp_column, *self._columns.values()]
        if self._cfg.machine_column:
            wanted.append(self._cfg.machine_column)
        missing = [c for c in wanted if c not in header]
        if missing:
            self.close()
            raise SourceError(f"{self._path.name}: missing column(s) {', '.join(missing)}; header: {header}")
        return self._parse(reader)

    def _parse(self, reader: csv.DictReader[str]) -> Iterator[Sample]:
        for row in reader:
            try:
                yield self._sample(row)
            except BadRow as exc:
                self.skipped += 1
                logger.warning("%s line %d skipped: %s", self._path.name, reader.line_num, exc)

    def _sample(self, row: dict[str, str | None]) -> Sample:
        values = {}
        for signal, column in self._columns.items():
            text = row.get(column)
            try:
                value = float(text) if text not in (None, "") else math.nan
            except ValueError:
                raise BadRow(f"{column}: {text!r} is not a number") from None
            if not math.isfinite(value):
                raise BadRow(f"{column}: missing or not finite")
            values[signal] = value
        if self._single is not None:
            machine_id = self._single
        else:
            text = row.get(self._cfg.machine_column or "") or ""
            try:
                machine_id = uuid.UUID(text)
            except ValueError:
                raise BadRow(f"{self._cfg.machine_column}: {text!r} is not a UUID") from None
            if machine_id not in self._known:
                raise BadRow(f"{self._cfg.machine_column}: machine {machine_id} is not configured")
        ts = parse_timestamp(row.get(self._cfg.timestamp_column) or "")
        return Sample(machine_id, values["temperature"], values["vibration"], values["rpm"], ts)

    def _next(self) -> Sample | None:
        """The next usable row, starting over at the end when looping; None at the end of the data."""
        while True:
            sample = next(self._rows, None)
            if sample is not None:
                self.rows += 1
                return sample
            if not self._cfg.loop or self._first_ts is None or self._last_ts is None:
                self.exhausted = True
                self.close()
                return None
            # Continue the timeline one file-span later, so looped rows are not stamped in the past.
            self._offset += (self._last_ts - self._first_ts) + timedelta(seconds=1)
            self.close()
            self._rows = self._open()

    def read(self) -> list[Sample]:
        """Rows whose recorded time, divided by ``speed``, has passed since the replay started."""
        out: list[Sample] = []
        elapsed = self._clock() - self._started
        while len(out) < FAST_ROWS_PER_READ:
            sample = self._pending or self._next_shifted()
            self._pending = None
            if sample is None:
                break
            assert sample.ts is not None
            if self._cfg.speed > 0 and self._first_ts is not None:
                due = (sample.ts - self._first_ts).total_seconds() / self._cfg.speed
                if due > elapsed:
                    self._pending = sample
                    break
            out.append(sample if self._cfg.timestamps == "original" else _without_ts(sample))
        return out

    def _next_shifted(self) -> Sample | None:
        sample = self._next()
        if sample is None or sample.ts is None:
            return sample
        ts = sample.ts + self._offset
        if self._first_ts is None:
            self._first_ts = ts
        if self._offset == timedelta(0):
            self._last_ts = max(self._last_ts or ts, sample.ts)
        return Sample(sample.machine_id, sample.temperature, sample.vibration, sample.rpm, ts)

    def on_maintenance(self, machine_id: uuid.UUID) -> None:
        """A recording cannot be repaired; the agent still clears the machine's window."""
        logger.info("maintenance on %s noted; the replayed recording is unchanged", machine_id)

    def close(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _without_ts(sample: Sample) -> Sample:
    return Sample(sample.machine_id, sample.temperature, sample.vibration, sample.rpm, None)
