"""What the reliability figures cost on 100,000 tickets: ``GET /api/kpis``'s queries for a year, per
grouping, against one plain aggregate scan of the same tickets (the baseline, in the same run); and the
tickets CSV export's rate and Python memory peak for the whole year against a tenth of it.

Seeded in SQL: 5 sites, 50 lines, 1,000 machines, 100,000 tickets over 2026 (kinds and outcomes mixed,
four model versions), a 'created' event for each and an IN_PROGRESS event for half of them.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bench.host import machine_info
from cloud.kpis import service
from cloud.kpis.export import Dataset, stream_csv
from cloud.kpis.queries import Scope
from cloud.kpis.schemas import KpiGrouping
from cloud.timerange import TimeRange

TICKETS = 100_000
MACHINES = 1_000
ROUNDS = 5
YEAR = TimeRange(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
MONTHISH = TimeRange(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 6, 12, tzinfo=UTC))  # ~1/10 year

SEED = f"""
INSERT INTO sites (id, name) SELECT gen_random_uuid(), 'site-' || s FROM generate_series(1, 5) s;
INSERT INTO lines (id, site_id, name)
    SELECT gen_random_uuid(), s.id, 'line-' || l FROM sites s, generate_series(1, 10) l;
INSERT INTO machines (id, name, type, line_id, created_at)
    SELECT gen_random_uuid(), 'machine-' || i, 'pump',
           (SELECT id FROM lines ORDER BY id OFFSET (i % 50) LIMIT 1), '2025-01-01T00:00:00Z'
    FROM generate_series(1, {MACHINES}) i;
CREATE TEMP TABLE bench_machines AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM machines;
INSERT INTO maintenance_tickets
    (id, machine_id, title, status, priority, kind, created_at, updated_at, resolved_at, reason, fault,
     outcome)
SELECT gen_random_uuid(), m.id, 'bench ticket ' || i,
       CASE WHEN i % 10 = 0 THEN 'OPEN' ELSE 'RESOLVED' END::ticket_status, 'HIGH', k.kind::ticket_kind,
       c.at, c.at, CASE WHEN i % 10 = 0 THEN NULL ELSE c.at + (i % 97) * interval '1 hour' END,
       jsonb_build_object('model_version', 'v' || (i % 4), 'failure_prob', 0.9),
       'f-' || i,
       CASE WHEN i % 10 = 0 THEN NULL
            WHEN k.kind = 'PREDICTIVE'
                THEN (CASE WHEN i % 3 = 0 THEN 'FALSE_ALARM' ELSE 'CONFIRMED_FAULT' END)
            WHEN k.kind = 'CORRECTIVE' THEN 'MISSED' END::ticket_outcome
FROM generate_series(1, {TICKETS}) i
JOIN bench_machines m ON m.n = i % {MACHINES}
CROSS JOIN LATERAL (SELECT CASE WHEN i % 7 < 4 THEN 'PREDICTIVE' WHEN i % 7 < 5 THEN 'PREVENTIVE'
                                WHEN i % 7 < 6 THEN 'CORRECTIVE' ELSE 'SENSOR' END AS kind) k
CROSS JOIN LATERAL (SELECT timestamptz '2026-01-01T00:00:00Z' + (i * 315.36) * interval '1 second' AS at) c;
INSERT INTO ticket_events (ticket_id, at, kind, data)
    SELECT id, created_at, 'created', '{{}}'::jsonb FROM maintenance_tickets;
INSERT INTO ticket_events (ticket_id, at, kind, data)
    SELECT id, created_at + interval '30 minutes', 'status', '{{"from": "OPEN", "to": "IN_PROGRESS"}}'::jsonb
    FROM maintenance_tickets WHERE resolved_at IS NOT NULL AND hashtext(id::text) % 2 = 0;
ANALYZE;
"""

BASELINE = """
SELECT count(*), avg(extract(epoch FROM resolved_at - created_at))
FROM maintenance_tickets WHERE created_at >= :start AND created_at < :end
"""


def _best(run: Callable[[], object]) -> float:
    """The best of ``ROUNDS`` wall-clock runs, in milliseconds (the least disturbed by other load)."""
    times = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return min(times)


def _export(sessions: sessionmaker[Session], period: TimeRange) -> tuple[int, float, int]:
    """(bytes, seconds, Python allocation peak in bytes) of streaming the tickets CSV of ``period``."""
    scope = Scope(period=period, grouping=KpiGrouping.MACHINE)
    tracemalloc.start()
    began = time.perf_counter()
    size = sum(len(chunk) for chunk in stream_csv(sessions=sessions, dataset=Dataset.TICKETS, scope=scope))
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return size, seconds, peak


def main(argv: list[str] | None = None) -> None:
    """Seed, measure, print the table and a final JSON line."""
    from cloud.db import make_engine, session_factory, upgrade_database
    from maintainx.services import embedded_postgres

    parser = argparse.ArgumentParser(prog="python -m bench.kpis", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="maintainx-bench-kpis-"))
    folder.chmod(0o755)  # pgserver runs PostgreSQL as its own user when started as root
    url = embedded_postgres(folder / "pg", "bench_kpis")
    upgrade_database(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    began = time.perf_counter()
    raw = engine.raw_connection()
    with raw.cursor() as cursor:  # no parameters: psycopg2 leaves the SQL's '%' alone
        cursor.execute(SEED)
    raw.commit()
    raw.close()
    print(
        f"seeded {TICKETS} tickets on {MACHINES} machines in {time.perf_counter() - began:.1f} s", flush=True
    )

    with sessions() as db:
        baseline_ms = _best(
            lambda: db.execute(sa.text(BASELINE), {"start": YEAR.start, "end": YEAR.end}).all()
        )
        figures = {"baseline_scan_ms": round(baseline_ms, 1)}
        for grouping in KpiGrouping:
            scope = Scope(period=YEAR, grouping=grouping)
            ms = _best(lambda scope=scope: service.report(db_session=db, scope=scope).model_dump_json())
            figures[f"kpis_{grouping.value}_ms"] = round(ms, 1)
            figures[f"kpis_{grouping.value}_ratio"] = round(ms / baseline_ms, 2)
    size, seconds, peak = _export(sessions, YEAR)
    _, _, small_peak = _export(sessions, MONTHISH)
    figures |= {
        "export_tickets_rows_per_s": round(TICKETS / seconds),
        "export_tickets_mib": round(size / 2**20, 1),
        "export_peak_python_kib_year": round(peak / 1024),
        "export_peak_python_kib_tenth": round(small_peak / 1024),
        "export_peak_ratio_year_to_tenth": round(peak / small_peak, 2),
    }
    engine.dispose()
    for name, value in figures.items():
        print(f"{name:36} {value}")
    print(json.dumps({"bench": "kpis", "tickets": TICKETS, "machine": machine_info(), **figures}))


if __name__ == "__main__":
    main()
