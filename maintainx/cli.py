"""The ``maintainx`` command: one entry point for operators and engineers."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    """An argparse type that parses with ``kind`` and refuses zero or negative values."""

    def parse(text: str) -> float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every ``maintainx`` subcommand."""
    parser = argparse.ArgumentParser(
        prog="maintainx", description="MaintainX: predictive maintenance from the edge to the ticket board."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the whole system on embedded defaults")
    # The README's configuration table: the same variables as the services read, as the defaults here.
    demo.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("MAINTAINX_DATA_DIR") or ".maintainx"),
        help="where data persists (default $MAINTAINX_DATA_DIR, else .maintainx)",
    )
    demo.add_argument(
        "--port",
        type=_positive(int),
        default=os.environ.get("MAINTAINX_API_PORT") or 8000,
        help="API and dashboard port (default $MAINTAINX_API_PORT, else 8000)",
    )
    demo.add_argument("--gateways", type=_positive(int), default=3)
    demo.add_argument("--machines-per-gateway", type=_positive(int), default=4)
    demo.add_argument(
        "--sample-hz", type=_positive(float), default=1.0, help="samples per second per machine"
    )
    demo.add_argument("--seed", type=int, default=7, help="simulated fleet seed")
    demo.add_argument(
        "--rollout-after",
        type=float,
        default=None,
        help="seconds before the second model version rolls out, canary first (default 60)",
    )
    demo.add_argument("--no-rollout", action="store_true", help="skip the demo's model rollout")

    from maintainx.commands import anomaly, evaluate, model

    anomaly.register(sub)
    evaluate.register(sub)
    model.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``maintainx`` command line."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "demo":
        from maintainx.demo import run_demo

        return run_demo(
            data_dir=args.data_dir,
            api_port=args.port,
            gateways=args.gateways,
            machines_per_gateway=args.machines_per_gateway,
            sample_hz=args.sample_hz,
            seed=args.seed,
            rollout_after=args.rollout_after,
            rollout=not args.no_rollout,
        )
    handler = getattr(args, "handler", None)
    if handler is None:
        return 2
    from cloud.config import ConfigError

    try:
        return int(handler(args))
    except ConfigError as exc:  # a cloud setting from the environment or a flag
        print(f"maintainx {args.command}: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
