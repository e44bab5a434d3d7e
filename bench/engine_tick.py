"""The ticket engine's tick over a fleet: ``python -m bench.engine_tick`` (details first, one JSON line last).

On the embedded PostgreSQL, ``MACHINES`` machines with fresh risky predictions: the median time of a tick that
opens a ticket for every one of them (with its events and a technician's assignment), of one that escalates
every one, and of one that evaluates every one and changes nothing (the baseline: the same reads, no writes);
beside the wall time, which a shared machine makes noisy, the engine process's CPU time and the number of SQL
statements per tick, which are not.
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


class _Statements:
    """Counts the SQL statements the engine sends: round trips are what a tick pays on a loaded server."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1


def _timed(tick: Any, statements: _Statements) -> tuple[float, float, int, Any]:
    """Wall ms, this process's CPU ms, statements sent, and the tick's result."""
    started, cpu, sent = time.perf_counter(), time.process_time(), statements.count
    result = tick()
    wall, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    return wall, cpu, statements.count - sent, result


def main() -> None:
    """Run the rounds and print the medians, ratios and a JSON line."""
    from cloud.db import session_factory
    from cloud.embedded_postgres import embedded_postgres
    from cloud.engine.runner import TicketEngine

    folder = Path(tempfile.mkdtemp(prefix="maintainx-bench-engine-"))
    db = Database(embedded_postgres(folder / "pg", "postgres"), "bench_engine")
    with db.engine.begin() as conn:
        for k in range(5):
            conn.execute(
                sa.text("INSERT INTO users (id, email, full_name, role) VALUES (:id, :e, :n, 'technician')"),
                {"id": uuid.uuid4(), "e": f"tech{k}@bench.example", "n": f"Tech {k}"},
            )
    engine = TicketEngine(session_factory(db.engine))
    statements = _Statements(db.engine)
    times: dict[str, list[float]] = {"open": [], "escalate": [], "evaluate": []}
    cpu: dict[str, list[float]] = {k: [] for k in times}
    sent: dict[str, int] = {}
    for r in range(ROUNDS):
        machines = [machine_id(g, i) for g in (2 * r, 2 * r + 1) for i in range(MACHINES_PER_GATEWAY)]
        # Move the engine's watermark past the previous round, so its machines fall out of the look-back.
        time.sleep(OVERLAP_S)
        _predict(db.engine, [machine_id(9, 99)], 0.1, 1)
        engine.tick()
        _predict(db.engine, machines, 0.75, WINDOW)
        for phase, prob, count in (("open", 0.75, WINDOW), ("escalate", 0.95, WINDOW), ("evaluate", 0.95, 1)):
            _predict(db.engine, machines, prob, count)
            ms, cpu_ms, sent[phase], result = _timed(engine.tick, statements)
            done = {"open": result.opened, "escalate": result.escalated, "evaluate": MACHINES}[phase]
            # (+1: the machine that moved the watermark may still be in the look-back)
            assert result.evaluated in (MACHINES, MACHINES + 1) and done == MACHINES, (phase, result)
            times[phase].append(ms)
            cpu[phase].append(cpu_ms)
        print(f"round {r}: " + ", ".join(f"{k} {v[-1]:.1f} ms" for k, v in times.items()), flush=True)
    medians = {k: round(statistics.median(v), 1) for k, v in times.items()}
    figures = {
        "benchmark": "engine_tick",
        "machines": MACHINES,
        "rounds": ROUNDS,
        "tick_ms": medians,
        "client_cpu_ms": {k: round(statistics.median(v), 1) for k, v in cpu.items()},
        "statements": sent,
        "open_vs_evaluate": round(medians["open"] / medians["evaluate"], 2),
        "escalate_vs_evaluate": round(medians["escalate"] / medians["evaluate"], 2),
        "machine": machine_info(),
    }
    print(
        f"tick over {MACHINES} machines, median of {ROUNDS}: open {medians['open']} ms, escalate "
        f"{medians['escalate']} ms, evaluate only {medians['evaluate']} ms; ratios open/evaluate "
        f"{figures['open_vs_evaluate']}, escalate/evaluate {figures['escalate_vs_evaluate']}; engine CPU "
        f"{figures['client_cpu_ms']} ms, statements {sent}",
        flush=True,
    )
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
