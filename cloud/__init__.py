"""The MaintainX cloud: ingestion, storage and migrations, ticket engine and the HTTP API.

Organised by domain (machines, telemetry, predictions, tickets, gateways), each with its models,
schemas, service and router; :mod:`cloud.config` holds the one settings class and :mod:`cloud.db`
the engine, the declarative base and the migration runner.
"""
