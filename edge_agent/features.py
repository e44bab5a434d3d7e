"""Window features: the one definition that training and the agent both use (numpy only).

A window is the last ``W`` samples of one machine as an array of shape ``(W, 3)`` with columns
``SIGNALS``. A model's manifest names the features and window it was trained on; the agent refuses a
model whose names differ from ``FEATURE_NAMES``, so training and serving cannot drift apart.
"""

from __future__ import annotations

import numpy as np

SIGNALS = ("temperature", "vibration", "rpm")
# Default window length in samples; a model's manifest may name another.
DEFAULT_WINDOW = 30
_STATS = ("mean", "std", "slope", "last", "min", "max")
FEATURE_NAMES: tuple[str, ...] = (
    *(f"{signal}_{stat}" for signal in SIGNALS for stat in _STATS),
    # Cross-signal relations: heat and vibration per unit of load (rpm), which stay flat
    # across load changes on a healthy machine and climb on a failing one.
    "temperature_per_krpm",
    "vibration_per_krpm",
)
N_FEATURES = len(FEATURE_NAMES)
# Keeps the per-krpm ratios finite when a machine is stopped.
_RPM_FLOOR_KRPM = 0.1


def batch_features(windows: np.ndarray) -> np.ndarray:
    """Features of ``N`` windows, shape ``(N, W, 3)`` -> ``(N, N_FEATURES)`` float32."""
    w = np.asarray(windows, dtype=np.float64)
    if w.ndim != 3 or w.shape[2] != len(SIGNALS) or w.shape[1] < 2:
        raise ValueError(f"windows must have shape (N, W>=2, {len(SIGNALS)}), got {w.shape}")
    n, length, _ = w.shape
    mean = w.mean(axis=1)
    std = w.std(axis=1)
    # Least-squares slope per sample: sum((t - t̄)(x - x̄)) / sum((t - t̄)^2).
    t = np.arange(length, dtype=np.float64) - (length - 1) / 2.0
    slope = np.einsum("t,nts->ns", t, w - mean[:, None, :]) / float(t @ t)
    last = w[:, -1, :]
    stats = np.stack([mean, std, slope, last, w.min(axis=1), w.max(axis=1)], axis=2)  # (N, 3, 6)
    krpm = np.maximum(mean[:, 2] / 1000.0, _RPM_FLOOR_KRPM)
    cross = np.stack([mean[:, 0] / krpm, mean[:, 1] / krpm], axis=1)
    out = np.concatenate([stats.reshape(n, -1), cross], axis=1)
    return out.astype(np.float32)


def window_features(window: np.ndarray) -> np.ndarray:
    """Features of one window, shape ``(W, 3)`` -> ``(N_FEATURES,)`` float32."""
    return batch_features(np.asarray(window)[None, :, :])[0]


class RollingWindow:
    """The last ``size`` samples of one machine in a fixed ring buffer (no allocation per sample)."""

    __slots__ = ("_buf", "_count", "_pos", "size")

    def __init__(self, size: int = DEFAULT_WINDOW) -> None:
        if size < 2:
            raise ValueError(f"window size must be at least 2, got {size}")
        self.size = size
        self._buf = np.zeros((size, len(SIGNALS)), dtype=np.float64)
        self._pos = 0
        self._count = 0

    def push(self, temperature: float, vibration: float, rpm: float) -> None:
        """Add one sample, dropping the oldest once the window is full."""
        row = self._buf[self._pos]
        row[0], row[1], row[2] = temperature, vibration, rpm
        self._pos = (self._pos + 1) % self.size
        self._count = min(self._count + 1, self.size)

    @property
    def full(self) -> bool:
        """True once ``size`` samples have been pushed."""
        return self._count == self.size

    def array(self) -> np.ndarray:
        """The window in time order, oldest first, shape ``(count, 3)``."""
        if self._count < self.size:
            return self._buf[: self._count].copy()
        return np.roll(self._buf, -self._pos, axis=0)

    def clear(self) -> None:
        """Forget every sample (e.g. after a repair changed the machine's baseline)."""
        self._pos = 0
        self._count = 0
