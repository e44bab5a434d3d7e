"""``make demo``: the whole system on embedded defaults, each part in its own process.

Starts (or reuses, from ``--data-dir``) the first model, an embedded PostgreSQL unless ``DATABASE_URL``
is set, a private broker unless ``MQTT_URL`` is set, the cloud services, and one edge agent per simulated
gateway. Data persists in the data folder; a second run keeps the data, the logins and the models, and
starts a new simulated day (tickets the last run left open are closed, see ``demo_setup``). The terminal
shows one line per step; every library's log goes to ``logs/demo.log``.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from cloud.broker.acl import Role
from cloud.broker.provision import Provisioned, provision
from cloud.embedded_postgres import embedded_postgres
from maintainx import demo_rollout
from maintainx.demo_setup import close_previous_day, ensure_demo_users, had_previous_run
from maintainx.demo_terminal import StatusWatch, banner, broker_kind, log_to_file, step
from maintainx.services import Broker, BrokerSecurity, private_broker_kind, wait_for_port
from maintainx.supervisor import Supervisor
from simulator.fleet import demo_fleet

logger = logging.getLogger(__name__)

# Seconds the first model serves before the demo rolls out the second; the env variable overrides it
# (the end-to-end test uses a shorter wait) until ``maintainx demo --rollout-after`` passes it in.
DEFAULT_ROLLOUT_AFTER_S = 60.0
ROLLOUT_AFTER_ENV = "MAINTAINX_DEMO_ROLLOUT_AFTER"


def ensure_model(models_dir: Path) -> Path:
    """The demo's current model version folder, trained by the registry's pipeline on first use."""
    current = models_dir / "CURRENT"
    if current.exists():
        version_dir = models_dir / current.read_text().strip()
        if (version_dir / "manifest.json").exists():
            return version_dir
    step("Training the first model on simulated run-to-failure data (about a minute, once)...")
    from model_registry.training.train import train_default_model

    version_dir = train_default_model(models_dir)
    current.write_text(version_dir.name)
    return version_dir


def _stop_requested(flag: list[bool]) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        flag.append(True)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def _prepare_rollout(
    database_url: str, data_dir: Path, first: Path, gateways: list[str]
) -> demo_rollout.RegistryState | None:
    """The registry set up for the demo's rollout; None (logged) if that failed."""
    try:
        return demo_rollout.prepare_registry(
            database_url=database_url, data_dir=data_dir, first=first, gateways=gateways
        )
    except Exception:  # the rollout is one part of the demo; the rest runs without it
        logger.exception("cannot prepare the demo's model rollout; running without it")
        step("Model rollout: could not be prepared (see logs/demo.log); running without it")
        return None


def _start_broker(data_dir: Path, gateway_ids: list[str]) -> tuple[Broker, Provisioned | None]:
    """The demo's private broker: Mosquitto locked down like production, or amqtt without Mosquitto."""
    if private_broker_kind() == "mosquitto":
        # The same lock-down as production: one login per gateway, confined to its own topics.
        credentials = provision(data_dir / "broker-security", gateway_ids)
        security = BrokerSecurity(credentials.password_file, credentials.acl_file)
        return Broker(data_dir / "broker", security=security).start(), credentials
    return Broker(data_dir / "broker").start(), None


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
    from maintainx.fleet_config import write_agent_configs

    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_to_file(data_dir / "logs" / "demo.log")
    stop: list[bool] = []
    _stop_requested(stop)

    models_dir = data_dir / "models"
    model_dir = ensure_model(models_dir)
    external_db = os.environ.get("DATABASE_URL")
    database_url = external_db or embedded_postgres(data_dir / "pg")
    step(f"Database: {'DATABASE_URL' if external_db else 'embedded PostgreSQL in ' + str(data_dir / 'pg')}")
    from cloud.db import upgrade_database

    upgrade_database(database_url)
    ensure_demo_users(database_url)
    if had_previous_run(database_url):
        closed = close_previous_day(database_url)
        step(
            "New simulated day: every machine starts the scenario afresh (data, logins and models kept); "
            f"closed {closed} ticket(s) the previous run left open, with no outcome"
        )

    fleet = demo_fleet(gateways=gateways, machines_per_gateway=machines_per_gateway, seed=seed)
    registry = _prepare_rollout(database_url, data_dir, model_dir, [g.id for g in fleet]) if rollout else None
    if registry and (models_dir / registry.champion / "manifest.json").exists():
        # An earlier run's rollout made another version champion: that is what the fleet serves now.
        model_dir = models_dir / registry.champion
    broker: Broker | None = None
    credentials: Provisioned | None = None
    mqtt_url = os.environ.get("MQTT_URL")
    if not mqtt_url:
        broker, credentials = _start_broker(data_dir, [g.id for g in fleet])
        mqtt_url = broker.url
    step(f"Broker: {mqtt_url} ({broker_kind(broker, credentials)})")
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
    ingest_env = dict(env)
    if broker is not None and broker.kind == "amqtt":
        # amqtt accepts $share/... subscriptions but never delivers on them; the demo runs one ingestion
        # worker, which needs no sharing, so it subscribes to the plain filters.
        ingest_env["MAINTAINX_INGEST_SHARE_GROUP"] = ""
    supervisor = Supervisor(data_dir / "logs")
    rolling: demo_rollout.DemoRollout | None = None
    py = sys.executable
    try:
        for role in (Role.API, Role.INGEST, Role.ENGINE):
            login = credentials.service_env(role) if credentials else {}
            role_env = ingest_env if role is Role.INGEST else env
            supervisor.add(role.value, [py, "-m", "cloud", role.value], {**role_env, **login})
        # Notifications need no broker; links in messages point at this demo's dashboard.
        notify_env = {**env, "MAINTAINX_PUBLIC_BASE_URL": f"http://127.0.0.1:{api_port}"}
        supervisor.add("notify", [py, "-m", "cloud", "notify"], notify_env)
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
        services = f"api, ingest, engine, notify and {len(configs)} edge agents"
        step(f"Started {services} (logs in {data_dir / 'logs'})")
        wait_for_port(api_port, timeout=60)
        api = f"http://127.0.0.1:{api_port}"
        fleet_text = f"{gateways} gateways x {machines_per_gateway} machines at {sample_hz:g} Hz"
        print(banner(api=api, model=model_dir.name, fleet=fleet_text, data_dir=data_dir), flush=True)
        if registry and registry.rolled_out:
            step(
                f"Model {registry.champion} is champion since an earlier run's rollout; no rollout this time"
            )
        elif registry:
            api_login = credentials.service_env(Role.API) if credentials else {}
            plan = demo_rollout.RolloutPlan(
                database_url=database_url,
                mqtt_url=mqtt_url,
                mqtt_username=api_login.get("MAINTAINX_MQTT_USERNAME"),
                mqtt_password=api_login.get("MAINTAINX_MQTT_PASSWORD"),
                api_url=api,
                version=registry.next_version,
                gateways=tuple(g.id for g in fleet),
            )
            if rollout_after is None:
                rollout_after = float(os.environ.get(ROLLOUT_AFTER_ENV, DEFAULT_ROLLOUT_AFTER_S))
            step(f"Model {registry.next_version} will roll out in {rollout_after:g} s, canary first")
            rolling = demo_rollout.DemoRollout(plan, rollout_after).start()
        watch = StatusWatch(api)
        while not stop:
            supervisor.poll()
            watch.poll()
            time.sleep(0.5)
        print("\nStopping...", flush=True)
        return 0
    finally:
        if rolling:
            rolling.stop()
        supervisor.stop()
        if broker:
            broker.stop()
