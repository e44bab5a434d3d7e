"""``make demo``: the whole system on embedded defaults, each part in its own process.

Starts (or reuses, from ``--data-dir``) the first model, an embedded PostgreSQL unless ``DATABASE_URL``
is set, a private broker unless ``MQTT_URL`` is set, the cloud services, and one edge agent per simulated
gateway. Data persists in the data folder, so a second run carries on where the first stopped.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType
from typing import Any

from cloud.broker.acl import Role
from cloud.broker.provision import Provisioned, provision
from maintainx.services import Broker, BrokerSecurity, embedded_postgres, mosquitto_binary, wait_for_port
from maintainx.supervisor import Supervisor
from simulator.fleet import demo_fleet

logger = logging.getLogger(__name__)

STATUS_EVERY_S = 15.0
# Seconds the first model serves before the demo rolls out the second; the env variable overrides it
# (the end-to-end test uses a shorter wait) until ``maintainx demo --rollout-after`` passes it in.
DEFAULT_ROLLOUT_AFTER_S = 60.0
ROLLOUT_AFTER_ENV = "MAINTAINX_DEMO_ROLLOUT_AFTER"
# The demo's documented logins (README), one per role, all with this password; made only by the demo.
DEMO_PASSWORD = "maintainx-demo"
DEMO_USERS = (
    ("admin@demo", "Demo Admin", "admin"),
    ("engineer@demo", "Demo Engineer", "engineer"),
    ("tech@demo", "Demo Technician", "technician"),
)


def ensure_model(models_dir: Path) -> Path:
    """The demo's current model version folder, trained by the registry's pipeline on first use."""
    current = models_dir / "CURRENT"
    if current.exists():
        version_dir = models_dir / current.read_text().strip()
        if (version_dir / "manifest.json").exists():
            return version_dir
    print("Training the first model on simulated run-to-failure data (about a minute, once)...", flush=True)
    from model_registry.training.train import train_default_model

    version_dir = train_default_model(models_dir)
    current.write_text(version_dir.name)
    return version_dir


def _stop_requested(flag: list[bool]) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        flag.append(True)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def ensure_demo_users(database_url: str) -> None:
    """Create the demo's logins (one per role) unless they exist."""
    from cloud.db import make_engine, session_factory
    from cloud.users.models import UserRole
    from cloud.users.service import ensure

    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as db:
            for email, name, role in DEMO_USERS:
                ensure(
                    db_session=db, email=email, full_name=name, role=UserRole(role), password=DEMO_PASSWORD
                )
    finally:
        engine.dispose()


