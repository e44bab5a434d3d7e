"""The database side of the ingestion benchmark: a migrated bench database, raw COPY, the history query."""

from __future__ import annotations

import io
import statistics
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.host import cpu_seconds
from bench.ingest_load import (
    GATEWAYS,
    MACHINES_PER_GATEWAY,
    READINGS_PER_MESSAGE,
    gateway_id,
    machine_id,
    telemetry_payload,
)

RAW_ROWS = 200_000
RAW_ROWS_PER_TXN = 5_000
# Connections the benchmark itself opens are named, so the CPU accounting can leave them out.
PROBE_APP = "bench-probe"


class Database:
    """One benchmark database on the embedded server, migrated, with the fleet registered."""

    def __init__(self, admin_url: str, name: str) -> None:
        from cloud.db import upgrade_database

        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        upgrade_database(self.url)
        # Named, so that the CPU accounting can leave the benchmark's own probes out.
        self.engine = sa.create_engine(self.url, connect_args={"application_name": PROBE_APP})
        with self.engine.begin() as conn:
            for g in range(GATEWAYS):
                conn.execute(sa.text("INSERT INTO gateways (id) VALUES (:g)"), {"g": gateway_id(g)})
                conn.execute(
                    sa.text("INSERT INTO machines (id, name, type, gateway_id) VALUES (:m, :n, 'pump', :g)"),
                    [
                        {"m": machine_id(g, i), "n": f"m{g}-{i}", "g": gateway_id(g)}
                        for i in range(MACHINES_PER_GATEWAY)
                    ],
                )

    def committed(self) -> int:
        """Readings committed so far, counted cheaply on the 1-minute roll-up."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT coalesce(sum(n), 0) FROM sensor_rollup_1m")).scalar_one())

    def rows(self) -> int:
        """Readings in ``sensor_data`` (a full count)."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM sensor_data")).scalar_one())


def raw_copy(db: Database, *, rollups: bool, cpu_us: dict[bool, float]) -> float:
    """Rows/s of plain COPY of bench readings into ``sensor_data`` (text prepared before timing).

    Also records PostgreSQL's CPU microseconds per row in ``cpu_us[rollups]``.
    """
    from cloud.ingestion.messages import Inbound
    from cloud.ingestion.routing import route
    from cloud.ingestion.writer import reading_text
    from contract.topics import Kind, gateway_topic

    now = datetime.now(UTC)
    chunks = []
    per_chunk = RAW_ROWS_PER_TXN // READINGS_PER_MESSAGE
    for c in range(RAW_ROWS // RAW_ROWS_PER_TXN):
        items = [
            route(Inbound(gateway_topic(gateway_id(g), Kind.TELEMETRY), p, 0, 1, 0))
            for g, p in (
                (k % GATEWAYS, telemetry_payload(k % GATEWAYS, c * RAW_ROWS_PER_TXN + k * 100, now))
                for k in range(per_chunk)
            )
        ]
        chunks.append("".join(reading_text(i) for i in items))  # type: ignore[arg-type]
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if not rollups:
            cursor.execute("ALTER TABLE sensor_data DISABLE TRIGGER sensor_data_rollup")
            raw.commit()
        columns = 'id, machine_id, "timestamp", temperature, vibration, rpm, gateway_id, seq'
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone() or (0,)
        backend = [int(pid)]
        cpu0, started = cpu_seconds(backend), time.perf_counter()
        for text in chunks:
            cursor.copy_expert(f"COPY sensor_data ({columns}) FROM STDIN", io.StringIO(text))
            raw.commit()
        elapsed = time.perf_counter() - started
        cpu_us[rollups] = (cpu_seconds(backend) - cpu0) / RAW_ROWS * 1e6
        cursor.execute("TRUNCATE sensor_data, sensor_rollup_1m, sensor_rollup_1h")
        cursor.execute("ALTER TABLE sensor_data ENABLE TRIGGER sensor_data_rollup")
        raw.commit()
    finally:
        raw.close()
    return RAW_ROWS / elapsed


def history_query(db: Database) -> tuple[float, float, int]:
    """Median and first-call ms of the readings API over 30 days of 1 Hz history; and its point count."""
    from cloud.storage.partitions import ensure_partitions
    from cloud.telemetry import service
    from cloud.timerange import TimeRange

    end = datetime.now(UTC).replace(microsecond=0)
    start = end - timedelta(days=30)
    ensure_partitions(db.engine, start.date(), end.date())
    machine = machine_id(0, 0)
    day = start
    while day < end:
        upto = min(day + timedelta(days=1), end)
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    'INSERT INTO sensor_data (id, machine_id, "timestamp", temperature, vibration, rpm, '
                    "gateway_id, seq) SELECT gen_random_uuid(), :m, t, 60 + random() * 5, 2.5 + random(), "
                    "1480 + random() * 10, 'gw-00', extract(epoch FROM t)::bigint "
                    "FROM generate_series(:a, :b - interval '1 second', interval '1 second') AS t"
                ),
                {"m": machine, "a": day, "b": upto},
            )
        day = upto
    with db.engine.begin() as conn:
        conn.execute(sa.text("ANALYZE sensor_data, sensor_rollup_1m, sensor_rollup_1h"))
    sessions = sa.orm.sessionmaker(db.engine)
    window = TimeRange(start=start, end=end)
    timings = []
    points = 0
    for _ in range(6):
        with sessions() as session:
            t = time.perf_counter()
            series = service.readings(db_session=session, machine_id=machine, window=window)
            timings.append((time.perf_counter() - t) * 1000)
            points = len(series.points)
    return statistics.median(timings[1:]), timings[0], points


def backend_pids(db: Database) -> list[int]:
    """PostgreSQL backends serving this database, except the benchmark's own probes."""
    with db.engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend' AND application_name <> :probe"
                ),
                {"probe": PROBE_APP},
            ).scalars()
        )
