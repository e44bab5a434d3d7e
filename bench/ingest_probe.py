"""The seq probe's cost: ``python -m bench.ingest_probe`` (details first, one JSON object on the last line).

Issue 13's conflict check asks, before each batch's COPY, whether a stored row holds one of the batch's
gateways and seqs (``cloud.ingestion.conflicts.seqs_stored``). This measures that query on the embedded
PostgreSQL against the COPY it guards, with the bench fleet (10 gateways) and ``DAYS`` daily partitions,
each holding ``ROWS_PER_DAY`` readings: median ms per 5,000-reading batch of 50 messages, for the probe
bounded to the batch's time span +- the conflict window (as shipped), the same probe without a time bound
(every partition's index), and the COPY of the batch. Every probe misses, as for a new batch.
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.ingest_db import Database
from bench.ingest_load import GATEWAYS, MACHINES_PER_GATEWAY, READINGS_PER_MESSAGE, gateway_id, machine_id

DAYS = 40  # more than 30 partitions: retention keeps data forever by default, maintenance makes days ahead
ROWS_PER_DAY = 20_000
MESSAGES = 50  # 5,000 readings, the raw COPY benchmark's transaction
ROUNDS = 60


def _fill(db: Database, today: datetime) -> int:
    from cloud.storage.partitions import ensure_partitions

    first = (today - timedelta(days=DAYS - 3)).date()
    ensure_partitions(db.engine, first, (today + timedelta(days=2)).date())
    with db.engine.begin() as conn:
        for day in range(DAYS - 3):
            start = today - timedelta(days=DAYS - 3 - day)
            conn.execute(
                sa.text(
                    'INSERT INTO sensor_data (id, machine_id, "timestamp", temperature, vibration, rpm, '
                    "gateway_id, seq) SELECT gen_random_uuid(), :m, :t + n * interval '1 second', 60, 2.5, "
                    "1480, 'gw-' || lpad((n % :g)::text, 2, '0'), :s + n FROM generate_series(0, :k - 1) n"
                ),
                {
                    "m": machine_id(0, 0),
                    "t": start,
                    "g": GATEWAYS,
                    "s": day * ROWS_PER_DAY,
                    "k": ROWS_PER_DAY,
                },
            )
        conn.execute(sa.text("ANALYZE sensor_data"))
    return DAYS * ROWS_PER_DAY


def _batch(now: datetime, seq0: int) -> tuple[list[tuple[str, list[Any]]], str]:
    from contract.payloads import Reading, new_id

    messages, lines = [], []
    for k in range(MESSAGES):
        g = k % GATEWAYS
        seq = seq0 + (k // GATEWAYS) * READINGS_PER_MESSAGE
        rows = [
            Reading(
                id=new_id(),
                seq=seq + i,
                machine_id=machine_id(g, i % MACHINES_PER_GATEWAY),
                ts=now,
                temperature=60.0,
                vibration=2.5,
                rpm=1480.0,
            )
            for i in range(READINGS_PER_MESSAGE)
        ]
        messages.append((gateway_id(g), rows))
        lines += [
            f"{r.id.hex}\t{r.machine_id.hex}\t{now.isoformat()}\t60.0\t2.5\t1480.0\t{gateway_id(g)}\t{r.seq}\n"
            for r in rows
        ]
    return messages, "".join(lines)


def _median_ms(run: Any) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def main() -> None:
    """Fill a bench database, time the probes and the COPY, print the figures."""
    from cloud.embedded_postgres import embedded_postgres
    from cloud.ingestion import conflicts

    folder = Path(tempfile.mkdtemp(prefix="maintainx-bench-probe-"))
    db = Database(embedded_postgres(folder / "pg", "postgres"), "bench_probe")
    now = datetime.now(UTC)
    stored = _fill(db, now)
    messages, text = _batch(now, seq0=10**9)
    where = conflicts.span(messages)
    raw = db.engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = 'sensor_data'::regclass")
    partitions = int(cursor.fetchone()[0])
    unbounded = replace_window(where, timedelta(days=10 * DAYS))

    def copy() -> None:
        cursor.copy_expert(
            'COPY sensor_data (id, machine_id, "timestamp", temperature, vibration, rpm, '
            "gateway_id, seq) FROM STDIN",
            io.StringIO(text),
        )
        raw.rollback()

    assert not conflicts.seqs_stored(cursor, table="sensor_data", where=where)
    figures = {
        "partitions": partitions,
        "stored_rows": stored,
        "seq_ranges": len(where.gateways),
        "probe_bounded_ms": _median_ms(
            lambda: conflicts.seqs_stored(cursor, table="sensor_data", where=where)
        ),
        "probe_unbounded_ms": _median_ms(
            lambda: conflicts.seqs_stored(cursor, table="sensor_data", where=unbounded)
        ),
        "copy_5000_ms": _median_ms(copy),
        "span_ms": _median_ms(lambda: conflicts.span(messages)),
    }
    raw.close()
    db.engine.dispose()
    print(json.dumps(figures), flush=True)


def replace_window(where: Any, widen: timedelta) -> Any:
    """``where`` with its time span widened by ``widen`` each way: a probe that prunes no partition."""
    from dataclasses import replace

    return replace(where, start=where.start - widen, end=where.end + widen)


if __name__ == "__main__":
    sys.exit(main())
