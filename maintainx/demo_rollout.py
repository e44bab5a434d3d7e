"""The demo's model rollout: a second, signed version reaches one canary gateway, then the whole fleet.

At setup (once; later runs reuse it) the demo gets a signing key whose public half the agents trust, the
first model registered, signed and champion, and a second version trained with another seed, registered and
signed. Some time after start a background thread rolls the second version out through the registry, the
same way ``maintainx model rollout`` / ``advance`` do, and logs each step. Nothing here may stop the demo.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloud.registry.publisher import MqttUpdatePublisher
from contract.manifest import read_manifest
from maintainx.demo_terminal import step

logger = logging.getLogger(__name__)

GROUP = "line-a"
SIGNING_KEY = "demo-signing.pem"
PUBLIC_KEY = "demo-signing.pub"
NEXT_FILE = "NEXT"  # names the second version's folder under models/, like CURRENT names the first
SECOND_SEED = 1
# How long one stage may take to report active before the demo gives up on the rollout (and says so).
STAGE_TIMEOUT_S = 240.0
POLL_S = 2.0


@dataclass(frozen=True)
class RolloutPlan:
    """What the background rollout needs: where things are and which version goes out."""

    database_url: str
    mqtt_url: str
    mqtt_username: str | None
    mqtt_password: str | None
    api_url: str
    version: str
    gateways: tuple[str, ...]


def keys_dir(data_dir: Path) -> Path:
    """The agents' folder of trusted public keys."""
    return data_dir / "keys" / "trusted"


def ensure_signing_key(data_dir: Path) -> Path:
    """The demo's private signing key, created with its trusted public half on first use."""
    from cloud.registry.signing import generate_key

    private = data_dir / "keys" / SIGNING_KEY
    if not private.exists():
        generate_key(private, keys_dir(data_dir) / PUBLIC_KEY)
    return private


def ensure_second_model(models_dir: Path, first: Path) -> Path:
    """The version the demo rolls out, trained once (with the first one's settings, another seed)."""
    marker = models_dir / NEXT_FILE
    if marker.exists():
        folder = models_dir / marker.read_text().strip()
        if (folder / "manifest.json").exists():
            return folder
    data = read_manifest(first).training_data
    quick = isinstance(data, dict) and bool(data.get("quick"))
    step("Training a second model version for the rollout demo (once)...")
    from model_registry.training.train import train_default_model

    folder = train_default_model(models_dir, seed=SECOND_SEED, quick=quick)
    marker.write_text(folder.name)
    return folder


@dataclass(frozen=True)
class RegistryState:
    """The version the demo rolls out and the champion now (the second once an earlier run rolled it out)."""

    next_version: str
    champion: str

    @property
    def rolled_out(self) -> bool:
        """True when an earlier run already made the second version champion."""
        return self.champion == self.next_version


def prepare_registry(*, database_url: str, data_dir: Path, first: Path, gateways: list[str]) -> RegistryState:
    """Register and sign both versions (the first as champion unless one is), group the gateways."""
    from cloud.db import make_engine, session_factory
    from cloud.registry import rollout, service, signing
    from cloud.registry.store import store_for

    key = signing.load_private_key(ensure_signing_key(data_dir))
    second = ensure_second_model(data_dir / "models", first)
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as db, db.begin():
            store = store_for(data_dir)
            for folder in (first, second):  # in this order: the second gets the higher serial
                row = service.register(db_session=db, store=store, model_dir=folder)
                if row.envelope is None:
                    service.sign(db_session=db, ref=row.version, key=key)
            if "champion" not in service.aliases(db_session=db):
                service.set_alias(db_session=db, alias="champion", ref=first.name)
            for gw in gateways:
                rollout.label(db_session=db, gateway_id=gw, key="group", value=GROUP)
            champion = service.aliases(db_session=db)["champion"]
    finally:
        engine.dispose()
    return RegistryState(next_version=second.name, champion=champion)


