"""A streaming, causal anomaly detector: subsequence novelty turned into an anomaly likelihood.

Each column is watched at two time scales: row by row, and as means of blocks of ``coarse_block`` rows (slow
drifts show up there). At each scale, for each new value:
1. novelty: Euclidean distance from the last ``subsequence`` values to their nearest neighbour among the
   ``memory`` most recent earlier subsequences (those overlapping the current one are held back, so a
   subsequence never matches a shifted copy of itself);
2. anomaly likelihood (Ahmad et al., Neurocomputing 2017, as in Numenta's HTM detector): the mean novelty
   of the last ``short`` values is compared with the mean and standard deviation of novelty over the last
   ``history`` values; the Gaussian tail probability p becomes ``score = log(p) / log(1e-10)``, clipped to
   [0, 1], so 0.5 means p = 1e-5;
3. the row's score is the maximum over scales and columns (the coarse scale speaks at the last row of each
   block); no score is given before ``warmup`` rows, and after a flag (score >= 0.5) further flags are held
   just under 0.5 for ``suppress`` rows, because one event should raise one alarm.
Every score depends only on the rows up to and including its own: appending rows never changes past scores.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model_registry.anomaly.errors import DetectorConfigError, InputShapeError

FLAG_THRESHOLD = 0.5
# A suppressed flag is reported just under the threshold, so the row still reads as "very unusual".
SUPPRESSED_SCORE = 0.49
# The likelihood's tail probability is floored here; log(floor) maps to score 1.0 (HTM's constant).
TAIL_FLOOR = 1e-10
# Keeps a perfectly constant history from dividing by zero (relative to the novelty's own size).
RELATIVE_STD_FLOOR = 1e-9


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Design parameters, fixed a priori (see docs/evaluation.md for why each has its value)."""

    subsequence: int = 16  # rows per compared subsequence
    memory: int = 3000  # earlier subsequences searched for the nearest neighbour
    history: int = 2000  # rows of novelty behind the likelihood's mean and std (about a week at 5 min)
    short: int = 10  # rows of novelty averaged before the comparison (HTM's default)
    coarse_block: int = 8  # rows averaged into one value of the coarse scale (1 % of a 750-row warm-up)
    coarse_short: int = 2  # coarse values averaged before the comparison
    warmup: int = 750  # rows scored 0 while the memory fills (NAB's probation cap)
    suppress: int = 750  # rows after a flag during which further flags are muted

    def __post_init__(self) -> None:
        for name in ("subsequence", "memory", "history", "short", "coarse_block", "coarse_short"):
            if getattr(self, name) < 1:
                raise DetectorConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("warmup", "suppress"):
            if getattr(self, name) < 0:
                raise DetectorConfigError(f"{name} must not be negative, got {getattr(self, name)}")


@dataclass(frozen=True, slots=True)
class _Scale:
    """Sizes of one time scale, in its own units (rows or blocks)."""

    subsequence: int
    memory: int
    history: int
    short: int


