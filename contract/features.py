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
# Planes of FleetWindows' running state.
_SD, _SDD, _STD, _REF, _LAST = range(5)
_N_STATE = 5


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
    row: np.ndarray = batch_features(np.asarray(window)[None, :, :])[0]  # numpy types an int index as Any
    return row


def _stats_matrix(size: int, tt: float) -> np.ndarray:
    """Maps running state [sd, sdd, std, ref, last] to [mean, E(d^2), slope, last, mean d, 0] (rows)."""
    m = np.zeros((len(_STATS), _N_STATE))
    m[0, _REF] = 1.0
    m[0, _SD] = m[4, _SD] = 1.0 / size  # mean = ref + sd / n; mean deviation = sd / n
    m[1, _SDD] = 1.0 / size
    m[2, _STD] = 1.0 / tt  # slope = (std - (n - 1) / 2 * sd) / sum((t - t_mean)^2)
    m[2, _SD] = -(size - 1) / 2.0 / tt
    m[3, _LAST] = 1.0
    return m


class RollingWindow:
    """The last ``size`` samples of one machine in a fixed ring buffer (no allocation per sample)."""

    __slots__ = ("_all", "_buf", "_count", "_pos", "size")

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


class _Scratch:
    """Buffers and views for the features of ``k`` windows, made once: a tick of few machines costs numpy
    calls, not arithmetic, so every view a tick would otherwise create is created here instead."""

    __slots__ = (
        "block",
        "by_machine",
        "cross",
        "high",
        "krpm",
        "load_means",
        "out",
        "rpm_mean",
        "spare",
        "spread",
        "stats",
    )

    def __init__(self, k: int) -> None:
        n_signals, n_stats = len(SIGNALS), len(_STATS)
        self.stats = np.zeros((n_stats, k * n_signals))  # rows as _stats_matrix makes them, then final
        self.spread = self.stats[1]  # mean squared deviation, turned into the standard deviation
        self.spare = self.stats[4]  # mean deviation, then the minimum
        self.high = self.stats[5]
        # (stat, machine, signal) -> (machine, signal, stat), FEATURE_NAMES' order, as one strided copy
        # into a view of the output (splitting its row axis needs no copy).
        self.by_machine = self.stats.reshape(n_stats, k, n_signals).transpose(1, 2, 0)
        self.out = np.zeros((k, N_FEATURES), dtype=np.float32)
        self.block = self.out[:, : n_signals * n_stats].reshape(k, n_signals, n_stats)
        mean = self.stats[0].reshape(k, n_signals)
        self.rpm_mean = mean[:, 2:]
        self.load_means = mean[:, :2]  # temperature and vibration
        self.krpm = np.zeros((k, 1))
        self.cross = self.out[:, -2:]


