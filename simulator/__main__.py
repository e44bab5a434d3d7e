"""Simulator command line: ``python -m simulator run-to-failure --machines 20 --seed 1 --out data.csv``.

Writes the readings as CSV (timestamp,machine_id,temperature,vibration,rpm) and, beside them, the
breakdowns (timestamp,machine_id,failure_mode), the input of the "bring your own data" commands.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from simulator.errors import SimulatorError
from simulator.fleet import run_to_failure
from simulator.machines import DEFAULT_SAMPLE_PERIOD_S

# Simulated time starts here unless --start says otherwise, so the same seed gives the same file.
_DEFAULT_START = "2026-01-01T00:00:00+00:00"


def _utc(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rtf = sub.add_parser("run-to-failure", help="simulate machines until they break down, write CSV")
    rtf.add_argument("--machines", type=int, default=20, help="number of machines (default 20)")
    rtf.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    rtf.add_argument("--out", type=Path, required=True, help="readings CSV to write")
    rtf.add_argument("--failures-out", type=Path, help="breakdowns CSV (default: <out>_failures.csv)")
    rtf.add_argument(
        "--sample-period",
        type=float,
        default=DEFAULT_SAMPLE_PERIOD_S,
        help=f"simulated seconds per sample (default {DEFAULT_SAMPLE_PERIOD_S:g})",
    )
    rtf.add_argument("--healthy-share", type=float, default=0.3, help="share of machines without a fault")
    rtf.add_argument("--start", type=_utc, default=_utc(_DEFAULT_START), help="UTC time of the first sample")
    return parser


def _write(args: argparse.Namespace) -> tuple[Path, Path, int]:
    runs = run_to_failure(
        args.machines, args.seed, sample_period_s=args.sample_period, healthy_share=args.healthy_share
    )
    failures_out = args.failures_out or args.out.with_name(f"{args.out.stem}_failures.csv")
    period = timedelta(seconds=args.sample_period)
    rows = 0
    with args.out.open("w", newline="") as data, failures_out.open("w", newline="") as failures:
        data_csv, failure_csv = csv.writer(data), csv.writer(failures)
        data_csv.writerow(["timestamp", "machine_id", "temperature", "vibration", "rpm"])
        failure_csv.writerow(["timestamp", "machine_id", "failure_mode"])
        for run in runs:
            for k, (temperature, vibration, rpm) in enumerate(run.samples):
                ts = (args.start + period * (k + 1)).isoformat()
                data_csv.writerow(
                    [ts, run.machine_id, f"{temperature:.3f}", f"{vibration:.4f}", f"{rpm:.1f}"]
                )
                rows += 1
            if run.failed_at is not None:
                ts = (args.start + period * (run.failed_at + 1)).isoformat()
                failure_csv.writerow([ts, run.machine_id, run.failure])
    return args.out, failures_out, rows


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.machines < 1:
        parser.error(f"--machines must be at least 1, got {args.machines}")
    if args.sample_period <= 0:
        parser.error(f"--sample-period must be positive, got {args.sample_period}")
    if not args.out.parent.is_dir():
        parser.error(f"--out: folder {args.out.parent} does not exist")
    try:
        out, failures_out, rows = _write(args)
    except (SimulatorError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {rows} readings of {args.machines} machines to {out} and breakdowns to {failures_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
