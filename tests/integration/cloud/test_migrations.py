"""The hand-written Alembic migrations produce exactly the schema the ORM models describe, and revert."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url

from cloud.db import downgrade_database, load_models, upgrade_database

pytestmark = pytest.mark.integration


@pytest.fixture
def empty_database_url(pg_admin_url: str) -> Iterator[str]:
    """A brand-new database with no migrations applied."""
    name = f"m_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _schema_diff(url: str) -> list[object]:
    from alembic.autogenerate import compare_metadata

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, load_models()))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_head_on_empty_database_matches_the_models(empty_database_url: str) -> None:
    upgrade_database(empty_database_url)
    assert _schema_diff(empty_database_url) == []


def test_the_diff_check_notices_a_schema_that_differs_from_the_models(empty_database_url: str) -> None:
    upgrade_database(empty_database_url)
    engine = sa.create_engine(empty_database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_sensor_data_gateway_id_seq"))
    engine.dispose()
    assert _schema_diff(empty_database_url) != []


def test_downgrade_to_base_removes_every_table_and_enum_and_upgrade_works_again(
    empty_database_url: str,
) -> None:
    upgrade_database(empty_database_url)
    assert _tables(empty_database_url) == set(load_models().tables)

    downgrade_database(empty_database_url)
    assert _tables(empty_database_url) == set()
    engine = sa.create_engine(empty_database_url)
    with engine.connect() as conn:
        enums = conn.execute(sa.text("SELECT typname FROM pg_type WHERE typtype = 'e'")).scalars().all()
    engine.dispose()
    assert enums == []

    upgrade_database(empty_database_url)
    assert _schema_diff(empty_database_url) == []


def test_schema_enforces_one_unresolved_ticket_per_machine_and_probability_range(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    machine = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO machines (id, name, type) VALUES (:id, 'm', 'pump')"), {"id": machine}
        )
        insert_ticket = sa.text(
            "INSERT INTO maintenance_tickets (id, machine_id, title, priority, reason, status) "
            "VALUES (gen_random_uuid(), :m, 't', 'HIGH', '{}', :status)"
        )
        conn.execute(insert_ticket, {"m": machine, "status": "RESOLVED"})
        conn.execute(insert_ticket, {"m": machine, "status": "OPEN"})
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(insert_ticket, {"m": machine, "status": "IN_PROGRESS"})
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO predictions (id, machine_id, timestamp, failure_prob, is_anomaly, anomaly_score,"
                " model_version, gateway_id, seq) VALUES (gen_random_uuid(), :m, now(), 1.5, false, 0, 'v1',"
                " 'gw', 1)"
            ),
            {"m": machine},
        )
    engine.dispose()
