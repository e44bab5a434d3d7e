"""Alembic environment: runs migrations online against the URL handed in by :mod:`cloud.db`."""

from __future__ import annotations

from alembic import context

from cloud.db import load_models, make_engine

config = context.config
target_metadata = load_models()


def _database_url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return str(url)
    from cloud.config import Settings  # run from the alembic CLI: use the service's own settings

    return Settings().resolved_database_url()


def run_migrations_online() -> None:
    """Run every pending migration in one transaction."""
    engine = make_engine(_database_url(), pool_pre_ping=False)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
