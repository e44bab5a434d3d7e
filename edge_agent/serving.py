"""The model the agent scores with: verified updates swapped in, a challenger shadowed, failures reverted.

``ServingModel`` looks like an ``inference.Model`` to the sampling loop (``version``, ``window``,
``manifest``, ``predict``), so the loop never knows a swap happened. Updates are applied on a worker thread:
a child process verifies the signed manifest, downloads with resume and installs (edge_agent.fetch, so
``cryptography`` never loads into the agent); the worker loads the model and swaps it in under a lock, so
the loop thread only ever sees a fully loaded model. A model that came from an update is guarded: its
first error or NaN, or ``LATENCY_STRIKES`` runs in a row over its latency budget, put the last good model
back at once, mark the version failed on this gateway and report it.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from contract.payloads import DeploymentReport, ModelUpdateCommand
from edge_agent import fetch, ort_format, trust
from edge_agent.errors import ModelError
from edge_agent.fetch import prepare_in_child
from edge_agent.inference import Manifest, Model, Scores, load_model, read_manifest, release_loading_memory
from edge_agent.shadow import ShadowRunner
from edge_agent.updater import DownloadError, ModelStore

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

Reporter = Callable[[DeploymentReport], None]
# Consecutive scoring runs over the budget that count as "too slow"; one slow run can be a GC pause.
LATENCY_STRIKES = 3
# Seconds between shadow reports; the cloud gates promotion on the latest one.
SHADOW_REPORT_S = 30.0
# Folder of the model store that keeps the models' ORT forms.
ORT_CACHE = "ort"


class ServingModel:
    """The serving model and everything that may replace it; thread-safe between the loop and updates."""

    def __init__(
        self,
        model: Model,
        store: ModelStore,
        *,
        gateway_id: str,
        keys_dir: str | Path | None,
        baseline_dir: Path | None = None,
        serial: int | None = None,
        guarded: bool = False,
        loader: Callable[[Path], Model] = load_model,
        shadow_report_s: float = SHADOW_REPORT_S,
        isolate: bool = True,
    ) -> None:
        self._model = model
        # Prepare updates in a child process (see edge_agent.fetch); tests of the logic may stay in-process.
        self._isolate = isolate
        self.store = store
        self.gateway_id = gateway_id
        self._keys_dir = Path(keys_dir) if keys_dir else None
        self._baseline = baseline_dir
        self._serial = serial
        self._guarded = guarded
        self._loader = loader
        self._budget_s = float("inf")
        self._strikes = 0
        self._shadow: ShadowRunner | None = None
        self._shadow_rollout: uuid.UUID | None = None
        self._active_rollout: uuid.UUID | None = None
        self._shadow_report_s = shadow_report_s
        self._last_shadow_report = time.monotonic()
        self._lock = threading.Lock()
        self._report: Reporter | None = None
        self._updates: queue.SimpleQueue[ModelUpdateCommand | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None

    @classmethod
    def open(
        cls,
        *,
        model_dir: str | Path,
        data_dir: str | Path,
        gateway_id: str,
        keys_dir: str | Path | None,
        shadow_report_s: float = SHADOW_REPORT_S,
    ) -> ServingModel:
        """The model to start with: the store's current one, else the last good update, else ``model_dir``.

        Every model this agent loads, at start and after updates, is loaded in onnxruntime's own format,
        derived and kept in the store's ``ort`` folder (edge_agent.ort_format).
        """
        store = ModelStore(Path(data_dir) / "models")
        loader = functools.partial(load_model, ort_cache=store.root / ORT_CACHE)
        baseline = Path(model_dir)
        model, folder = _first_that_loads(store, loader, baseline)
        return cls(
            model,
            store,
            gateway_id=gateway_id,
            keys_dir=keys_dir,
            baseline_dir=baseline,
            serial=store.serial(folder),
            loader=loader,
            shadow_report_s=shadow_report_s,
        )

    # --- what the sampling loop sees -------------------------------------------------------------------
    @property
    def version(self) -> str:
        """Version of the model serving now."""
        return self._model.version

    @property
    def window(self) -> int:
        """Window length in samples (every model this agent accepts has the same)."""
        return self._model.window

    @property
    def manifest(self) -> Manifest:
        """Manifest of the model serving now."""
        return self._model.manifest

    def predict(self, features: np.ndarray) -> Scores:
        """Score with the serving model; a guarded model that fails is reverted and the run retried."""
        model = self._model
        started = time.perf_counter()
        try:
            scores = model.predict(features)
        except (ModelError, ValueError) as exc:
            if not self._guarded or not self._revert(model, f"error: {exc}"):
                raise
            return self._model.predict(features)
        elapsed = time.perf_counter() - started
        if self._guarded and elapsed > self._budget_s:
            self._strikes += 1
            if self._strikes >= LATENCY_STRIKES:
                self._revert(model, f"{elapsed * 1e3:.1f} ms per run, budget {self._budget_s * 1e3:.1f} ms")
        else:
            self._strikes = 0
        shadow = self._shadow
        if shadow is not None:
            shadow.observe(features, scores.failure, scores.anomaly, elapsed)
            if time.monotonic() - self._last_shadow_report >= self._shadow_report_s:
                self._last_shadow_report = time.monotonic()
                self._emit(
                    self._shadow_rollout,
                    shadow.challenger.version,
                    "shadow",
                    shadow=shadow.stats(model.version),
                )
        return scores

    # --- updates ----------------------------------------------------------------------------------------
    def set_reporter(self, report: Reporter) -> None:
        """Where deployment reports go (the MQTT link); until set they are only logged."""
        self._report = report

    def submit(self, command: ModelUpdateCommand) -> None:
        """Queue an update from the cloud (safe from any thread); the worker applies it."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="model-updates", daemon=True)
            self._worker.start()
        self._updates.put(command)

    def close(self) -> None:
        """Stop the update worker after the update it is applying."""
        if self._worker is not None:
            self._updates.put(None)
            self._worker.join(timeout=5.0)

    def _work(self) -> None:
        while (command := self._updates.get()) is not None:
            try:
                self.apply(command)
            except Exception:  # a bug here must not kill updates for good; the loop keeps serving
                logger.exception("model update %s failed unexpectedly", command.version)

    def apply(self, command: ModelUpdateCommand) -> str:
        """Verify, fetch, install and start (or shadow) one update; return the state reported."""
        rid = command.rollout_id
        if command.mode == "deploy" and command.version == self.version:
            return self._emit(rid, command.version, "active", "already serving")
        failed = self.store.failed(command.version)
        if failed and not command.pinned:
            return self._emit(rid, command.version, "rejected", f"failed: on this gateway before ({failed})")
        self._emit(rid, command.version, "downloading")
        prepare = prepare_in_child if self._isolate else fetch.prepare
        try:
            prepared = prepare(
                command,
                store=self.store,
                keys_dir=self._keys_dir,
                window=self.window,
                current_serial=self._serial,
            )
            model = self._loader(prepared.folder)
        except trust.TrustError as exc:
            return self._emit(rid, command.version, "rejected", f"{exc.reason}: {exc}")
        except DownloadError as exc:
            return self._emit(rid, command.version, "failed", str(exc))
        except ModelError as exc:
            self.store.mark_failed(command.version, str(exc))
            return self._emit(rid, command.version, "rejected", f"does not load: {exc}")
        release_loading_memory()
        if command.pinned:
            self.store.clear_failed(prepared.version)
        if command.mode == "shadow":
            self._shadow = ShadowRunner(
                model, self.manifest.failure_threshold, self.manifest.anomaly_threshold
            )
            self._shadow_rollout = rid
            self._last_shadow_report = time.monotonic()
            return self._emit(rid, prepared.version, "shadow", "running beside the champion")
        with self._lock:
            try:
                if self.store.pointer("current") is None and self._baseline is not None:
                    self.store.set_previous(self._baseline)  # the installed model is the first last-good one
                self.store.activate(prepared.folder)
            except (ModelError, OSError) as exc:
                return self._emit(rid, prepared.version, "failed", f"cannot switch to it: {exc}")
            self._model, self._serial, self._guarded = model, prepared.serial, True
            self._budget_s, self._strikes = command.latency_budget_ms / 1e3, 0
            self._active_rollout = rid
            self._shadow = None
        self.store.prune()
        self._prune_ort()
        logger.info("model %s (serial %d) now serving", prepared.version, prepared.serial)
        return self._emit(rid, prepared.version, "active")

    def _prune_ort(self) -> None:
        """Keep the ORT forms of the models still installed (and the baseline's), delete the rest."""
        folders = [p for p in (self.store.root / "versions").iterdir() if p.is_dir()]
        if self._baseline is not None:
            folders.append(self._baseline)
        keep = set()
        for folder in folders:
            try:
                keep.add(read_manifest(folder).sha256)
            except ModelError:
                continue  # a half-written or foreign folder holds no model of ours
        ort_format.prune(self.store.root / ORT_CACHE, keep)

    def _revert(self, failing: Model, reason: str) -> bool:
        """Put the last good model back; False when there is none (the failing model keeps serving)."""
        with self._lock:
            if self._model is not failing:
                return True  # another thread already replaced it
            previous = self.store.revert()
            if previous is None:
                logger.error(
                    "model %s failing (%s) and no last good model to go back to", failing.version, reason
                )
                self._guarded = False
                return False
            try:
                model = self._loader(previous)
            except ModelError as exc:
                logger.error("last good model %s does not load either: %s", previous, exc)
                self._guarded = False
                return False
            self.store.mark_failed(failing.version, reason)
            self._model, self._serial, self._guarded = model, self.store.serial(previous), False
        release_loading_memory()
        logger.error("model %s rolled back to %s: %s", failing.version, model.version, reason)
        self._emit(self._active_rollout, failing.version, "rolled_back", reason)
        return True

    def _emit(
        self, rollout_id: uuid.UUID | None, version: str, state: str, detail: str = "", **extra: object
    ) -> str:
        report = DeploymentReport(
            gateway_id=self.gateway_id,
            rollout_id=rollout_id,
            version=version,
            state=state,  # type: ignore[arg-type]
            ts=datetime.now(UTC),
            serving=self.version,
            detail=detail[:2_000],
            **extra,  # type: ignore[arg-type]
        )
        log = logger.warning if state in ("rejected", "failed", "rolled_back") else logger.info
        log("model %s: %s %s", version, state, detail)
        if self._report is not None:
            self._report(report)
        return state


def _first_that_loads(
    store: ModelStore, loader: Callable[[Path], Model], baseline: Path
) -> tuple[Model, Path]:
    """Load ``current``; if it fails (corrupt on disk), the last good update, and only then the baseline.

    A failing ``current`` is replaced by ``previous`` on disk too, so the next start does not try it again.
    """
    current = store.pointer("current")
    if current is not None:
        try:
            return loader(current), current
        except ModelError as exc:
            logger.error(
                "current model %s does not load (%s); falling back to the last good one", current, exc
            )
            previous = store.revert()
            if previous is not None and previous != current:
                try:
                    model = loader(previous)
                except ModelError as again:
                    logger.error("last good model %s does not load either (%s)", previous, again)
                else:
                    logger.warning(
                        "serving the last good model %s instead of %s", model.version, current.name
                    )
                    return model, previous
    return loader(baseline), baseline
