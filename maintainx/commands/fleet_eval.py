"""``maintainx eval fleet``: model + ticket policy on a fresh simulated fleet, as one JSON object."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def add_fleet_parser(eval_subparsers: argparse._SubParsersAction) -> None:
    """Add ``fleet`` to the ``maintainx eval`` subcommands."""
    from cloud.engine.fleet_eval import DEFAULT_MACHINES, EVALUATION_SEED

    fleet = eval_subparsers.add_parser("fleet", help="recall, lead time and false tickets on a new fleet")
    fleet.add_argument("--model", type=Path, help="a model version folder (default: train one now)")
    fleet.add_argument("--machines", type=int, default=DEFAULT_MACHINES, help=f"default {DEFAULT_MACHINES}")
    fleet.add_argument("--seed", type=int, default=EVALUATION_SEED, help="fleet seed (never a training one)")
    fleet.add_argument("--train-seed", type=int, default=0, help="seed of the model trained when no --model")
    fleet.add_argument("--quick", action="store_true", help="train the small model (tests)")
    fleet.add_argument("--json", action="store_true", help="print one JSON object")
    fleet.set_defaults(handler=run_fleet_eval)


def _model_dir(path: Path) -> Path:
    """A version folder, or the version a models folder's CURRENT file names."""
    current = path / "CURRENT"
    return path / current.read_text().strip() if current.is_file() else path


def run_fleet_eval(args: argparse.Namespace) -> int:
    """Score a fresh simulated fleet with the model and the engine's policy; print the results."""
    from cloud.engine.fleet_eval import evaluate_fleet
    from model_registry.evaluation.errors import EvaluationError
    from model_registry.training.errors import TrainingError
    from model_registry.training.train import train_default_model

    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="maintainx-fleet-") as tmp:
            if args.model is not None:
                version_dir = _model_dir(args.model)
            else:
                version_dir = train_default_model(Path(tmp), seed=args.train_seed, quick=args.quick)
            result = evaluate_fleet(version_dir, machines=args.machines, seed=args.seed)
    except (EvaluationError, TrainingError) as exc:
        print(f"maintainx eval fleet: {exc}", file=sys.stderr)
        return 2
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0
