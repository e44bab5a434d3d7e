"""Command line of the cloud: ``python -m cloud {api,ingest,engine,notify,migrate,storage,backup}``.

Every command reads its configuration from the environment (DATABASE_URL, MQTT_URL, MAINTAINX_*), logs JSON
lines, and stops gracefully on SIGTERM or SIGINT. A configuration error is one log line naming the variable
and what it allows, and exit code 2.
``migrate --check`` prints where the schema stands as JSON, ``migrate --to REV`` moves it to a
revision (a rollback), ``storage --once`` runs one maintenance pass (for a systemd timer) and
``backup create|restore|list`` handles pg_dump archives (cloud/backup.py).
"""

from __future__ import annotations

import argparse
import json
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


def run_api(settings: Settings, argv: Sequence[str] = ()) -> None:
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


def run_ingest(settings: Settings, argv: Sequence[str] = ()) -> None:
    """Run one ingestion worker (telemetry, predictions, status and deployment reports) until stopped.

    ``python -m cloud.ingestion`` is this same command.
    """
    from cloud import metrics
    from cloud.ingestion import run_ingest as ingest

    if _parse("ingest", argv).upgrade_db:
        from cloud.db import upgrade_database

        upgrade_database(settings.resolved_database_url())
    metrics.serve(settings)
    ingest(settings, _stop_on_signals())


def run_engine(settings: Settings, argv: Sequence[str] = ()) -> None:
    """Run the ticket engine until stopped."""
    from cloud import metrics
    from cloud.engine.runner import run_engine as engine

    metrics.serve(settings)
    engine(settings, _stop_on_signals())


def run_storage(settings: Settings, argv: Sequence[str] = ()) -> None:
    """Run storage maintenance (partitions ahead, retention) every interval until stopped, or once."""
    from cloud.storage.maintenance import run_maintenance

    run_maintenance(settings, _stop_on_signals(), once=_parse("storage", argv).once)


def run_notify(settings: Settings, argv: Sequence[str] = ()) -> None:
    """Deliver notifications (e-mail, webhooks) from ticket events until stopped."""
    from cloud.db import make_engine, session_factory
    from cloud.notifications.settings import load_notify_settings
    from cloud.notifications.worker import run_worker

    notify_settings = load_notify_settings()
    url = settings.resolved_database_url()
    engine = make_engine(url, pool_size=notify_settings.notify_workers + 2)
    try:
        run_worker(session_factory(engine), url, notify_settings, _stop_on_signals())
    finally:
        engine.dispose()


def run_migrate(settings: Settings, argv: Sequence[str] = ()) -> None:
    """Bring the database schema up to date, to a given revision, or say where it stands."""
    from cloud.db import downgrade_database, upgrade_database
    from cloud.schema import schema_state

    args = _parse("migrate", argv)
    url = settings.resolved_database_url()
    state = schema_state(url)
    if args.check:
        print(json.dumps(state.as_dict()))
        return
    if args.to and state.state == "ahead":
        raise SystemExit(f"the schema is at {state.current}, which this release does not know")
    if args.to and state.current is not None and _is_ancestor(url, args.to, state.current):
        downgrade_database(url, args.to)
    else:
        upgrade_database(url, args.to or "head")
    logger.info("database schema is at %s", schema_state(url).current)


def _is_ancestor(url: str, revision: str, of: str) -> bool:
    """Whether ``revision`` comes before ``of`` in this release's migrations (reverting is then needed)."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    from cloud.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config(url))
    try:
        return revision != of and any(r.revision == revision for r in script.walk_revisions(revision, of))
    except CommandError:  # not below ``of``: a revision to upgrade to, or one this release lacks
        return False


def run_backup(settings: Settings, argv: Sequence[str] = ()) -> None:
    """Create, list or restore pg_dump archives of the database."""
    from cloud.backup import main as backup

    raise SystemExit(backup(settings.resolved_database_url(), argv))


COMMANDS = {
    "api": run_api,
    "ingest": run_ingest,
    "engine": run_engine,
    "notify": run_notify,
    "migrate": run_migrate,
    "storage": run_storage,
    "backup": run_backup,
}


def _parser(command: str) -> argparse.ArgumentParser:
    """The options of one command; one without options still answers ``--help`` and refuses unknown ones."""
    parser = argparse.ArgumentParser(prog=f"python -m cloud {command}", description=COMMANDS[command].__doc__)
    if command == "ingest":
        parser.add_argument("--upgrade-db", action="store_true", help="apply database migrations first")
    elif command == "storage":
        parser.add_argument("--once", action="store_true", help="one pass, then exit (for a systemd timer)")
    elif command == "migrate":
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--check", action="store_true", help="print the schema's state as JSON, change nothing"
        )
        action.add_argument("--to", metavar="REV", help="upgrade or revert the schema to this revision")
    return parser


def _parse(command: str, argv: Sequence[str]) -> argparse.Namespace:
    return _parser(command).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command and run it; returns the exit status (2 for a configuration error)."""
    parser = argparse.ArgumentParser(prog="python -m cloud", description="MaintainX cloud services")
    parser.add_argument("command", choices=sorted(COMMANDS), help="which service to run")
    parser.add_argument("options", nargs=argparse.REMAINDER, help="the command's own options")
    args = parser.parse_args(argv)
    command, options = COMMANDS[args.command], args.options
    if args.command != "backup":  # backup parses its own subcommands (cloud/backup.py)
        # Before the settings load: --help and a wrong option answer without a configured environment.
        _parse(args.command, options)
    return run_configured(f"cloud {args.command}", lambda settings: command(settings, options))


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