class _Column:
    """Novelty and anomaly likelihood of one column at one time scale."""

    def __init__(self, cfg: _Scale) -> None:
        self.cfg = cfg
        length = cfg.subsequence
        # The last 2*length values: the current subsequence and the newest one old enough to join the memory.
        self.recent = np.zeros(2 * length)
        self.seen = 0
        self.memory = np.zeros((cfg.memory, length))
        self.mem_count = 0
        self.mem_pos = 0
        self.novelty = np.zeros(cfg.history)
        self.nov_count = 0
        self.nov_sum = 0.0
        self.nov_sq = 0.0

    def _novelty(self, current: np.ndarray) -> float:
        if self.mem_count == 0:
            return 0.0
        diff = self.memory[: self.mem_count] - current
        return math.sqrt(float(np.einsum("ij,ij->i", diff, diff).min()))

    def _remember(self, value: float) -> None:
        h = self.cfg.history
        pos = self.nov_count % h
        if self.nov_count >= h:
            old = self.novelty[pos]
            self.nov_sum -= old
            self.nov_sq -= old * old
        self.novelty[pos] = value
        self.nov_sum += value
        self.nov_sq += value * value
        self.nov_count += 1
        if self.nov_count % h == 0:  # re-sum now and then so rounding errors cannot pile up
            self.nov_sum = float(self.novelty.sum())
            self.nov_sq = float(np.dot(self.novelty, self.novelty))

    def update(self, value: float) -> float:
        """Take one value; return its anomaly likelihood score in [0, 1]."""
        length = self.cfg.subsequence
        self.recent[:-1] = self.recent[1:]
        self.recent[-1] = value
        self.seen += 1
        if self.seen < length:
            return 0.0
        if self.seen >= 2 * length:  # the subsequence ending `length` rows ago no longer overlaps this one
            self.memory[self.mem_pos] = self.recent[:length]
            self.mem_pos = (self.mem_pos + 1) % self.cfg.memory
            self.mem_count = min(self.mem_count + 1, self.cfg.memory)
        self._remember(self._novelty(self.recent[length:]))
        return self._likelihood()

    def _likelihood(self) -> float:
        n = min(self.nov_count, self.cfg.history)
        mean = self.nov_sum / n
        std = math.sqrt(max(self.nov_sq / n - mean * mean, 0.0))
        short = min(self.cfg.short, n)
        idx = (self.nov_count - 1 - np.arange(short)) % self.cfg.history
        recent_mean = float(self.novelty[idx].mean())
        std = max(std, RELATIVE_STD_FLOOR * (1.0 + abs(mean)))
        tail = max(0.5 * math.erfc((recent_mean - mean) / (std * math.sqrt(2.0))), TAIL_FLOOR)
        return min(max(math.log(tail) / math.log(TAIL_FLOOR), 0.0), 1.0)


class _TwoScales:
    """One column watched row by row and as block means."""

    def __init__(self, cfg: DetectorConfig) -> None:
        self.block = cfg.coarse_block
        self.fine = _Column(_Scale(cfg.subsequence, cfg.memory, cfg.history, cfg.short))
        coarse_history = max(1, cfg.history // cfg.coarse_block)
        self.coarse = _Column(_Scale(cfg.subsequence, cfg.memory, coarse_history, cfg.coarse_short))
        self.block_sum = 0.0
        self.block_rows = 0

    def update(self, value: float) -> float:
        """Score one value: the fine score, or the larger of both at the end of a block."""
        score = self.fine.update(value)
        self.block_sum += value
        self.block_rows += 1
        if self.block_rows == self.block:
            score = max(score, self.coarse.update(self.block_sum / self.block))
            self.block_sum, self.block_rows = 0.0, 0
        return score


class StreamingDetector:
    """Scores rows one at a time; ``update`` returns the row's anomaly score in [0, 1] (>= 0.5 = flagged)."""

    def __init__(self, columns: int = 1, config: DetectorConfig | None = None) -> None:
        if columns < 1:
            raise DetectorConfigError(f"columns must be at least 1, got {columns}")
        self.config = config or DetectorConfig()
        self._columns = [_TwoScales(self.config) for _ in range(columns)]
        self._rows = 0
        self._last_flag: int | None = None

    def update(self, values: float | Sequence[float]) -> float:
        """Score one row (one value per column) using only this row and the rows before it."""
        row = [values] if isinstance(values, int | float) else list(values)
        if len(row) != len(self._columns):
            raise InputShapeError(f"expected {len(self._columns)} values per row, got {len(row)}")
        if not all(math.isfinite(v) for v in row):
            raise InputShapeError(f"row {self._rows + 1} holds a value that is not finite: {row}")
        score = max(col.update(float(v)) for col, v in zip(self._columns, row, strict=True))
        self._rows += 1
        if self._rows <= self.config.warmup:
            return 0.0
        if score >= FLAG_THRESHOLD:
            if self._last_flag is not None and self._rows - self._last_flag <= self.config.suppress:
                return min(score, SUPPRESSED_SCORE)
            self._last_flag = self._rows
        return score


def score_series(values: np.ndarray, config: DetectorConfig | None = None) -> np.ndarray:
    """Scores of every row of a (rows,) or (rows, columns) array, computed in streaming order."""
    data = np.asarray(values, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    detector = StreamingDetector(data.shape[1], config)
    return np.fromiter((detector.update(row) for row in data.tolist()), dtype=np.float64, count=len(data))
