"""Cloud ingestion benchmark: ``python -m bench.ingest`` (details first, one JSON object on the last line).

Figures (issue 4 targets in brackets), all in one run on a private Mosquitto and embedded PostgreSQL:

- ``raw_copy_rows_per_s``: plain ``COPY`` of the same readings into the same schema (partitioned
  ``sensor_data`` with its indexes, foreign key and roll-up trigger), text built before timing, 5,000 rows
  per transaction, one connection, best of 3 rounds. ``raw_copy_no_rollup_rows_per_s``: the trigger off.
- ``readings_per_s``: sustained end to end over ``--seconds`` (>= 30): publisher processes (10 gateways x
  100 machines, 100 readings per QoS 1 message, encoded before timing as gateways do it on their own
  hardware) -> Mosquitto -> ``--workers`` separate ``python -m cloud ingest`` processes (shared
  subscription) -> committed, de-duplicated rows (counted on the roll-ups). Publishers stay at most
  ``BACKLOG_ROWS`` ahead of what is committed, so the workers never wait for work and the broker's queue
  stays bounded. ``ratio`` = readings_per_s / raw_copy_rows_per_s [>= 0.6].
- ``raw_copy_cpu_us_per_row`` and ``e2e_cpu_us_per_row`` (per process group): CPU time per reading, which
  unlike the rates does not depend on what else the machine is running.
- ``p99_latency_ms`` [< 1000]: publishers paced at half the sustained rate; per reading, publish time (its
  ``timestamp``) to the row being written (``ingested_at`` defaulting to ``clock_timestamp()`` in this
  benchmark's database); its transaction commits right after.
- ``query_ms_30d`` [< 150]: ``cloud.telemetry.service.readings`` for one machine over 30 days of 1 Hz
  history (2.59 M rows inserted through ``sensor_data``, so the trigger builds the roll-ups), median of 5.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
GATEWAYS = 10
MACHINES_PER_GATEWAY = 100
READINGS_PER_MESSAGE = 100
# Publishers pause when this many published readings are not committed yet (about 2 s of work).
BACKLOG_ROWS = 60_000
# Un-acknowledged QoS 1 publishes one publisher keeps in flight.
PUBLISH_WINDOW = 50
# Readings prepared per second of the flat-out phase (above what two cores can ingest).
POOL_ROWS_PER_S = 50_000
RAW_ROWS = 200_000
RAW_ROUNDS = 3
RAW_ROWS_PER_TXN = 5_000
LATENCY_S = 15
WARMUP_S = 5
PROBE_APP = "bench-probe"


def _machine_id(gateway: int, index: int) -> uuid.UUID:
    return uuid.UUID(int=(0x0195F0A1 << 96) + gateway * 1000 + index)


def _gateway_id(gateway: int) -> str:
    return f"gw-{gateway:02d}"


def machine_info() -> dict[str, Any]:
    """CPU model, cores, OS, Python and the servers' versions."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mosquitto = subprocess.run(["/usr/sbin/mosquitto", "-h"], capture_output=True, text=True).stdout
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "mosquitto": mosquitto.splitlines()[0] if mosquitto else None,
    }


def telemetry_payload(gateway: int, seq: int, ts: datetime) -> bytes:
    """One gateway's message: one reading of each of its machines (ids made here, as the edge does)."""
    from contract.codec import encode
    from contract.payloads import Reading, TelemetryBatch, new_id

    readings = [
        Reading(
            id=new_id(),
            seq=seq + i,
            machine_id=_machine_id(gateway, i % MACHINES_PER_GATEWAY),
            ts=ts,
            temperature=60.0 + (seq + i) % 17 * 0.25,
            vibration=2.5 + i % 5 * 0.1,
            rpm=1480.0 + i % 11,
        )
        for i in range(READINGS_PER_MESSAGE)
    ]
    return encode(TelemetryBatch(gateway_id=_gateway_id(gateway), sent_at=ts, readings=readings))


