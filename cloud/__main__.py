"""Command line of the cloud: ``python -m cloud {api,ingest,engine,migrate,storage}``.

Every command reads its configuration from the environment (DATABASE_URL, MQTT_URL, MAINTAINX_*), logs JSON
lines, and stops gracefully on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Sequence

from cloud.config import Settings
from cloud.logs import configure_logging

logger = logging.getLogger("cloud")


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
    reports.start()
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


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(prog="python -m cloud", description="MaintainX cloud services")
    parser.add_argument("command", choices=sorted(COMMANDS), help="which service to run")
    args = parser.parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level)
    COMMANDS[args.command](settings)


if __name__ == "__main__":
    main()