class FleetWindows:
    """Rolling windows of ``machines`` machines with running sums: a tick's features cost O(1) per sample.

    The serving-side twin of ``batch_features``: the same numbers (to float32 rounding) without re-reading
    whole windows. Sums are kept of each value minus a per-machine reference (the window mean when the sums
    were last rebuilt), so variances of large, steady signals (rpm ~1500) do not cancel catastrophically;
    the sums are rebuilt exactly from the buffer every ``size`` pushes, so rounding never accumulates and
    the cost stays O(1) per sample amortised. Only min and max read the buffer (``size`` values, in C).
    Rows are machine indices; one ``push`` takes each row at most once (a machine's samples are in order).
    """

    __slots__ = (
        "_all",
        "_buf",
        "_due",
        "_flat",
        "_grid",
        "_last",
        "_new",
        "_pos",
        "_pos_col",
        "_ref",
        "_scratch",
        "_sd",
        "_sdd",
        "_since",
        "_slots",
        "_state",
        "_state_2d",
        "_std",
        "_t",
        "_to_stats",
        "_tt",
        "_upd",
        "_valid",
        "size",
    )

    def __init__(self, machines: int, size: int = DEFAULT_WINDOW) -> None:
        if size < 2:
            raise ValueError(f"window size must be at least 2, got {size}")
        self.size = size
        n_signals = len(SIGNALS)
        # Time on the last axis: min and max then reduce over contiguous memory, several times faster.
        self._buf = np.zeros((machines, n_signals, size), dtype=np.float64)
        self._pos = np.zeros(machines, dtype=np.intp)  # slot the next sample goes to (= oldest when full)
        # Pushes since the sums were rebuilt (or the window cleared): at ``size`` the window is full and
        # its sums are rebuilt, so one counter marks both the first fill and the periodic rebuild.
        self._since = np.zeros(machines, dtype=np.intp)
        self._valid = np.zeros(machines, dtype=bool)  # full, with valid sums
        # Pushes before any window can need a rebuild, at most size - max(_since): a Python countdown
        # spares the whole-fleet tick a numpy reduction. Clearing or rebuilding only makes it early.
        self._due = size
        # The running figures of every (machine, signal), one contiguous (machines, signals) plane each,
        # stacked so that a tick's features start with one small matrix product (_stats_matrix) instead
        # of a dozen numpy calls: per-call overhead, not arithmetic, is what a tick of few machines costs.
        self._state = np.zeros((_N_STATE, machines, n_signals))
        self._sd = self._state[_SD]  # sum of (x - ref)
        self._sdd = self._state[_SDD]  # sum of (x - ref)^2
        self._std = self._state[_STD]  # sum of t * (x - ref), t = 0 (oldest) .. size-1
        self._ref = self._state[_REF]
        self._last = self._state[_LAST]
        # The whole fleet's state and buffer as 2-D views, made once: a view costs a numpy call per tick.
        self._state_2d = self._state.reshape(_N_STATE, machines * n_signals)
        self._grid = self._buf.reshape(machines * n_signals, size)
        # Scratch for a whole-fleet push: the increments of [sd, sdd, std] (added to the state in one call)
        # and the new samples' deviations from the reference.
        self._upd = np.zeros((3, machines, n_signals))
        self._new = np.zeros((machines, n_signals))
        self._scratch: dict[int, _Scratch] = {}  # per number of windows scored at once
        self._all = np.arange(machines, dtype=np.intp)
        # Flat offsets of each (machine, signal) row of the buffer: a slot is offset + position, so one
        # take/put moves a whole tick's samples (cheaper than fancy indexing).
        self._flat = self._buf.reshape(-1)
        self._slots = (self._all[:, None] * n_signals + np.arange(n_signals)) * size
        self._pos_col = self._pos[:, None]  # a view: follows _pos, which is only ever updated in place
        self._t = np.arange(size, dtype=np.float64)
        t = self._t - (size - 1) / 2.0
        self._tt = float(t @ t)
        self._to_stats = _stats_matrix(size, self._tt)

    def push(self, rows: np.ndarray | None, values: np.ndarray) -> np.ndarray:
        """Add one sample ``(k, 3)`` to each of ``rows`` (distinct; None = every machine in row order).

        Returns a boolean mask over ``rows``: which windows are full after the push.
        """
        values = np.asarray(values, dtype=np.float64)
        if rows is None:
            # The common tick (every machine sampled once): whole-array updates in place, no gathers.
            slots = self._slots + self._pos_col
            old = self._flat.take(slots)
            self._flat.put(slots, values)
            np.remainder(self._pos + 1, self.size, out=self._pos)
            self._last[:] = values
            # The same slide as below, rewritten in the change ``diff = new - old`` so that every
            # increment lands in one scratch block and the state takes them in a single add:
            #   sd  += diff
            #   sdd += d_new^2 - d_old^2            = diff * (2 d_new - diff)
            #   std += (size-1) d_new + d_old - sd  = size d_new - diff - sd
            upd = self._upd
            diff = np.subtract(values, old, out=upd[_SD])
            d_new = np.subtract(values, self._ref, out=self._new)
            sdd = np.multiply(d_new, 2.0, out=upd[_SDD])
            sdd -= diff
            sdd *= diff
            std = np.multiply(d_new, float(self.size), out=upd[_STD])
            std -= diff
            std -= self._sd
            self._state[:_REF] += upd  # planes _SD, _SDD, _STD come first
            self._since += 1
            self._due -= 1
            if self._due <= 0:
                self._rebuild(self._all[self._since >= self.size])
                self._due = self.size - int(np.maximum.reduce(self._since))
            return self._valid.copy()
        pos = self._pos[rows]
        slots = self._slots[rows] + pos[:, None]
        old = self._flat.take(slots)
        self._flat.put(slots, values)
        self._pos[rows] = (pos + 1) % self.size
        self._last[rows] = values
        # Slide the sums (meaningful for full windows; the others are rebuilt when they fill up): the
        # oldest sample leaves and every other one moves a step back in time.
        ref = self._ref[rows]
        sd = self._sd[rows]
        d_new = values - ref
        d_old = old - ref
        self._std[rows] += (self.size - 1) * d_new + d_old - sd
        self._sd[rows] = sd + (d_new - d_old)
        self._sdd[rows] += d_new * d_new - d_old * d_old
        since = self._since[rows] + 1
        self._since[rows] = since
        self._due -= 1
        stale = since >= self.size
        if stale.any():
            self._rebuild(rows[stale])
        valid: np.ndarray = self._valid[rows]  # fancy indexing is typed Any by numpy's stubs
        return valid

    def _rebuild(self, rows: np.ndarray) -> None:
        """Recompute the sums of ``rows`` exactly from their (full) buffers."""
        windows = self._ordered(rows)  # (k, 3, size)
        ref = windows.mean(axis=2)
        d = windows - ref[:, :, None]
        self._ref[rows] = ref
        self._sd[rows] = d.sum(axis=2)
        self._sdd[rows] = (d * d).sum(axis=2)
        self._std[rows] = d @ self._t
        self._since[rows] = 0
        self._valid[rows] = True

    def _ordered(self, rows: np.ndarray) -> np.ndarray:
        order = (self._pos[rows, None] + np.arange(self.size)) % self.size
        return np.take_along_axis(self._buf[rows], order[:, None, :], axis=2)

    def windows(self, rows: np.ndarray) -> np.ndarray:
        """The windows of ``rows`` in time order, oldest first, shape ``(k, size, 3)`` (full ones only)."""
        return self._ordered(np.asarray(rows, dtype=np.intp)).transpose(0, 2, 1)

    def features(self, rows: np.ndarray | None) -> np.ndarray:
        """Features of the full windows of ``rows`` (None = all), equal to ``batch_features`` of them."""
        n_signals = len(SIGNALS)
        if rows is None:  # the common tick: the views made at construction
            k = self._pos.shape[0]
            state, buf = self._state_2d, self._grid
        else:
            k = len(rows)
            state = self._state[:, rows].reshape(_N_STATE, k * n_signals)
            buf = self._buf[rows].reshape(k * n_signals, self.size)
        sc = self._scratch.get(k) or self._scratch.setdefault(k, _Scratch(k))
        # Rows of _stats_matrix: mean, mean squared deviation, slope, last, mean deviation, (unused).
        np.matmul(self._to_stats, state, out=sc.stats)
        np.multiply(sc.spare, sc.spare, out=sc.spare)  # squared mean deviation
        np.subtract(sc.spread, sc.spare, out=sc.spread)  # variance
        np.sqrt(np.maximum(sc.spread, 0.0, out=sc.spread), out=sc.spread)
        # Order does not matter for min and max, so the ring buffer is read as it lies.
        np.minimum.reduce(buf, axis=1, out=sc.spare)
        np.maximum.reduce(buf, axis=1, out=sc.high)
        np.copyto(sc.block, sc.by_machine, casting="same_kind")
        np.divide(sc.rpm_mean, 1000.0, out=sc.krpm)
        np.maximum(sc.krpm, _RPM_FLOOR_KRPM, out=sc.krpm)
        np.divide(sc.load_means, sc.krpm, out=sc.cross, casting="same_kind")
        return sc.out.copy()  # the caller owns what it gets; the scratch is overwritten next tick

    def full(self, row: int) -> bool:
        """True once ``row`` holds ``size`` samples."""
        return bool(self._valid[row])

    def clear(self, row: int) -> None:
        """Forget every sample of ``row`` (e.g. after a repair changed the machine's baseline)."""
        self._pos[row] = 0
        self._since[row] = 0
        self._valid[row] = False
