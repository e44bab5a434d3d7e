"""Command line of the cloud: ``python -m cloud {api,ingest,engine,migrate,storage}``.

Every command reads its configuration from the environment (DATABASE_URL, MQTT_URL, MAINTAINX_*), logs JSON
lines, and stops gracefully on SIGTERM or SIGINT. A configuration error is one log line naming the variable
and what it allows, and exit code 2.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Callable, Sequence

from cloud.config import ConfigError, Settings, load_settings
from cloud.logs import configure_logging

logger = logging.getLogger("cloud")

EXIT_CONFIG = 2


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handle(signum: int, frame: object) -> None:
        logger.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handle)
    return stop


def run_api(settings: Settings) -> None:
    """Serve the HTTP API and the dashboard with uvicorn (which handles SIGTERM / SIGINT itself)."""
    import uvicorn

    from cloud.app import create_app

    uvicorn.run(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,  # keep our JSON logging
        proxy_headers=True,
        # An open live-stream connection would otherwise hold shutdown until the browser goes away.
        timeout_graceful_shutdown=5,
    )


def run_ingest(settings: Settings) -> None:
    """Run one ingestion worker (and the registry's deployment-report consumer) until stopped."""
    from cloud.db import make_engine, session_factory
    from cloud.ingestion import run_ingest as ingest
    from model_registry.registry.reports import ReportConsumer

    # Agents' deployment reports are retained and recording them is idempotent, so every worker may take them.
    engine = make_engine(settings.resolved_database_url())
    reports = ReportConsumer.from_settings(settings, session_factory(engine))
    # Not waited for: the worker waits for the broker and the database itself, however long they take.
    reports.start(timeout=None)
    try:
        ingest(settings, _stop_on_signals())
    finally:
        reports.stop()
        engine.dispose()


def run_engine(settings: Settings) -> None:
    """Run the ticket engine until stopped."""
    from cloud.engine.runner import run_engine as engine

    engine(settings, _stop_on_signals())


def run_storage(settings: Settings) -> None:
    """Run storage maintenance (partitions ahead, retention) every interval until stopped."""
    from cloud.storage.maintenance import run_maintenance

    run_maintenance(settings, _stop_on_signals())


def run_migrate(settings: Settings) -> None:
    """Bring the database schema up to date."""
    from cloud.db import upgrade_database

    upgrade_database(settings.resolved_database_url())
    logger.info("database schema is up to date")


COMMANDS = {
    "api": run_api,
    "ingest": run_ingest,
    "engine": run_engine,
    "migrate": run_migrate,
    "storage": run_storage,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command and run it; returns the exit status (2 for a configuration error)."""
    parser = argparse.ArgumentParser(prog="python -m cloud", description="MaintainX cloud services")
    parser.add_argument("command", choices=sorted(COMMANDS), help="which service to run")
    args = parser.parse_args(argv)
    return run_configured(f"cloud {args.command}", COMMANDS[args.command])


def run_configured(name: str, command: Callable[[Settings], None]) -> int:
    """Load the settings and run ``command``; a ConfigError is one log line and exit code 2."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        configure_logging()
        logger.error("%s: configuration error: %s", name, exc)
        return EXIT_CONFIG
    configure_logging(settings.log_level)
    try:
        command(settings)
    except ConfigError as exc:
        logger.error("%s: configuration error: %s", name, exc)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