def _publisher(plan: RolloutPlan) -> MqttUpdatePublisher:
    from contract.mqtt_url import parse_mqtt_url

    # The plan's credentials win over the URL's, the rule of every client (contract.mqtt_url).
    return MqttUpdatePublisher(
        parse_mqtt_url(plan.mqtt_url, username=plan.mqtt_username, password=plan.mqtt_password)
    )


class DemoRollout:
    """A daemon thread that rolls ``plan.version`` out after ``after_s`` seconds, canary first."""

    def __init__(self, plan: RolloutPlan, after_s: float) -> None:
        self.plan, self.after_s = plan, after_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-rollout", daemon=True)

    def start(self) -> DemoRollout:
        """Start the thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the thread to stop and wait briefly for it."""
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        if self._stop.wait(self.after_s):
            return
        from cloud.db import make_engine, session_factory

        engine = make_engine(self.plan.database_url)
        try:
            self._roll(session_factory(engine))
        except Exception as exc:  # the demo keeps running whatever happens to its rollout
            logger.exception("demo rollout failed")
            step(f"model {self.plan.version} rollout stopped: {exc}")
        finally:
            engine.dispose()

    def _roll(self, factory: Any) -> None:
        from cloud.registry import rollout

        plan = self.plan
        with factory() as db:
            done = [
                r
                for r, version, _ in rollout.list_rollouts(db_session=db, limit=100, offset=0)[0]
                if version == plan.version
            ]
        if done and done[0].state == "completed":
            step(f"model {plan.version} was rolled out on an earlier run; nothing to do")
            return
        if done and done[0].state == "active":
            rid = done[0].id
            step(f"model {plan.version}: carrying on with rollout {rid}")
        else:
            # Half a gateway's share: the first stage rounds up to exactly one canary gateway.
            stages = (0.5 / len(plan.gateways), 1.0)
            with _publisher(plan) as publisher, factory() as db, db.begin():
                rid = rollout.start(
                    db_session=db,
                    publisher=publisher,
                    ref=plan.version,
                    base_url=plan.api_url,
                    target_key="group",
                    target_value=GROUP,
                    stages=stages,
                ).id
        with factory() as db:
            canary = [t.gateway_id for t in rollout.targets(db_session=db, rollout_id=rid)]
        step(f"model {plan.version} rolling out: canary {', '.join(canary)} ...")
        self._wait_active(factory, rid, len(canary))
        step(f"model {plan.version}: canary {', '.join(canary)} active; advancing to the fleet")
        self._advance(factory, rid)
        self._wait_active(factory, rid, len(plan.gateways))
        self._advance(factory, rid)  # past the last stage: completed, and the new version is champion
        n = len(plan.gateways)
        step(f"model {plan.version}: {n}/{n} active; rollout completed, now champion")

    def _advance(self, factory: Any, rid: uuid.UUID) -> None:
        from cloud.registry import rollout

        with _publisher(self.plan) as publisher, factory() as db, db.begin():
            rollout.advance(db_session=db, publisher=publisher, rollout_id=rid, base_url=self.plan.api_url)

    def _wait_active(self, factory: Any, rid: uuid.UUID, wanted: int) -> None:
        """Block until ``wanted`` gateways report active; raise on a bad report, a timeout or a stop."""
        from cloud.registry import rollout

        deadline = time.monotonic() + STAGE_TIMEOUT_S
        while not self._stop.wait(POLL_S):
            with factory() as db:
                reached = rollout.targets(db_session=db, rollout_id=rid)
            bad = [f"{t.gateway_id} {t.state} ({t.detail})" for t in reached if t.state in rollout.BAD_STATES]
            if bad:
                raise RuntimeError("; ".join(bad))
            active = sum(1 for t in reached if t.state == "active")
            if active >= wanted:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {active}/{wanted} gateways active after {STAGE_TIMEOUT_S:.0f}s")
        raise InterruptedError("the demo is stopping")
