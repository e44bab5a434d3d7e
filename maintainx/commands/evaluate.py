"""``maintainx eval nab`` and ``maintainx eval ai4i``: our numbers on public datasets, as JSON."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from maintainx.commands.datasets import datasets_dir
from model_registry.evaluation.errors import EvaluationError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``eval fleet``, ``eval nab`` and ``eval ai4i`` to the ``maintainx`` parser."""
    evaluate = subparsers.add_parser("eval", help="evaluate the models on public datasets")
    sub = evaluate.add_subparsers(dest="eval_command", required=True)
    from maintainx.commands.fleet_eval import add_fleet_parser

    add_fleet_parser(sub)
    nab = sub.add_parser("nab", help="NAB realKnownCause, standard profile, threshold 0.5")
    nab.add_argument("--data-dir", type=Path, help="the NAB folder (default: <datasets>/nab)")
    nab.add_argument("--json", action="store_true", help="print one JSON object")
    nab.set_defaults(handler=run_nab_eval)
    ai4i = sub.add_parser("ai4i", help="AI4I 2020 machine failure, repeated stratified CV")
    ai4i.add_argument("--data-dir", type=Path, help="the AI4I folder (default: <datasets>/ai4i2020)")
    ai4i.add_argument("--repeats", type=int, default=5, help="CV repeats (default 5)")
    ai4i.add_argument("--folds", type=int, default=5, help="folds per repeat (default 5)")
    ai4i.add_argument(
        "--round-delta-t",
        action="store_true",
        help="test the heat limit on process - air temperature rounded to the sensors' 0.1 K",
    )
    ai4i.add_argument("--json", action="store_true", help="print one JSON object")
    ai4i.set_defaults(handler=run_ai4i_eval)


def _print(result: dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


def run_nab_eval(args: argparse.Namespace) -> int:
    """Run the streaming detector over NAB realKnownCause and print the scores."""
    from model_registry.evaluation.nab import nab_summary, run_nab, streaming_detector

    started = time.perf_counter()
    try:
        data_dir = args.data_dir or datasets_dir() / "nab"
        result = nab_summary(run_nab(data_dir, streaming_detector, threshold=0.5))
    except EvaluationError as exc:
        print(f"maintainx eval nab: {exc}", file=sys.stderr)
        return 2
    result["seconds"] = round(time.perf_counter() - started, 1)
    _print(result, args.json)
    return 0


def run_ai4i_eval(args: argparse.Namespace) -> int:
    """Cross-validate the failure classifier on AI4I 2020 and print the scores."""
    from model_registry.evaluation.ai4i import Ai4iSettings, cross_validate

    try:
        data_dir = args.data_dir or datasets_dir() / "ai4i2020"
        decimals = 1 if args.round_delta_t else None
        settings = Ai4iSettings(repeats=args.repeats, folds=args.folds, delta_t_decimals=decimals)
        result = cross_validate(data_dir / "ai4i2020.csv", settings)
    except EvaluationError as exc:
        print(f"maintainx eval ai4i: {exc}", file=sys.stderr)
        return 2
    _print(result, args.json)
    return 0
