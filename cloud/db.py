"""Database plumbing: engine, sessions, the declarative base with the schema's types, and migrations."""

from __future__ import annotations

import enum
import importlib
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from cloud.timestamps import register_bounded_timestamps

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Every module that defines tables; importing them fills Base.metadata (migrations compare against it).
MODEL_MODULES = (
    "cloud.gateways.models",
    "cloud.machines.models",
    "cloud.telemetry.models",
    "cloud.predictions.models",
    "cloud.tickets.models",
    "cloud.pm.models",
    "cloud.workdone.models",
    "cloud.engine.models",
    "cloud.ingestion.models",
    "cloud.users.models",
    "cloud.auth.models",
    "cloud.notifications.models",
    "cloud.registry.models",
)

# Deterministic constraint and index names, so the hand-written migration and the models agree.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSON = dict[str, Any]
"""Annotation for a JSONB column holding an object."""


class Base(DeclarativeBase):
    """Declarative base of every table: UUIDs as native ``uuid``, times as ``timestamptz``, dicts as JSONB."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        uuid.UUID: postgresql.UUID(as_uuid=True),
        datetime: sa.DateTime(timezone=True),
        float: sa.Double(),
        str: sa.Text(),
        JSON: postgresql.JSONB(),
    }


def enum_values(kind: type[enum.Enum]) -> list[str]:
    """Store an enum by its values (what the API and the migrations use), not its Python names."""
    return [str(member.value) for member in kind]


def load_models() -> sa.MetaData:
    """Import every model module and return the complete metadata."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` that checks pooled connections before use (the database may have restarted)."""
    kwargs.setdefault("pool_pre_ping", True)
    engine = sa.create_engine(url, **kwargs)
    # A stored time beyond Python's years 1..9999 must not make a read raise (cloud/timestamps.py).
    sa.event.listen(engine, "connect", lambda connection, _record: register_bounded_timestamps(connection))
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Any:
    """The Alembic configuration of this release's migrations for the database at ``url``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not an ini option: ini interpolation would mangle '%' in passwords.
    cfg.attributes["database_url"] = url
    return cfg


def upgrade_database(url: str, revision: str = "head") -> None:
    """Apply the Alembic migrations to the database at ``url`` up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade_database(url: str, revision: str = "base") -> None:
    """Revert the Alembic migrations of the database at ``url`` down to ``revision``."""
    from alembic import command

    command.downgrade(alembic_config(url), revision)
