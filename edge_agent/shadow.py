"""A challenger model in shadow: it scores the same windows as the champion, its output is only compared.

Agreement counts windows where both models take the same decisions (failure at or above the champion's
failure threshold, anomaly at or above the anomaly threshold); score drift is the mean signed difference
of failure_prob; latency is kept for both so promotion can be gated on speed too. Nothing the challenger
says reaches the outbox.
"""

from __future__ import annotations

import logging
import time
from collections import deque

import numpy as np

from contract.payloads import ShadowStats
from edge_agent.errors import ModelError
from edge_agent.inference import Model

logger = logging.getLogger(__name__)

# Latencies kept for the p95: the last few minutes of ticks at 1 Hz.
LATENCY_SAMPLES = 512


class ShadowRunner:
    """Runs ``challenger`` beside the champion and accumulates the comparison."""

    def __init__(self, challenger: Model, failure_threshold: float, anomaly_threshold: float) -> None:
        self.challenger = challenger
        self._failure_threshold = failure_threshold
        self._anomaly_threshold = anomaly_threshold
        self.windows = 0
        self.agreed = 0
        self.errors = 0
        self._drift_sum = 0.0
        self._abs_sum = 0.0
        self._champion_ms: deque[float] = deque(maxlen=LATENCY_SAMPLES)
        self._challenger_ms: deque[float] = deque(maxlen=LATENCY_SAMPLES)

    def observe(
        self, features: np.ndarray, failure: list[float], anomaly: list[float], champion_seconds: float
    ) -> None:
        """Score ``features`` with the challenger and compare with the champion's outputs."""
        started = time.perf_counter()
        try:
            c_failure, c_anomaly, _ = self.challenger.predict(features)
        except (ModelError, ValueError) as exc:
            self.errors += 1
            logger.warning("shadow model %s failed: %s", self.challenger.version, exc)
            return
        self._challenger_ms.append((time.perf_counter() - started) * 1e3)
        self._champion_ms.append(champion_seconds * 1e3)
        ft, at = self._failure_threshold, self._anomaly_threshold
        for f, a, cf, ca in zip(failure, anomaly, c_failure, c_anomaly, strict=True):
            self.windows += 1
            self.agreed += (f >= ft) == (cf >= ft) and (a >= at) == (ca >= at)
            self._drift_sum += cf - f
            self._abs_sum += abs(cf - f)

    def stats(self, champion: str) -> ShadowStats:
        """The comparison so far."""
        n = max(self.windows, 1)
        return ShadowStats(
            champion=champion,
            challenger=self.challenger.version,
            windows=self.windows,
            agreement=self.agreed / n if self.windows else 0.0,
            score_drift=self._drift_sum / n,
            mean_abs_diff=self._abs_sum / n,
            champion_latency_ms_p95=_p95(self._champion_ms),
            challenger_latency_ms_p95=_p95(self._challenger_ms),
            errors=self.errors,
        )


def _p95(values: deque[float]) -> float:
    return float(np.percentile(np.fromiter(values, float), 95)) if values else 0.0
