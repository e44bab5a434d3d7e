"""Health of the running system: database, broker link and ingestion workers, for /api/health."""
