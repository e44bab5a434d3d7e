"""Backups: ``python -m cloud backup create``, a destroyed database, then ``restore``; real PostgreSQL."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from cloud.registry.models import ModelVersion
from tests.integration.cloud.conftest import Seeder

pytestmark = pytest.mark.integration

# What an operator must get back: people's work, the fleet, the registry and the recent readings.
TABLES = ("machines", "maintenance_tickets", "ticket_events", "model_versions", "users", "sensor_data")


def _backup(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "cloud", "backup", *args], env=env, capture_output=True, text=True, timeout=120
    )


def _snapshot(database_url: str) -> dict[str, list[str]]:
    """Every row of the tables that matter, as text, in a stable order."""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = {
            table: sorted(conn.execute(sa.text(f"SELECT t::text FROM {table} t")).scalars())
            for table in TABLES
        }
    engine.dispose()
    return rows


def _recreate_empty(database_url: str, pg_admin_url: str) -> None:
    """Destroy the database: drop it and create an empty one of the same name."""
    name = make_url(database_url).database
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def test_backup_destroy_restore_brings_everything_back(
    database_url: str,
    pg_admin_url: str,
    seed: Seeder,
    sessions: sa.orm.sessionmaker[sa.orm.Session],
    tmp_path: Path,
) -> None:
    gateway = seed.gateway("gw-backup")
    machines = [seed.machine(f"Pump {n}", gateway_id=gateway) for n in range(3)]
    now = datetime.now(UTC)
    for machine in machines:
        seed.readings(machine, [now - timedelta(minutes=m) for m in range(0, 60, 2)])
        seed.ticket(machine)
    with sessions.begin() as s:
        s.add(ModelVersion(version="v-backup-1", name="m", sha256="0" * 64, size=1, manifest={"a": 1}))
    before = _snapshot(database_url)
    assert len(before["sensor_data"]) == 90 and len(before["maintenance_tickets"]) == 3

    created = _backup(database_url, "create", "--dir", str(tmp_path / "backups"))
    assert created.returncode == 0, created.stderr
    archive = Path(created.stdout.strip())
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    _recreate_empty(database_url, pg_admin_url)
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT to_regclass('machines')")).scalar_one() is None
    engine.dispose()

    restored = _backup(database_url, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert _snapshot(database_url) == before
    # The restored database keeps working: the roll-up trigger fires on a new reading.
    seed.readings(machines[0], [now + timedelta(seconds=1)])
    assert len(_snapshot(database_url)["sensor_data"]) == 91


def test_create_keeps_only_the_newest_archives(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    made = []
    for _ in range(3):
        result = _backup(database_url, "create", "--dir", str(folder), "--keep", "2")
        assert result.returncode == 0, result.stderr
        made.append(Path(result.stdout.strip()))
    assert sorted(folder.iterdir()) == made[1:]
    listed = _backup(database_url, "list", "--dir", str(folder))
    assert listed.stdout.split() == [str(p) for p in made[1:]]


def test_restore_of_a_missing_archive_fails_and_says_so(database_url: str, tmp_path: Path) -> None:
    result = _backup(database_url, "restore", str(tmp_path / "nope.dump"))
    assert result.returncode == 1
    assert "no such backup" in result.stderr
