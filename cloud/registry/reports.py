"""Deployment reports from the agents into ``rollout_targets``: a small MQTT consumer.

Reports are idempotent facts ("gateway g is in state s for rollout r"), so a duplicate or a replayed
retained report simply writes the same row again; the one with the later ``ts`` wins.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING

import msgspec
import paho.mqtt.client as mqtt
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, sessionmaker

from cloud.registry.models import Rollout, RolloutTarget
from cloud.registry.mqtt import broker_endpoint
from contract.codec import ContractError, decode
from contract.mqtt_client import make_client
from contract.mqtt_url import MqttEndpoint
from contract.payloads import DeploymentReport
from contract.topics import Kind, TopicError, fleet_filter, parse

if TYPE_CHECKING:
    from cloud.config import Settings

logger = logging.getLogger(__name__)

QOS = 1
KEEPALIVE_S = 30


def record_report(*, db_session: Session, report: DeploymentReport) -> bool:
    """Store one report against its rollout; False when it names no rollout this registry knows."""
    if report.rollout_id is None or db_session.get(Rollout, report.rollout_id) is None:
        logger.info(
            "report from %s for no known rollout: %s %s", report.gateway_id, report.version, report.state
        )
        return False
    values = {
        "state": report.state,
        "serving": report.serving,
        "detail": report.detail or None,
        "shadow": msgspec.to_builtins(report.shadow) if report.shadow is not None else None,
        "updated_at": report.ts,
    }
    stmt = (
        pg_insert(RolloutTarget)
        .values(rollout_id=report.rollout_id, gateway_id=report.gateway_id, stage=0, **values)
        .on_conflict_do_update(
            index_elements=["rollout_id", "gateway_id"],
            set_=values,
            where=RolloutTarget.updated_at <= report.ts,
        )
    )
    db_session.execute(stmt)
    return True


class ReportConsumer:
    """Subscribes to every gateway's deployment topic and records what arrives."""

    def __init__(
        self,
        endpoint: MqttEndpoint,
        factory: sessionmaker[Session],
        *,
        client_id: str | None = None,
    ) -> None:
        self._host, self._port = endpoint.host, endpoint.port
        self._factory = factory
        self.recorded = 0
        self.refused = 0
        self._subscribed = threading.Event()
        self._client = make_client(
            endpoint, client_id=client_id or f"maintainx-registry-{os.getpid()}", clean_session=True
        )
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = lambda *_a: self._subscribed.set()
        self._client.on_message = self._on_message

    @classmethod
    def from_url(cls, mqtt_url: str, factory: sessionmaker[Session]) -> ReportConsumer:
        """A consumer for ``mqtt://user:pass@host:port`` (or ``mqtts://``)."""
        return cls(broker_endpoint(mqtt_url), factory)

    @classmethod
    def from_settings(cls, settings: Settings, factory: sessionmaker[Session]) -> ReportConsumer:
        """A consumer with the cloud settings' broker address and credentials."""
        return cls(settings.mqtt_endpoint(), factory)

    def start(self, timeout: float | None = 10.0) -> ReportConsumer:
        """Connect and subscribe; return once the broker confirmed the subscription.

        With ``timeout=None``, return at once: the network thread keeps trying until the broker is there.
        """
        self._client.connect_async(self._host, self._port, KEEPALIVE_S)
        self._client.loop_start()
        if timeout is not None and not self._subscribed.wait(timeout):
            raise TimeoutError(f"no subscription at {self._host}:{self._port} within {timeout} s")
        return self

    def stop(self) -> None:
        """Disconnect and stop the network thread."""
        self._client.disconnect()
        self._client.loop_stop()

    def _on_connect(self, client: mqtt.Client, _u: object, _f: object, reason: object, _p: object) -> None:
        if getattr(reason, "is_failure", False):
            logger.warning("broker refused the registry's report consumer: %s", reason)
            return
        client.subscribe(fleet_filter(Kind.DEPLOYMENT), qos=QOS)

    def _on_message(self, _c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        try:
            topic = parse(message.topic)
            report = decode(bytes(message.payload), DeploymentReport)
            if report.gateway_id != topic.gateway_id:
                raise TopicError(f"report for {report.gateway_id} on {topic.gateway_id}'s topic")
        except (ContractError, TopicError) as exc:
            self.refused += 1
            logger.warning("deployment report on %s refused: %s", message.topic, exc)
            return
        try:
            with self._factory() as session, session.begin():
                record_report(db_session=session, report=report)
            self.recorded += 1
        except Exception:
            # Whatever fails (the database, or our code on an odd report), paho's network thread must
            # live on: an exception escaping this callback would end every later report's delivery.
            logger.exception("deployment report from %s not stored", report.gateway_id)
