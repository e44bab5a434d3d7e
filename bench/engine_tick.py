"""The ticket engine's tick over a fleet: ``python -m bench.engine_tick`` (details first, one JSON line last).

On the embedded PostgreSQL, ``MACHINES`` machines with fresh risky predictions: the median time of a tick that
opens a ticket for every one of them (with its events and a technician's assignment), of one that escalates
every one, and of one that evaluates every one and changes nothing (the baseline: the same reads, no writes).
The ratios say what writing tickets costs a tick beside reading its predictions; run it before and after a
change to the ticket writer (``cloud.tickets.service``) to see that the tick did not grow.
"""

from __future__ import annotations

import itertools
import json
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.host import machine_info
from bench.ingest_db import Database
from bench.ingest_load import MACHINES_PER_GATEWAY, machine_id

MACHINES = 200
ROUNDS = 5
WINDOW = 5
# The engine looks this far behind its watermark again; rounds are spaced beyond it so they stay apart.
OVERLAP_S = 5.5


_seq = itertools.count()


def _predict(engine: sa.Engine, machines: list[uuid.UUID], prob: float, count: int) -> None:
    from contract.payloads import new_id

    now = datetime.now(UTC)
    rows = [
        {
            "id": new_id(),
            "m": m,
            "seq": next(_seq),
            "ts": now - timedelta(seconds=count - k),
            "p": prob,
            "f": json.dumps({"vibration_rms": 3.5, "temperature_slope": 0.2}),
        }
        for m in machines
        for k in range(count)
    ]
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO predictions (id, machine_id, timestamp, failure_prob, is_anomaly, "
                "anomaly_score, model_version, features, gateway_id, seq) "
                "VALUES (:id, :m, :ts, :p, true, :p, 'bench-1', CAST(:f AS jsonb), 'gw-bench', :seq)"
            ),
            rows,
        )


def _timed(tick: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = tick()
    return (time.perf_counter() - started) * 1000, result


def main() -> None:
    """Run the rounds and print the medians, ratios and a JSON line."""
    from cloud.db import session_factory
    from cloud.engine.runner import TicketEngine
    from maintainx.services import embedded_postgres

    folder = Path(tempfile.mkdtemp(prefix="maintainx-bench-engine-"))
    db = Database(embedded_postgres(folder / "pg", "postgres"), "bench_engine")
    with db.engine.begin() as conn:
        for k in range(5):
            conn.execute(
                sa.text("INSERT INTO users (id, email, full_name, role) VALUES (:id, :e, :n, 'technician')"),
                {"id": uuid.uuid4(), "e": f"tech{k}@bench.example", "n": f"Tech {k}"},
            )
    engine = TicketEngine(session_factory(db.engine))
    times: dict[str, list[float]] = {"open": [], "escalate": [], "evaluate": []}
    for r in range(ROUNDS):
        machines = [machine_id(g, i) for g in (2 * r, 2 * r + 1) for i in range(MACHINES_PER_GATEWAY)]
        time.sleep(OVERLAP_S)  # the previous round's machines fall out of the engine's look-back
        _predict(db.engine, machines, 0.75, WINDOW)
        ms, result = _timed(engine.tick)
        assert result.opened == MACHINES, result
        times["open"].append(ms)
        _predict(db.engine, machines, 0.95, WINDOW)
        ms, result = _timed(engine.tick)
        assert result.escalated == MACHINES, result
        times["escalate"].append(ms)
        _predict(db.engine, machines, 0.95, 1)
        ms, result = _timed(engine.tick)
        assert result.evaluated == MACHINES and not result.opened and not result.escalated, result
        times["evaluate"].append(ms)
        print(f"round {r}: " + ", ".join(f"{k} {v[-1]:.1f} ms" for k, v in times.items()), flush=True)
    medians = {k: round(statistics.median(v), 1) for k, v in times.items()}
    figures = {
        "benchmark": "engine_tick",
        "machines": MACHINES,
        "rounds": ROUNDS,
        "tick_ms": medians,
        "open_vs_evaluate": round(medians["open"] / medians["evaluate"], 2),
        "escalate_vs_evaluate": round(medians["escalate"] / medians["evaluate"], 2),
        "machine": machine_info(),
    }
    print(
        f"tick over {MACHINES} machines, median of {ROUNDS}: open {medians['open']} ms, escalate "
        f"{medians['escalate']} ms, evaluate only {medians['evaluate']} ms; ratios open/evaluate "
        f"{figures['open_vs_evaluate']}, escalate/evaluate {figures['escalate_vs_evaluate']}",
        flush=True,
    )
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
