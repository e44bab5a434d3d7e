"""``maintainx model register|sign|list|promote|label|rollout|advance|status|rollback|history|keygen``.

The registry's command line: engineers register what training produced, sign it, roll it out to a group
of gateways in stages, watch, and roll back. Database and broker come from the cloud's settings
(``DATABASE_URL`` / ``MAINTAINX_MQTT_URL``, or the embedded defaults under ``--data-dir``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

# How often ``status --watch`` refreshes.
WATCH_EVERY_S = 2.0


def add_registry_commands(model_subparsers: argparse._SubParsersAction) -> None:
    """Add the registry commands to ``maintainx model``'s subparsers."""

    def command(
        name: str, help_text: str, handler: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        p = model_subparsers.add_parser(name, help=help_text)
        p.add_argument("--database-url", help="PostgreSQL URL (default: DATABASE_URL or the embedded one)")
        p.add_argument(
            "--data-dir", type=Path, help="cloud data folder (embedded PostgreSQL, artifact store)"
        )
        p.set_defaults(handler=handler)
        return p

    keygen = model_subparsers.add_parser("keygen", help="create an ed25519 signing key pair")
    keygen.add_argument("--private", type=Path, required=True, help="private key file to create (mode 0600)")
    keygen.add_argument(
        "--public", type=Path, required=True, help="public key file for the agents' keys folder"
    )
    keygen.set_defaults(handler=run_keygen)

    p = command("register", "register a model folder (model.onnx + manifest.json)", run_register)
    p.add_argument("folder", type=Path)
    p.add_argument("--alias", help="also point this alias at it (e.g. challenger)")
    p = command("sign", "sign a version's manifest for the agents", run_sign)
    p.add_argument("ref", help="version or alias")
    p.add_argument("--key", type=Path, required=True, help="ed25519 private key (PEM)")
    p.add_argument("--days", type=float, default=90.0, help="validity of the signature (default 90)")
    command("list", "registered versions, with aliases and signing state", run_list)
    p = command("promote", "point an alias (default champion) at a version", run_promote)
    p.add_argument("ref")
    p.add_argument("--alias", default="champion")
    p = command("label", "put a gateway in a group or give it a tag", run_label)
    p.add_argument("gateway")
    label = p.add_mutually_exclusive_group(required=True)
    label.add_argument("--group")
    label.add_argument("--tag")
    p = command("rollout", "send a signed version to a group or tag, canary first", run_rollout)
    p.add_argument("ref")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--group")
    target.add_argument("--tag")
    target.add_argument("--all", action="store_true")
    p.add_argument("--stages", default="0.1,0.5,1", help="shares of the target per stage (default 0.1,0.5,1)")
    p.add_argument("--shadow", action="store_true", help="run beside the champion, do not serve")
    p.add_argument("--latency-budget-ms", type=float, default=250.0)
    p.add_argument("--base-url", default="http://127.0.0.1:8000", help="where agents reach the cloud API")
    p = command("advance", "next stage of a rollout, if its gate passes", run_advance)
    p.add_argument("rollout", type=uuid.UUID)
    p.add_argument("--force", action="store_true", help="skip the gate")
    p.add_argument("--min-agreement", type=float, default=0.95, help="shadow agreement needed (default 0.95)")
    p.add_argument("--max-latency-ms", type=float, help="shadow p95 latency allowed")
    p.add_argument("--base-url", default="http://127.0.0.1:8000")
    p = command("status", "a rollout and every gateway's state", run_status)
    p.add_argument("rollout", type=uuid.UUID)
    p.add_argument("--watch", action="store_true", help="refresh until the rollout ends (Ctrl-C stops)")
    p = command("rollback", "stop a rollout and pin its gateways to another version", run_rollback)
    p.add_argument("rollout", type=uuid.UUID)
    p.add_argument("--to", default="champion", help="version or alias to go back to (default champion)")
    p.add_argument("--base-url", default="http://127.0.0.1:8000")
    p = command("history", "which version ran on which gateway, when", run_history)
    p.add_argument("--gateway")


def _settings(args: argparse.Namespace) -> Any:
    from cloud.config import load_settings

    overrides: dict[str, object] = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    return load_settings(**overrides)


@contextmanager
def _session(settings: Any) -> Iterator[Any]:
    from cloud.db import make_engine, session_factory

    engine = make_engine(settings.resolved_database_url())
    try:
        with session_factory(engine)() as session, session.begin():
            yield session
    finally:
        engine.dispose()


def _publisher(settings: Any) -> Any:
    from cloud.registry.publisher import MqttUpdatePublisher

    return MqttUpdatePublisher.from_settings(settings)


def _fail(name: str, exc: Exception) -> int:
    print(f"maintainx model {name}: {exc}", file=sys.stderr)
    return 2


def run_keygen(args: argparse.Namespace) -> int:
    """Create a key pair; print its key id."""
    from cloud.registry.signing import generate_key

    try:
        kid = generate_key(args.private, args.public)
    except FileExistsError:
        return _fail("keygen", FileExistsError(f"{args.private} exists; refusing to overwrite a key"))
    print(f"key {kid}: private {args.private}, public {args.public} (install it in each agent's keys folder)")
    return 0


def _guarded(name: str, body: Callable[[], int]) -> int:
    from cloud.registry.errors import RegistryError

    try:
        return body()
    except RegistryError as exc:
        return _fail(name, exc)


def run_register(args: argparse.Namespace) -> int:
    """Register a model folder."""
    from cloud.registry import service
    from cloud.registry.store import store_for

    def body() -> int:
        settings = _settings(args)
        with _session(settings) as session:
            row = service.register(
                db_session=session, store=store_for(settings.data_dir), model_dir=args.folder
            )
            if args.alias:
                service.set_alias(db_session=session, alias=args.alias, ref=row.version)
            print(f"registered {row.version} (serial {row.id}, sha256 {row.sha256[:12]}…)")
        return 0

    return _guarded("register", body)


def run_sign(args: argparse.Namespace) -> int:
    """Sign a version."""
    from cloud.registry import service, signing

    def body() -> int:
        key = signing.load_private_key(args.key)
        with _session(_settings(args)) as session:
            row = service.sign(db_session=session, ref=args.ref, key=key, validity=timedelta(days=args.days))
            print(f"signed {row.version} with key {row.key_id}, valid until {row.expires_at:%Y-%m-%d %H:%M}Z")
        return 0

    return _guarded("sign", body)


def run_list(args: argparse.Namespace) -> int:
    """Print the registered versions."""
    from cloud.registry import service

    with _session(_settings(args)) as session:
        aliases = service.aliases(db_session=session)
        for row in service.list_versions(db_session=session):
            names = ",".join(a for a, v in aliases.items() if v == row.version)
            signed = f"signed {row.key_id}" if row.envelope else "unsigned"
            print(f"{row.id:>4}  {row.version:<40} {signed:<24} {names}")
    return 0


def run_promote(args: argparse.Namespace) -> int:
    """Point an alias at a version."""
    from cloud.registry import service

    def body() -> int:
        with _session(_settings(args)) as session:
            row = service.set_alias(db_session=session, alias=args.alias, ref=args.ref)
            print(f"{args.alias} -> {row.version}")
        return 0

    return _guarded("promote", body)


def run_label(args: argparse.Namespace) -> int:
    """Group or tag a gateway."""
    from cloud.registry import rollout

    def body() -> int:
        key, value = ("group", args.group) if args.group else ("tag", args.tag)
        with _session(_settings(args)) as session:
            rollout.label(db_session=session, gateway_id=args.gateway, key=key, value=value)
        print(f"{args.gateway}: {key}={value}")
        return 0

    return _guarded("label", body)


def run_rollout(args: argparse.Namespace) -> int:
    """Start a rollout; print its id and the first stage's gateways."""
    from cloud.registry import rollout

    def body() -> int:
        try:
            stages = tuple(float(s) for s in args.stages.split(","))
        except ValueError:
            return _fail(
                "rollout", ValueError(f"--stages must be numbers like 0.1,0.5,1, got {args.stages!r}")
            )
        key, value = (
            ("all", None) if args.all else (("group", args.group) if args.group else ("tag", args.tag))
        )
        settings = _settings(args)
        with _publisher(settings) as publisher, _session(settings) as session:
            r = rollout.start(
                db_session=session,
                publisher=publisher,
                ref=args.ref,
                base_url=args.base_url,
                target_key=key,
                target_value=value,
                stages=stages,
                mode="shadow" if args.shadow else "deploy",
                latency_budget_ms=args.latency_budget_ms,
            )
            reached = [t.gateway_id for t in rollout.targets(db_session=session, rollout_id=r.id)]
            print(f"rollout {r.id}: stage 1 of {len(stages)} reached {', '.join(reached)}")
        return 0

    return _guarded("rollout", body)


def run_advance(args: argparse.Namespace) -> int:
    """Advance a rollout through its gate."""
    from cloud.registry import rollout

    def body() -> int:
        gate = (
            None
            if args.force
            else rollout.Gate(min_agreement=args.min_agreement, max_latency_ms=args.max_latency_ms)
        )
        settings = _settings(args)
        with _publisher(settings) as publisher, _session(settings) as session:
            r = rollout.advance(
                db_session=session,
                publisher=publisher,
                rollout_id=args.rollout,
                base_url=args.base_url,
                gate=gate,
            )
            print(f"rollout {r.id}: {r.state}, stage {r.stage + 1} of {len(r.stages)}")
        return 0

    return _guarded("advance", body)


def run_status(args: argparse.Namespace) -> int:
    """Print a rollout's state (as JSON), once or until it ends."""
    from cloud.registry import rollout
    from cloud.registry.views import rollout_out

    def body() -> int:
        settings = _settings(args)
        while True:
            with _session(settings) as session:
                out = rollout_out(session, rollout.get(db_session=session, rollout_id=args.rollout))
            print(json.dumps(out.model_dump(mode="json"), indent=2), flush=True)
            if not args.watch or out.state != "active":
                return 0
            time.sleep(WATCH_EVERY_S)

    try:
        return _guarded("status", body)
    except KeyboardInterrupt:
        return 0


def run_rollback(args: argparse.Namespace) -> int:
    """Roll a rollout's gateways back to another version (an operator's explicit pin)."""
    from cloud.registry import rollout

    def body() -> int:
        settings = _settings(args)
        with _publisher(settings) as publisher, _session(settings) as session:
            r = rollout.rollback(
                db_session=session,
                publisher=publisher,
                rollout_id=args.rollout,
                to_ref=args.to,
                base_url=args.base_url,
            )
            print(f"rollout {r.id}: rolled back to {args.to}")
        return 0

    return _guarded("rollback", body)


def run_history(args: argparse.Namespace) -> int:
    """Print which version ran where and when."""
    from cloud.registry import service

    with _session(_settings(args)) as session:
        for run in service.runs(db_session=session, gateway_id=args.gateway):
            until = f"{run.ended_at:%Y-%m-%d %H:%M:%S}Z" if run.ended_at else "now"
            print(f"{run.gateway_id:<24} {run.version:<40} {run.started_at:%Y-%m-%d %H:%M:%S}Z .. {until}")
    return 0
