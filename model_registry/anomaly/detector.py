"""A streaming, causal anomaly detector: subsequence novelty, level shifts and range breaks per column.

Each column is watched by four channels (``model_registry/anomaly/channels.py``):
1. novelty row by row: distance from the last ``subsequence`` values to their nearest neighbour among the
   ``memory`` most recent earlier subsequences (overlapping ones held back), turned into HTM's anomaly
   likelihood: the mean novelty of the last ``short`` values against the mean and std of novelty over the last
   ``history`` values (Ahmad et al., Neurocomputing 2017);
2. the same on means of blocks of ``coarse_block`` rows (averaged over ``coarse_short`` blocks), where slow
   drifts show up;
3. level: the mean of the last ``subsequence`` block means (the span the coarse scale compares) as a robust
   z-score against the median and MAD of the block means over the ``history`` rows before it;
4. range: Numenta's spatial anomaly, a value beyond the range seen so far by ``range_tolerance`` of that
   range, once the range has been watched for ``history`` rows.
Each channel's score is ``log(p)/log(1e-10)`` of its tail probability p, so 0.5 means p = 1e-5 (the range rule
scores 1). The row's score is the maximum over channels and columns; the block channels speak at the last row
of each block. No score is given before ``warmup`` rows. One event should raise one alarm: after a flag
(score >= 0.5), further flags are held just under 0.5 until ``suppress`` rows have passed without one.
Every score depends only on the rows up to and including its own: appending rows never changes past scores.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model_registry.anomaly.channels import LevelChannel, NoveltyChannel, RangeRule, Scale
from model_registry.anomaly.errors import DetectorConfigError, InputShapeError

FLAG_THRESHOLD = 0.5
# A suppressed flag is reported just under the threshold, so the row still reads as "very unusual".
SUPPRESSED_SCORE = 0.49
# The coarse block is 1 % of the warm-up (8 rows at NAB's 750-row probation cap).
COARSE_BLOCK_FRACTION = 0.01


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
    # Rows without a flag before the next may be raised: (subsequence + coarse_short) * coarse_block, the
    # span of the coarse scale's view, so an event still in view raises no second alarm.
    suppress: int = 144
    range_tolerance: float = 0.05  # Numenta's SPATIAL_TOLERANCE in its NAB detector

    def __post_init__(self) -> None:
        for name in ("subsequence", "memory", "history", "short", "coarse_block", "coarse_short"):
            if getattr(self, name) < 1:
                raise DetectorConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("warmup", "suppress", "range_tolerance"):
            if getattr(self, name) < 0:
                raise DetectorConfigError(f"{name} must not be negative, got {getattr(self, name)}")

    @classmethod
    def for_warmup(cls, warmup: int) -> DetectorConfig:
        """The defaults with the block and suppression scaled to a warm-up (NAB's probationary length)."""
        if warmup < 0:
            raise DetectorConfigError(f"warmup must not be negative, got {warmup}")
        block = max(1, round(warmup * COARSE_BLOCK_FRACTION))
        base = cls()
        suppress = (base.subsequence + base.coarse_short) * block
        return cls(warmup=warmup, coarse_block=block, suppress=suppress)


class _ColumnWatch:
    """All channels of one column."""

    def __init__(self, cfg: DetectorConfig) -> None:
        self.block = cfg.coarse_block
        self.fine = NoveltyChannel(Scale(cfg.subsequence, cfg.memory, cfg.history, cfg.short))
        coarse_history = max(1, cfg.history // cfg.coarse_block)
        self.coarse = NoveltyChannel(Scale(cfg.subsequence, cfg.memory, coarse_history, cfg.coarse_short))
        self.level = LevelChannel(cfg.subsequence, coarse_history)
        self.range = RangeRule(cfg.range_tolerance, cfg.history)
        self.block_sum = 0.0
        self.block_rows = 0

    def update(self, value: float) -> float:
        """Score one value: the largest score of the channels that speak at this row."""
        score = max(self.fine.update(value), self.range.update(value))
        self.block_sum += value
        self.block_rows += 1
        if self.block_rows == self.block:
            mean = self.block_sum / self.block
            score = max(score, self.coarse.update(mean), self.level.update(mean))
            self.block_sum, self.block_rows = 0.0, 0
        return score


class StreamingDetector:
    """Scores rows one at a time; ``update`` returns the row's anomaly score in [0, 1] (>= 0.5 = flagged)."""

    def __init__(self, columns: int = 1, config: DetectorConfig | None = None) -> None:
        if columns < 1:
            raise DetectorConfigError(f"columns must be at least 1, got {columns}")
        self.config = config or DetectorConfig()
        self._columns = [_ColumnWatch(self.config) for _ in range(columns)]
        self._rows = 0
        self._last_high: int | None = None

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
            muted = self._last_high is not None and self._rows - self._last_high <= self.config.suppress
            # Every high row extends the event, muted or not: the quiet gap is counted from the last one.
            self._last_high = self._rows
            if muted:
                return min(score, SUPPRESSED_SCORE)
        return score


def score_series(values: np.ndarray, config: DetectorConfig | None = None) -> np.ndarray:
    """Scores of every row of a (rows,) or (rows, columns) array, computed in streaming order."""
    data = np.asarray(values, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    detector = StreamingDetector(data.shape[1], config)
    return np.fromiter((detector.update(row) for row in data.tolist()), dtype=np.float64, count=len(data))
