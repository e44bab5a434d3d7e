"""Chaos, the long form: ``python -m bench.chaos --seconds 300 --seeds 5`` prints one JSON line of counts.

Each seed is one run of ``tests/reliability/chaos/harness.py`` (3 agents, 2 ingestion workers, Mosquitto
and an embedded PostgreSQL; the broker killed with and without its persistence file, a worker, PostgreSQL
and an agent killed at seeded moments). ``--confirm-by puback`` runs the agents as before commit
acknowledgements, as the baseline: what a broker that forgets costs without them.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench.host import machine_info
from cloud.db import upgrade_database
from cloud.embedded_postgres import embedded_postgres
from tests.conftest import reachable_tmpdir
from tests.reliability.chaos.harness import PostgresControl, run_chaos

COUNTERS = ("made", "stored", "duplicated", "in_outbox", "dropped", "lost")


def main() -> None:
    """Run the seeds one after another and print the totals and each run's events as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="load per seed (default 60)")
    parser.add_argument("--seeds", type=int, default=3, help="how many seeded runs (default 3)")
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--confirm-by", choices=("commit", "puback"), default="commit")
    parser.add_argument("--catch-up-timeout", type=float, default=180.0, help="seconds (default 180)")
    args = parser.parse_args()
    folder = reachable_tmpdir("maintainx-chaos-pg-")
    url = embedded_postgres(folder, "chaos")
    upgrade_database(url)
    postgres = PostgresControl(folder)
    runs: list[dict[str, object]] = []
    totals = dict.fromkeys(COUNTERS, 0)
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        with tempfile.TemporaryDirectory(prefix=f"maintainx-chaos-{seed}-") as tmp:
            result = run_chaos(
                seed,
                args.seconds,
                Path(tmp),
                url,
                postgres,
                catch_up_timeout_s=args.catch_up_timeout,
                confirm_by=args.confirm_by,
            )
        for name in COUNTERS:
            totals[name] += result.total(name)
        runs.append(
            {
                "seed": seed,
                "events": result.events,
                "caught_up": result.caught_up,
                "catch_up_s": result.catch_up_s,
                **{name: result.total(name) for name in COUNTERS},
            }
        )
    print(
        json.dumps(
            {
                "bench": "chaos",
                "confirm_by": args.confirm_by,
                "seconds_per_seed": args.seconds,
                "seeds": args.seeds,
                **totals,
                "runs": runs,
                "machine": machine_info(mosquitto=True),
            }
        )
    )


if __name__ == "__main__":
    main()
