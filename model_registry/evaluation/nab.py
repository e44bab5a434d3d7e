"""NAB (Numenta Anomaly Benchmark) scoring, standard profile, and a runner over the realKnownCause files.

The scorer follows NAB's sweeper (github.com/numenta/NAB, ``nab/sweeper.py``): the first 15 % of a file (at
most 750 rows) is probationary and never scored; a detection (score >= threshold) inside a labelled window
earns a sigmoid-weighted reward that is largest at the window's left edge, only the best detection of a
window counts, a window without one costs ``fn``; a detection outside every window costs ``fp`` times a weight
that is -1 before the first window and grows from 0 to -1 with the distance past the previous window.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model_registry.evaluation.csvdata import load_series
from model_registry.evaluation.errors import DatasetNotFoundError, EvaluationError

# NAB's probationary period: 15 % of the file, capped at 15 % of 5000 rows.
PROBATION_FRACTION = 0.15
PROBATION_CAP_ROWS = 750
# Past this many window widths after a window, a false positive costs the full weight (NAB's constant).
FAR_PAST_WINDOW = 3.0
CORPUS = "realKnownCause"
FILES = (
    "ambient_temperature_system_failure",
    "cpu_utilization_asg_misconfiguration",
    "ec2_request_latency_system_failure",
    "machine_temperature_system_failure",
    "nyc_taxi",
    "rogue_agent_key_hold",
    "rogue_agent_key_updown",
)


@dataclass(frozen=True, slots=True)
class CostProfile:
    """NAB's cost matrix weights for one application profile."""

    tp: float = 1.0
    fp: float = 0.11
    fn: float = 1.0


STANDARD = CostProfile()


@dataclass(frozen=True, slots=True)
class FileScore:
    """The raw NAB score of one file and what it is made of."""

    raw: float
    windows: int
    detected_windows: int
    false_positives: int
    fp_cost: float

    @property
    def null(self) -> float:
        """The score of a detector that never fires."""
        return -STANDARD.fn * self.windows

    @property
    def perfect(self) -> float:
        """The score of a detector that fires once at every window's left edge."""
        return STANDARD.tp * self.windows


@dataclass(frozen=True, slots=True)
class NabResult:
    """Per-file and combined scores of one detector at one threshold."""

    threshold: float
    files: dict[str, FileScore] = field(default_factory=dict)

    def normalized(self, names: Sequence[str] | None = None) -> float:
        """NAB's normalized score (null 0, perfect 100) over the named files (default: all)."""
        chosen = [self.files[n] for n in (names if names is not None else self.files)]
        raw = sum(f.raw for f in chosen)
        null = sum(f.null for f in chosen)
        perfect = sum(f.perfect for f in chosen)
        return 100.0 * (raw - null) / (perfect - null)


def probation_length(rows: int) -> int:
    """Number of leading rows NAB never scores."""
    return int(min(math.floor(PROBATION_FRACTION * rows), PROBATION_FRACTION * 5000))


def scaled_sigmoid(position: float) -> float:
    """NAB's weight: ~+0.987 at relative position -1 (window start), 0 at 0 (right edge), -> -1 past it."""
    if position > FAR_PAST_WINDOW:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


def window_bounds(timestamps: Sequence[str], windows: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """Row indices ``(first, last)`` of each labelled window; label timestamps may carry ``.000000``."""
    index = {t: i for i, t in enumerate(timestamps)}
    bounds = []
    for start, end in windows:
        try:
            bounds.append((index[start.split(".")[0]], index[end.split(".")[0]]))
        except KeyError as exc:
            raise EvaluationError(f"window edge {exc.args[0]} is not a timestamp of the data file") from None
    return sorted(bounds)


def score_file(
    scores: np.ndarray,
    bounds: Sequence[tuple[int, int]],
    threshold: float,
    profile: CostProfile = STANDARD,
) -> FileScore:
    """Raw NAB score of per-row anomaly scores against window row bounds."""
    n = len(scores)
    max_tp = scaled_sigmoid(-1.0)
    window_of = np.full(n, -1, dtype=np.int64)
    for w, (first, last) in enumerate(bounds):
        window_of[first : last + 1] = w
    best = [-profile.fn] * len(bounds)
    hit = [False] * len(bounds)
    fp_cost, fp_count = 0.0, 0
    prev: tuple[int, int] | None = None  # (right edge, width) of the last window left behind
    flagged = set(np.flatnonzero(np.asarray(scores) >= threshold).tolist())
    for i in range(n):
        w = int(window_of[i])
        if w >= 0:
            first, last = bounds[w]
            if i in flagged and i >= probation_length(n):
                width = float(last - first + 1)
                weight = scaled_sigmoid(-(last - i + 1) / width) * profile.tp / max_tp
                best[w] = max(best[w], weight) if hit[w] else weight
                hit[w] = True
            if i == last:
                prev = (last, last - first + 1)
        elif i in flagged and i >= probation_length(n):
            fp_count += 1
            if prev is None:
                fp_cost += -1.0 * profile.fp
            else:
                fp_cost += scaled_sigmoid(abs(prev[0] - i) / float(prev[1] - 1)) * profile.fp
    raw = sum(best) + fp_cost
    return FileScore(raw, len(bounds), sum(hit), fp_count, fp_cost)


def load_windows(data_dir: Path) -> dict[str, list[list[str]]]:
    """The labelled windows of every realKnownCause file, keyed by file stem."""
    path = data_dir / "labels" / "combined_windows.json"
    if not path.is_file():
        raise DatasetNotFoundError(f"{path}: NAB label file not found")
    raw = json.loads(path.read_text())
    return {name: raw[f"{CORPUS}/{name}.csv"] for name in FILES}


Detector = Callable[[np.ndarray, int], np.ndarray]
"""A function from a file's (rows, 1) values and its probationary length to per-row scores in [0, 1]."""


def run_nab(data_dir: Path, detector: Detector, threshold: float = 0.5) -> NabResult:
    """Score every realKnownCause file with ``detector`` and NAB's standard profile."""
    windows = load_windows(data_dir)
    result = NabResult(threshold)
    for name in FILES:
        timestamps, values = load_series(data_dir / CORPUS / f"{name}.csv", "timestamp", ["value"])
        scores = detector(values, probation_length(len(timestamps)))
        result.files[name] = score_file(scores, window_bounds(timestamps, windows[name]), threshold)
    return result


def streaming_detector(values: np.ndarray, probation: int) -> np.ndarray:
    """Our detector as NAB runs it: warm-up, coarse block and suppression scaled to NAB's probation.

    NAB hands every detector the probationary length of the file it scores (its ``probationaryPeriod``);
    it is the only per-file input, used by the same rule for every file (the library defaults are this rule
    at the 750-row cap).
    """
    from model_registry.anomaly import DetectorConfig, score_series

    return score_series(values, DetectorConfig.for_warmup(probation))


def nab_summary(result: NabResult) -> dict[str, object]:
    """The JSON-ready summary ``maintainx eval nab`` prints."""
    return {
        "nab_score": round(result.normalized(), 2),
        "machine_temperature_score": round(result.normalized(["machine_temperature_system_failure"]), 2),
        "threshold": result.threshold,
        "profile": "standard",
        "files": {
            name: {
                "raw": round(f.raw, 4),
                "windows": f.windows,
                "detected_windows": f.detected_windows,
                "false_positives": f.false_positives,
            }
            for name, f in result.files.items()
        },
    }