def _get_json(url: str, token: str | None = None, body: object = None) -> Any:
    """GET ``url`` (POST when there is a body) as JSON, with the token if given."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as resp:
        return json.load(resp)


def _summary(api: str) -> str:
    """One status line from the API (signed in as the demo engineer), or why it is not available yet."""
    try:
        login = _get_json(f"{api}/api/auth/login", body={"email": "engineer@demo", "password": DEMO_PASSWORD})
        token = login["access_token"]
        machines = _get_json(f"{api}/api/machines", token)
        page = _get_json(f"{api}/api/tickets?limit=200", token)
    except OSError as exc:
        return f"API not answering yet ({exc})"
    tickets = page["items"]
    online = sum(1 for m in machines if m["online"])
    risks = [m["latest_prediction"]["failure_prob"] for m in machines if m["latest_prediction"]]
    open_tickets = sum(1 for t in tickets if t["status"] != "RESOLVED")
    top = f"{max(risks):.0%}" if risks else "-"
    return f"{len(machines)} machines, {online} online, highest risk {top}, {open_tickets} open tickets"


def _broker_kind(broker: Broker | None, credentials: Provisioned | None) -> str:
    if broker is None:
        return "external"
    return f"{broker.kind}, a login per gateway" if credentials else broker.kind


def _prepare_rollout(database_url: str, data_dir: Path, first: Path, gateways: list[str]) -> str | None:
    """The version the demo will roll out, set up in the registry; None (logged) if that failed."""
    from maintainx.demo_rollout import prepare_registry

    try:
        return prepare_registry(database_url=database_url, data_dir=data_dir, first=first, gateways=gateways)
    except Exception:  # the rollout is one part of the demo; the rest runs without it
        logger.exception("cannot prepare the demo's model rollout; running without it")
        return None


def run_demo(
    *,
    data_dir: Path,
    api_port: int = 8000,
    gateways: int = 3,
    machines_per_gateway: int = 4,
    sample_hz: float = 1.0,
    seed: int = 7,
    rollout_after: float | None = None,
    rollout: bool = True,
) -> int:
    """Run the demo until SIGINT/SIGTERM; return the exit code.

    ``rollout_after`` seconds after start (default $MAINTAINX_DEMO_ROLLOUT_AFTER or 60) a second model
    version rolls out to one canary gateway, then the fleet; ``rollout=False`` skips that.
    """
    from maintainx import demo_rollout
    from maintainx.fleet_config import write_agent_configs

    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    stop: list[bool] = []
    _stop_requested(stop)

    model_dir = ensure_model(data_dir / "models")
    database_url = os.environ.get("DATABASE_URL") or embedded_postgres(data_dir / "pg")
    from cloud.db import upgrade_database

    upgrade_database(database_url)
    ensure_demo_users(database_url)

    fleet = demo_fleet(gateways=gateways, machines_per_gateway=machines_per_gateway, seed=seed)
    next_version = (
        _prepare_rollout(database_url, data_dir, model_dir, [g.id for g in fleet]) if rollout else None
    )
    broker: Broker | None = None
    credentials: Provisioned | None = None
    mqtt_url = os.environ.get("MQTT_URL")
    if not mqtt_url:
        if mosquitto_binary():
            # The same lock-down as production: one login per gateway, confined to its own topics.
            credentials = provision(data_dir / "broker-security", [g.id for g in fleet])
            security = BrokerSecurity(credentials.password_file, credentials.acl_file)
            broker = Broker(data_dir / "broker", security=security).start()
        else:
            broker = Broker(data_dir / "broker").start()
        mqtt_url = broker.url
    env = {
        "DATABASE_URL": database_url,
        "MQTT_URL": mqtt_url,
        "MAINTAINX_DATA_DIR": str(data_dir),
        "MAINTAINX_API_PORT": str(api_port),
        # Lets the API run without MAINTAINX_AUTH_SECRET (a throw-away signing key); never set in production.
        "MAINTAINX_DEMO": "1",
        # The demo's agents announce their machines; bind them without an engineer's approval (zero clicks).
        "MAINTAINX_INGEST_MACHINE_BINDING": "auto",
    }
    supervisor = Supervisor(data_dir / "logs")
    rolling: demo_rollout.DemoRollout | None = None
    py = sys.executable
    try:
        for role in (Role.API, Role.INGEST, Role.ENGINE):
            login = credentials.service_env(role) if credentials else {}
            supervisor.add(role.value, [py, "-m", "cloud", role.value], {**env, **login})
        configs = write_agent_configs(
            data_dir / "agents",
            mqtt_url=mqtt_url,
            model_dir=model_dir,
            gateways=gateways,
            machines_per_gateway=machines_per_gateway,
            sample_hz=sample_hz,
            seed=seed,
            keys_dir=demo_rollout.keys_dir(data_dir),
        )
        for gateway_id, config in configs.items():
            login = credentials.gateway_env(gateway_id) if credentials else {}
            supervisor.add(f"agent-{gateway_id}", [py, "-m", "edge_agent", "--config", str(config)], login)
        wait_for_port(api_port, timeout=60)
        api = f"http://127.0.0.1:{api_port}"
        print(
            f"\nMaintainX is running: open {api}\n"
            f"  broker {mqtt_url} ({_broker_kind(broker, credentials)}), model {model_dir.name}\n"
            f"  log in as admin@demo, engineer@demo or tech@demo with the password {DEMO_PASSWORD}\n"
            f"  {gateways} gateways x {machines_per_gateway} machines at {sample_hz:g} Hz; "
            f"logs in {data_dir / 'logs'}\n  Ctrl-C stops everything; data stays in {data_dir}\n",
            flush=True,
        )
        if next_version:
            api_login = credentials.service_env(Role.API) if credentials else {}
            plan = demo_rollout.RolloutPlan(
                database_url=database_url,
                mqtt_url=mqtt_url,
                mqtt_username=api_login.get("MAINTAINX_MQTT_USERNAME"),
                mqtt_password=api_login.get("MAINTAINX_MQTT_PASSWORD"),
                api_url=api,
                version=next_version,
                gateways=tuple(g.id for g in fleet),
            )
            if rollout_after is None:
                rollout_after = float(os.environ.get(ROLLOUT_AFTER_ENV, DEFAULT_ROLLOUT_AFTER_S))
            print(f"  model {next_version} will roll out in {rollout_after:g} s, canary first\n", flush=True)
            rolling = demo_rollout.DemoRollout(plan, rollout_after).start()
        next_status = time.monotonic() + 5.0
        while not stop:
            supervisor.poll()
            if time.monotonic() >= next_status:
                print(time.strftime("%H:%M:%S"), _summary(api), flush=True)
                next_status = time.monotonic() + STATUS_EVERY_S
            time.sleep(0.5)
        print("\nStopping...", flush=True)
        return 0
    finally:
        if rolling:
            rolling.stop()
        supervisor.stop()
        if broker:
            broker.stop()
