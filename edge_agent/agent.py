"""The sampling loop: source -> readings -> windows -> one batched model run -> predictions -> outbox.

Everything here works without a broker (invariant 4): records go to the durable outbox and the MQTT
link drains it when it can. Commands from the cloud arrive on the MQTT thread and are queued; the loop
applies them between ticks so the source is only ever touched from one thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np

from contract import GatewayStatus, MachineInfo, MaintenanceCommand, Prediction, Reading, new_id
from contract.codec import ContractError, decode, encode
from contract.features import FEATURE_NAMES, FleetWindows
from edge_agent import __version__
from edge_agent.config import AgentConfig
from edge_agent.errors import AgentError, ModelError, OutboxWriteError
from edge_agent.inference import Model
from edge_agent.memory import release_free_memory
from edge_agent.outbox import Outbox, Stream
from edge_agent.serving import ServingModel
from edge_agent.sources.base import Sample, Source

logger = logging.getLogger(__name__)

# When the loop falls this many ticks behind (a stalled disk, a suspended VM) it skips ahead instead of
# bursting to catch up; the source's clock, not the tick count, decides what a sample means.
MAX_TICKS_BEHIND = 5
# How often the loop hands freed heap memory back to the OS; a trim costs well under a millisecond.
TRIM_EVERY_S = 30.0
# A full disk fails every tick (up to 10 a second): one error line per this many seconds, with a count,
# says it without filling the very disk that is full with logs.
STORE_ERROR_LOG_S = 30.0


class Agent:
    """One gateway's sampling and scoring loop; ``tick()`` does one round, ``run()`` loops until stopped."""

    def __init__(
        self,
        config: AgentConfig,
        source: Source,
        model: Model | ServingModel,
        outbox: Outbox,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.source = source
        self.model = model
        self.outbox = outbox
        self._now = clock
        # Each machine's row in the fleet's windows; a tick that samples every machine once, in this order,
        # takes the fast path of FleetWindows.
        self._rows = {m.id: i for i, m in enumerate(config.machines)}
        self._order = list(self._rows)
        self._windows = FleetWindows(len(self._rows), model.window)
        self._alerting: dict[uuid.UUID, bool] = dict.fromkeys(self._rows, False)
        self._commands: queue.SimpleQueue[MaintenanceCommand] = queue.SimpleQueue()
        self.machines = [MachineInfo(m.id, m.name, m.type, m.location) for m in config.machines]
        self.invalid_samples = 0
        self.last_error: str | None = None
        self.ticks = 0
        self.tick_seconds = 0.0  # time spent in tick(), for the metrics endpoint
        # Records made, stored or not: made = stored (seq) + dropped, per stream, whatever the disk did.
        self.made = dict.fromkeys(Stream, 0)
        self.alerts = 0  # local alerts raised (a machine crossing the failure threshold)
        self._store_failures = 0  # failed outbox writes since the last success
        self._store_unlogged = 0  # of those, how many no log line has mentioned yet
        self._store_logged_at = -STORE_ERROR_LOG_S
        self._store_reported = False  # an error line went out and no recovery line since

    def submit_command(self, command: MaintenanceCommand) -> None:
        """Queue a command from the cloud; applied before the next tick (safe from any thread)."""
        self._commands.put(command)

    def status(self, online: bool = True) -> GatewayStatus:
        """The gateway status as the MQTT link publishes it (retained)."""
        return GatewayStatus(
            gateway_id=self.config.gateway_id,
            online=online,
            ts=self._now(),
            agent_version=__version__,
            model_version=self.model.version,
            outbox_depth=self.outbox.depth(),
            dropped={**self.outbox.dropped(), "invalid": self.invalid_samples},
            last_error=self.last_error,
            machines=self.machines,
        )

    def tick(self) -> tuple[int, int]:
        """One round: apply commands, read the source, store readings and predictions; return their counts."""
        started = time.perf_counter()
        try:
            return self._tick()
        finally:
            self.tick_seconds += time.perf_counter() - started

    def _tick(self) -> tuple[int, int]:
        self._apply_commands()
        samples = self.source.read()
        self.ticks += 1
        if not samples:
            return 0, 0
        now = self._now()
        stamped = [(s, s.ts or now) for s in samples if s.machine_id in self._rows]
        readings = self._readings(stamped)
        predictions = self._predictions(stamped)
        return readings, predictions

    def _apply_commands(self) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            row = self._rows.get(command.machine_id)
            if row is None:
                logger.warning(
                    "maintenance for machine %s, which this gateway does not serve", command.machine_id
                )
                continue
            self.source.on_maintenance(command.machine_id)
            # A repaired machine has a new baseline: its old window would describe the broken one.
            self._windows.clear(row)
            self._alerting[command.machine_id] = False
            logger.info(
                "maintenance applied to machine %s (ticket %s)", command.machine_id, command.ticket_id
            )

    def _readings(self, stamped: list[tuple[Sample, datetime]]) -> int:
        seq = self.outbox.next_seq(Stream.READINGS)
        payloads: list[bytes] = []
        for sample, ts in stamped:
            reading = Reading(
                id=new_id(),
                seq=seq + len(payloads),
                machine_id=sample.machine_id,
                ts=ts,
                temperature=sample.temperature,
                vibration=sample.vibration,
                rpm=sample.rpm,
            )
            data = encode(reading)
            try:
                # Validate at the boundary: one implausible value must not get a whole batch dead-lettered.
                decode(data, Reading)
            except ContractError as exc:
                self.invalid_samples += 1
                self._error(f"machine {sample.machine_id}: sample refused: {exc.detail}")
                continue
            payloads.append(data)
        self._store(Stream.READINGS, payloads)
        return len(payloads)

    def _predictions(self, stamped: list[tuple[Sample, datetime]]) -> int:
        features: list[np.ndarray] = []
        scored: list[tuple[uuid.UUID, datetime]] = []
        for part in _rounds(stamped):
            ids = [sample.machine_id for sample, _ in part]
            values = np.array([(s.temperature, s.vibration, s.rpm) for s, _ in part], dtype=np.float64)
            rows = None if ids == self._order else np.array([self._rows[i] for i in ids], dtype=np.intp)
            full = self._windows.push(rows, values)
            if full.all():
                features.append(self._windows.features(rows))
                scored += [(sample.machine_id, ts) for sample, ts in part]
            elif full.any():
                index = np.array([self._rows[i] for i in ids], dtype=np.intp)
                features.append(self._windows.features(index[full]))
                scored += [(sample.machine_id, ts) for (sample, ts), f in zip(part, full, strict=True) if f]
        if not scored:
            return 0
        batch = features[0] if len(features) == 1 else np.concatenate(features)
        try:
            failure, anomaly, fault = self.model.predict(batch)
        except (ModelError, ValueError) as exc:
            self._error(f"model {self.model.version}: {exc}")
            return 0
        seq = self.outbox.next_seq(Stream.PREDICTIONS)
        threshold = self.model.manifest.anomaly_threshold
        rows_of_features = batch.tolist()
        payloads = []
        for i, (machine_id, ts) in enumerate(scored):
            prediction = Prediction(
                id=new_id(),
                seq=seq + i,
                machine_id=machine_id,
                ts=ts,
                failure_prob=float(failure[i]),
                anomaly_score=float(anomaly[i]),
                is_anomaly=bool(anomaly[i] >= threshold),
                model_version=self.model.version,
                features=dict(zip(FEATURE_NAMES, rows_of_features[i], strict=True)),
                fault=fault[i],
            )
            payloads.append(encode(prediction))
            self._alert(machine_id, prediction)
        self._store(Stream.PREDICTIONS, payloads)
        return len(payloads)

    def _store(self, stream: Stream, payloads: list[bytes]) -> None:
        """Hand records to the outbox; a full or failing disk drops them (counted there), never the loop."""
        self.made[stream] += len(payloads)
        try:
            self.outbox.add(stream, payloads)
        except OutboxWriteError as exc:
            self.last_error = str(exc)
            self._store_failures += 1
            self._store_unlogged += 1
            now = time.monotonic()
            if now - self._store_logged_at >= STORE_ERROR_LOG_S:
                logger.error(
                    "%s (%d failed writes since the last report; sampling, scoring and local alerts go on)",
                    exc,
                    self._store_unlogged,
                )
                self._store_logged_at, self._store_unlogged = now, 0
                self._store_reported = True
            return
        if not payloads:
            return
        if self.last_error is not None and self.last_error.startswith(str(self.outbox.path)):
            self.last_error = None
        if self._store_reported:
            # Said once per reported failure: a disk at the edge of full that takes small readings and
            # refuses predictions must not log on every tick either.
            logger.warning(
                "outbox writable again after %d failed writes; dropped so far: %s",
                self._store_failures,
                self.outbox.dropped(),
            )
            self._store_failures = 0
            self._store_reported = False

    def _alert(self, machine_id: uuid.UUID, prediction: Prediction) -> None:
        """Local alerting: a warning when a machine crosses the failure threshold, works offline."""
        above = prediction.failure_prob >= self.model.manifest.failure_threshold
        if above and not self._alerting[machine_id]:
            self.alerts += 1
            logger.warning(
                "machine %s at risk: failure_prob %.3f >= %.3f, likely fault %s (model %s)",
                machine_id,
                prediction.failure_prob,
                self.model.manifest.failure_threshold,
                prediction.fault or "not named",
                self.model.version,
            )
        elif not above and self._alerting[machine_id]:
            logger.info("machine %s back below the failure threshold", machine_id)
        self._alerting[machine_id] = above

    def _error(self, message: str) -> None:
        self.last_error = message
        logger.error("%s", message)

    def run(self, stop: threading.Event) -> None:
        """Tick every 1/sample_hz seconds until ``stop`` is set; a failing tick is logged, not fatal."""
        period = 1.0 / self.config.sample_hz
        next_at = time.monotonic()
        next_trim = next_at + TRIM_EVERY_S
        while not stop.is_set():
            try:
                self.tick()
            except AgentError as exc:
                self._error(str(exc))
            next_at += period
            if next_at >= next_trim:
                release_free_memory()
                next_trim = next_at + TRIM_EVERY_S
            delay = next_at - time.monotonic()
            if delay < -MAX_TICKS_BEHIND * period:
                logger.warning("sampling fell %.1f s behind; skipping ahead", -delay)
                next_at = time.monotonic()
            elif delay > 0:
                stop.wait(delay)


def _rounds(stamped: list[tuple[Sample, datetime]]) -> list[list[tuple[Sample, datetime]]]:
    """Split a tick's samples, in order, into runs in which each machine appears at most once."""
    rounds: list[list[tuple[Sample, datetime]]] = [[]]
    seen: set[uuid.UUID] = set()
    for item in stamped:
        if item[0].machine_id in seen:
            rounds.append([])
            seen.clear()
        seen.add(item[0].machine_id)
        rounds[-1].append(item)
    return rounds if rounds[0] else []
