"""``maintainx model train`` (bring your own data) and ``maintainx model retrain`` (learn from tickets)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from contract.manifest import read_manifest

# "24h", "90m", "2d", "3600s" or plain seconds.
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_S = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86_400.0}


def duration_s(text: str) -> float:
    """Seconds of a duration like ``24h``, ``90m``, ``2d`` or ``3600s``."""
    match = _DURATION.match(text)
    if match is None or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"not a positive duration like 24h, 90m or 2d: {text!r}")
    return float(match.group(1)) * _UNIT_S[match.group(2)]


def utc_time(text: str) -> datetime:
    """An ISO 8601 date and time (naive = UTC)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {text!r}") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``model train`` and ``model retrain`` to the ``maintainx`` parser."""
    model = subparsers.add_parser("model", help="train models on your data or retrain from ticket outcomes")
    sub = model.add_subparsers(dest="model_command", required=True)
    from maintainx.commands.registry import add_registry_commands

    add_registry_commands(sub)
    train = sub.add_parser("train", help="failure-within-horizon model from a historian export")
    train.add_argument("--telemetry", type=Path, required=True, help="readings CSV (time, machine, signals)")
    train.add_argument("--failures", type=Path, required=True, help="failure log CSV (time, machine)")
    train.add_argument("--time-col", required=True, help="name of the time column in both files")
    train.add_argument("--machine-col", required=True, help="name of the machine column in both files")
    train.add_argument("--horizon", type=duration_s, default=duration_s("24h"), help="e.g. 24h (default)")
    train.add_argument("--split-at", type=utc_time, required=True, help="train before, evaluate after")
    train.add_argument("--window", type=int, default=30, help="readings per window (default 30)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--json", action="store_true", help="print one JSON object")
    train.set_defaults(handler=run_model_train)
    retrain = sub.add_parser("retrain", help="new model version from simulator data + ticket outcomes")
    retrain.add_argument("--database-url", help="PostgreSQL URL (default: DATABASE_URL or the embedded one)")
    retrain.add_argument("--data-dir", type=Path, help="data folder of the embedded PostgreSQL")
    retrain.add_argument("--out", type=Path, required=True, help="models folder that receives <version>/")
    retrain.add_argument("--seed", type=int, default=0, help="simulator training seed (default 0)")
    retrain.add_argument("--quick", action="store_true", help="small fleets and forests (seconds)")
    retrain.add_argument("--outcome-weight", type=float, default=None, help="weight of each outcome window")
    retrain.set_defaults(handler=run_model_retrain)


def _print(result: dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


def run_model_train(args: argparse.Namespace) -> int:
    """Train on the rows before --split-at, evaluate on the rows after, print the metrics."""
    from model_registry.training.errors import TrainingError
    from model_registry.training.historian import read_historian
    from model_registry.training.tabular import TabularConfig, train_and_evaluate

    if args.window < 2:
        print(f"maintainx model train: --window must be at least 2, got {args.window}", file=sys.stderr)
        return 2
    try:
        data = read_historian(args.telemetry, args.failures, args.time_col, args.machine_col)
        config = TabularConfig(horizon_s=args.horizon, window=args.window, seed=args.seed)
        result = train_and_evaluate(data, args.split_at.timestamp(), config)
    except TrainingError as exc:
        print(f"maintainx model train: {exc}", file=sys.stderr)
        return 2
    _print(result, args.json)
    return 0


def run_model_retrain(args: argparse.Namespace) -> int:
    """Retrain from simulator fleets plus resolved tickets' outcomes; print the new version as JSON."""
    from sqlalchemy.exc import SQLAlchemyError

    from cloud.config import load_settings
    from cloud.db import make_engine, session_factory
    from cloud.engine.retrain import retrain
    from model_registry.training.errors import TrainingError
    from model_registry.training.outcomes import DEFAULT_OUTCOME_WEIGHT

    overrides: dict[str, object] = {}
    if args.database_url:
        overrides["database_url"] = args.database_url
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    engine = make_engine(load_settings(**overrides).resolved_database_url())
    try:
        with session_factory(engine)() as session:
            folder = retrain(
                session,
                args.out,
                seed=args.seed,
                quick=args.quick,
                outcome_weight=args.outcome_weight or DEFAULT_OUTCOME_WEIGHT,
            )
    except (TrainingError, SQLAlchemyError, OSError) as exc:
        print(f"maintainx model retrain: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    manifest = read_manifest(folder)
    data = manifest.training_data if isinstance(manifest.training_data, dict) else {}
    print(
        json.dumps(
            {
                "version_dir": str(folder),
                "version": manifest.version,
                "outcome_labels": data["outcome_labels"],
                "outcome_label_counts": data["outcome_label_counts"],
                "failure": manifest.metrics["failure"],
            }
        )
    )
    return 0