def publisher(index: int, gateways: list[int], port: int, shared: dict[str, Any]) -> None:
    """Publish telemetry of ``gateways`` at QoS 1 until stopped: as fast as the backlog allows, or paced."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from contract.topics import Kind, gateway_topic

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{index}")
    client.max_inflight_messages_set(PUBLISH_WINDOW)
    client.connect("127.0.0.1", port)
    client.loop_start()
    topics = {g: gateway_topic(_gateway_id(g), Kind.TELEMETRY) for g in gateways}
    seqs = dict.fromkeys(gateways, 0)
    # Gateways encode on their own hardware: the flat-out phase sends messages prepared before timing,
    # so this machine's two cores go to the broker, ingestion and PostgreSQL.
    pool: deque[tuple[int, bytes]] = deque()
    now = datetime.now(UTC)
    while len(pool) * READINGS_PER_MESSAGE < shared["pool_rows"]:
        for g in gateways:
            pool.append((g, telemetry_payload(g, seqs[g], now)))
            seqs[g] += READINGS_PER_MESSAGE
    with shared["ready"].get_lock():
        shared["ready"].value += 1
    shared["go"].wait()
    pending: deque[Any] = deque()
    sent = 0
    while not shared["stop"].is_set():
        rate = shared["rate"].value  # readings/s for all publishers together; 0 = as fast as allowed
        if rate == 0 and shared["published"].value - shared["committed"].value > BACKLOG_ROWS:
            time.sleep(0.005)
            continue
        started = time.monotonic()
        for g in gateways:
            if rate == 0 and pool:
                g, payload = pool.popleft()
            else:  # paced: made now, so a reading's timestamp is its publish time
                payload = telemetry_payload(g, seqs[g], datetime.now(UTC))
                seqs[g] += READINGS_PER_MESSAGE
            pending.append(client.publish(topics[g], payload, qos=1))
            while len(pending) > PUBLISH_WINDOW:
                pending.popleft().wait_for_publish(30)
            sent += READINGS_PER_MESSAGE
            with shared["published"].get_lock():
                shared["published"].value += READINGS_PER_MESSAGE
        if rate:
            share = rate / shared["publishers"]
            time.sleep(max(0.0, len(gateways) * READINGS_PER_MESSAGE / share - (time.monotonic() - started)))
    while pending:
        pending.popleft().wait_for_publish(30)
    client.disconnect()
    client.loop_stop()


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
                conn.execute(sa.text("INSERT INTO gateways (id) VALUES (:g)"), {"g": _gateway_id(g)})
                conn.execute(
                    sa.text("INSERT INTO machines (id, name, type, gateway_id) VALUES (:m, :n, 'pump', :g)"),
                    [
                        {"m": _machine_id(g, i), "n": f"m{g}-{i}", "g": _gateway_id(g)}
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
            route(Inbound(gateway_topic(_gateway_id(g), Kind.TELEMETRY), p, 0, 1, 0))
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


def start_workers(db: Database, broker_url: str, count: int, folder: Path) -> list[subprocess.Popen[bytes]]:
    """``count`` ingestion workers as separate processes; returns once all are subscribed."""
    procs = []
    for i in range(count):
        env = dict(
            os.environ,
            DATABASE_URL=db.url,
            MQTT_URL=broker_url,
            MAINTAINX_INGEST_WORKER_ID=f"bench-{i}",
            MAINTAINX_LOG_LEVEL="WARNING",
        )
        log = (folder / f"worker-{i}.log").open("wb")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "cloud", "ingest"], env=env, cwd=REPO, stderr=log, stdout=log
            )
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            up = conn.execute(
                sa.text("SELECT count(*) FROM ingestion_workers WHERE broker_connected")
            ).scalar()
        if up == count:
            time.sleep(1.0)  # the heartbeat can precede the SUBACK by a moment
            return procs
        time.sleep(0.2)
    raise RuntimeError(f"ingestion workers did not connect; see {folder}/worker-*.log")


def history_query(db: Database) -> tuple[float, float, int]:
    """Median and first-call ms of the readings API over 30 days of 1 Hz history; and its point count."""
    from cloud.api.timerange import TimeRange
    from cloud.storage.partitions import ensure_partitions
    from cloud.telemetry import service

    end = datetime.now(UTC).replace(microsecond=0)
    start = end - timedelta(days=30)
    ensure_partitions(db.engine, start.date(), end.date())
    machine = _machine_id(0, 0)
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


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by the processes ``pids`` (those still running)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


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


def sustained(
    db: Database,
    shared: dict[str, Any],
    seconds: float,
    groups: dict[str, list[int]],
    cpu_us: dict[str, float],
) -> float:
    """Committed readings/s over ``seconds`` after a warm-up, publishers running flat out.

    Also records each process group's CPU microseconds per committed reading in ``cpu_us``.
    """
    shared["rate"].value = 0

    def poll() -> int:
        count = db.committed()
        shared["committed"].value = count
        return count

    deadline = time.monotonic() + WARMUP_S
    while time.monotonic() < deadline:
        poll()
        time.sleep(0.25)
    groups["postgres"] = backend_pids(db)
    cpu0 = {name: cpu_seconds(pids) for name, pids in groups.items()}
    first, t0 = poll(), time.monotonic()
    while time.monotonic() - t0 < seconds:
        poll()
        time.sleep(0.25)
    last, t1 = poll(), time.monotonic()
    for name, pids in groups.items():
        cpu_us[name] = round((cpu_seconds(pids) - cpu0[name]) / max(1, last - first) * 1e6, 2)
    return (last - first) / (t1 - t0)


def paced_latency(db: Database, shared: dict[str, Any], rate: float) -> tuple[float, float, int]:
    """p50 and p99 ms from publish to row written, publishers paced at ``rate`` readings/s; rows measured."""
    with db.engine.begin() as conn:
        # Instrumentation: the row's write time, not its transaction's start (now()).
        conn.execute(
            sa.text("ALTER TABLE sensor_data ALTER COLUMN ingested_at SET DEFAULT clock_timestamp()")
        )
    shared["rate"].value = rate
    time.sleep(5.0)  # let the flat-out backlog drain before measuring
    since = datetime.now(UTC)
    time.sleep(LATENCY_S)
    until = datetime.now(UTC)
    time.sleep(3.0)  # everything published before ``until`` has committed by now
    with db.engine.connect() as conn:
        p50, p99, n = conn.execute(
            sa.text(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), "
                "percentile_cont(0.99) WITHIN GROUP (ORDER BY d), count(*) FROM ("
                'SELECT extract(epoch FROM ingested_at - "timestamp") * 1000 AS d FROM sensor_data '
                'WHERE "timestamp" >= :since AND "timestamp" < :until) AS lat'
            ),
            {"since": since, "until": until},
        ).one()
    return float(p50), float(p99), int(n)


def main(argv: list[str] | None = None) -> None:
    """Run every phase and print the figures, the JSON line last."""
    from maintainx.services import Broker, embedded_postgres

    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="sustained measurement (>= 30 for the figure)"
    )
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="maintainx-bench-ingest-"))
    folder.chmod(0o755)  # pgserver runs PostgreSQL as its own user when we are root
    admin_url = embedded_postgres(folder / "pg", "postgres")
    print(f"data in {folder}", flush=True)

    broker = Broker(folder / "broker").start()
    context = mp.get_context("spawn")
    shared = {
        "stop": context.Event(),
        "go": context.Event(),
        "ready": context.Value("i", 0),
        "pool_rows": int(POOL_ROWS_PER_S * (args.seconds + WARMUP_S) / args.publishers),
        "rate": context.Value("d", 0.0),
        "published": context.Value("q", 0),
        "committed": context.Value("q", 0),
        "publishers": args.publishers,
    }
    gateways = [list(range(GATEWAYS))[i :: args.publishers] for i in range(args.publishers)]
    pubs = [
        context.Process(target=publisher, args=(i, gateways[i], broker.port, shared), daemon=True)
        for i in range(args.publishers)
    ]
    workers: list[subprocess.Popen[bytes]] = []
    try:
        for p in pubs:
            p.start()
        while shared["ready"].value < args.publishers:
            time.sleep(0.2)

        raw_db = Database(admin_url, "bench_raw")
        raw_cpu: dict[bool, float] = {}
        # Best of a few rounds: the database's limit, as little disturbed by other work as can be.
        rounds = [
            (raw_copy(raw_db, rollups=False, cpu_us=raw_cpu), raw_copy(raw_db, rollups=True, cpu_us=raw_cpu))
            for _ in range(RAW_ROUNDS)
        ]
        raw_rate_plain = max(plain for plain, _ in rounds)
        raw_rate = max(rolled for _, rolled in rounds)
        raw_db.engine.dispose()
        print(f"raw COPY: {raw_rate:,.0f} rows/s (no roll-up trigger: {raw_rate_plain:,.0f})", flush=True)

        db = Database(admin_url, "bench_e2e")
        workers = start_workers(db, broker.url, args.workers, folder)
        shared["go"].set()
        groups = {
            "workers": [w.pid for w in workers],
            "publishers": [p.pid for p in pubs if p.pid is not None],
            "mosquitto": [broker.proc.pid] if broker.proc else [],
        }
        e2e_cpu: dict[str, float] = {}
        rate = sustained(db, shared, args.seconds, groups, e2e_cpu)
        print(f"CPU per committed reading (us): {e2e_cpu}; raw COPY: {raw_cpu[True]:.2f}", flush=True)
        print(f"sustained: {rate:,.0f} readings/s with {args.workers} workers", flush=True)
        p50, p99, measured = paced_latency(db, shared, rate / 2)
        print(f"latency at {rate / 2:,.0f}/s: p50 {p50:.0f} ms, p99 {p99:.0f} ms over {measured:,} readings")
        shared["stop"].set()
        for p in pubs:
            p.join(60)
        published = shared["published"].value
        deadline = time.monotonic() + 120
        while db.committed() < published and time.monotonic() < deadline:
            time.sleep(0.5)
        stored, rolled = db.rows(), db.committed()
        print(f"published {published:,} readings; stored {stored:,}; rolled up {rolled:,}", flush=True)
    finally:
        shared["stop"].set()
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(30)
        broker.stop()
    db.engine.dispose()

    query_db = Database(admin_url, "bench_query")
    query_ms, query_cold_ms, points = history_query(query_db)
    query_db.engine.dispose()
    print(
        f"readings API over 30 days at 1 Hz: {query_ms:.1f} ms median "
        f"({query_cold_ms:.1f} ms first call), {points} points"
    )

    figures = {
        "raw_copy_rows_per_s": round(raw_rate),
        "raw_copy_no_rollup_rows_per_s": round(raw_rate_plain),
        "readings_per_s": round(rate),
        "ratio": round(rate / raw_rate, 3),
        "p99_latency_ms": round(p99, 1),
        "p50_latency_ms": round(p50, 1),
        "workers": args.workers,
        "publishers": args.publishers,
        # Load-independent view (the machine may be shared): CPU microseconds per reading.
        "raw_copy_cpu_us_per_row": round(raw_cpu[True], 2),
        "e2e_cpu_us_per_row": e2e_cpu,
        "load_average": os.getloadavg()[0],
        "sustained_s": args.seconds,
        "published": published,
        "stored": stored,
        "lost": published - stored,
        "query_ms_30d": round(query_ms, 1),
        "query_points_30d": points,
        "machine": machine_info(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
