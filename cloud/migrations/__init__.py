"""Alembic migrations of the cloud database; run them with :func:`cloud.db.upgrade_database`."""
