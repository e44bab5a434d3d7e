"""``maintainx anomaly score``: causal anomaly scores for every row of a CSV file, streamed."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
from pathlib import Path

from model_registry.anomaly import DetectorConfig, StreamingDetector
from model_registry.anomaly.errors import AnomalyError
from model_registry.evaluation.csvdata import iter_rows
from model_registry.evaluation.errors import EvaluationError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``anomaly score`` to the ``maintainx`` parser."""
    anomaly = subparsers.add_parser("anomaly", help="streaming anomaly detection on CSV files")
    sub = anomaly.add_subparsers(dest="anomaly_command", required=True)
    score = sub.add_parser("score", help="write timestamp,anomaly_score for every row (>= 0.5 = flagged)")
    score.add_argument("--csv", type=Path, required=True, help="input CSV with a header line")
    score.add_argument("--timestamp-col", required=True, help="column copied to the output as the row key")
    score.add_argument("--value-col", action="append", required=True, help="numeric column (repeatable)")
    score.add_argument("--out", type=Path, required=True, help="output CSV")
    defaults = DetectorConfig()
    score.add_argument("--warmup", type=int, default=defaults.warmup, help="rows scored 0 at the start")
    score.add_argument(
        "--suppress",
        type=int,
        help="rows without a flag before the next may be raised (default: scaled to --warmup, 144 at 750)",
    )
    score.set_defaults(handler=run_score)


def run_score(args: argparse.Namespace) -> int:
    """Score the CSV row by row; exit 0, or 2 with a message on bad input."""
    try:
        config = DetectorConfig.for_warmup(args.warmup)
        if args.suppress is not None:
            config = dataclasses.replace(config, suppress=args.suppress)
        detector = StreamingDetector(len(args.value_col), config)
        flagged = rows = 0
        with args.out.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["timestamp", "anomaly_score"])
            for key, values in iter_rows(args.csv, args.timestamp_col, args.value_col):
                score = detector.update(values)
                writer.writerow([key, f"{score:.6f}"])
                rows += 1
                flagged += score >= 0.5
    except (EvaluationError, AnomalyError) as exc:
        print(f"maintainx anomaly score: {exc}", file=sys.stderr)
        return 2
    print(f"scored {rows} rows, {flagged} flagged, wrote {args.out}", file=sys.stderr)
    return 0
