"""The evidence channels the streaming detector combines, each causal and each scored on one scale.

* ``NoveltyChannel``: distance of the current subsequence to its nearest earlier neighbour, turned into
  HTM's anomaly likelihood (Ahmad et al., Neurocomputing 2017).
* ``LevelChannel``: robust z-score of the recent level (mean of the last few block means) against the median
  and MAD of the block means before it; catches slow drifts to a level the series rarely visits.
* ``RangeRule``: Numenta's "spatial anomaly" of its NAB detector: a value beyond the range seen so far by
  more than 5 % of that range is flagged outright.

Every channel's score is ``log(p) / log(1e-10)`` of a tail probability p, clipped to [0, 1], so 0.5 means
p = 1e-5 in each of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# The tail probability is floored here; log(floor) maps to score 1.0 (HTM's constant).
TAIL_FLOOR = 1e-10
# Keeps a perfectly constant history from dividing by zero (relative to the statistic's own size).
RELATIVE_STD_FLOOR = 1e-9
# Scale factors that make the MAD and the mean absolute deviation estimate a Gaussian's standard deviation.
MAD_TO_STD = 1.4826
MEAN_AD_TO_STD = 1.2533


def tail_score(z: float) -> float:
    """Score in [0, 1] of a Gaussian upper-tail deviation z: ``log(p)/log(1e-10)``, 0.5 at p = 1e-5."""
    tail = max(0.5 * math.erfc(z / math.sqrt(2.0)), TAIL_FLOOR)
    return min(max(math.log(tail) / math.log(TAIL_FLOOR), 0.0), 1.0)


@dataclass(frozen=True, slots=True)
class Scale:
    """Sizes of one time scale, in its own units (rows or blocks)."""

    subsequence: int
    memory: int
    history: int
    short: int


class NoveltyChannel:
    """Nearest-neighbour novelty of the current subsequence and its anomaly likelihood, at one scale."""

    def __init__(self, cfg: Scale) -> None:
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
        return tail_score((recent_mean - mean) / std)


class LevelChannel:
    """Robust z-score of the mean of the last ``span`` values against the ``history`` values before them."""

    def __init__(self, span: int, history: int) -> None:
        self.span = span
        self.history = history
        # Ring buffer of the newest span + history values; the oldest `history` of them are the reference.
        self.values = np.zeros(span + history)
        self.count = 0

    def update(self, value: float) -> float:
        """Take one value (a block mean); return the level-shift score in [0, 1]."""
        size = len(self.values)
        self.values[self.count % size] = value
        self.count += 1
        # The reference needs at least as many values as the level it judges.
        if self.count < 2 * self.span:
            return 0.0
        newest = (self.count - 1 - np.arange(min(self.count, size))) % size
        level = float(self.values[newest[: self.span]].mean())
        reference = self.values[newest[self.span :]]
        median = float(np.median(reference))
        deviation = np.abs(reference - median)
        spread = MAD_TO_STD * float(np.median(deviation))
        floor = RELATIVE_STD_FLOOR * (1.0 + abs(median))
        if (
            spread <= floor
        ):  # more than half the reference sits on one value: the mean deviation still sees spread
            spread = MEAN_AD_TO_STD * float(deviation.mean())
        if spread <= floor:  # a constant reference: the novelty channels judge a change from it
            return 0.0
        return tail_score(abs(level - median) / spread)


class RangeRule:
    """Numenta's spatial anomaly: a value beyond the range seen so far by ``tolerance`` of that range."""

    def __init__(self, tolerance: float, warmup: int) -> None:
        self.tolerance = tolerance
        self.warmup = warmup
        self.low = math.inf
        self.high = -math.inf
        self.seen = 0

    def update(self, value: float) -> float:
        """Take one value; return 1.0 if it leaves the tolerated range, else 0.0."""
        outside = False
        # A new record is common while the range is young (row n of i.i.d. data is a record with chance
        # 1/n), so the rule speaks only once the range has been watched for `warmup` rows.
        if self.seen >= self.warmup and self.high > self.low:
            margin = (self.high - self.low) * self.tolerance
            outside = value > self.high + margin or value < self.low - margin
        self.low = min(self.low, value)
        self.high = max(self.high, value)
        self.seen += 1
        return 1.0 if outside else 0.0
