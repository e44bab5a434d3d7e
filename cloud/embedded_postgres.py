"""The zero-setup database: an embedded PostgreSQL started from the ``pgserver`` wheel.

It lives in the cloud (not in the ``maintainx`` launcher) because the cloud's own settings start it when
no ``DATABASE_URL`` is configured; the demo, the tests and the benchmarks use the same function.
"""

from __future__ import annotations

from pathlib import Path


def embedded_postgres(data_dir: Path, database: str = "maintainx") -> str:
    """Start (or reuse) an embedded PostgreSQL in ``data_dir``; return a SQLAlchemy URL for ``database``.

    The server stops when the last process that started it exits.
    """
    import pgserver  # only the embedded default needs it

    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    # pgserver listens on a Unix socket only: the URI carries its folder as ?host=.
    uri = server.get_uri(database)
    return uri.replace("postgresql://", "postgresql+psycopg2://", 1)
