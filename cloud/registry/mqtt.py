"""The registry's broker address: contract.mqtt_url's parser, with the registry's own error type."""

from __future__ import annotations

from cloud.registry.errors import RolloutError
from contract.mqtt_url import MqttEndpoint, MqttUrlError, parse_mqtt_url


def broker_endpoint(mqtt_url: str) -> MqttEndpoint:
    """``mqtt://user:pass@host:port`` (or ``mqtts://``) as an endpoint; RolloutError naming what is wrong."""
    try:
        return parse_mqtt_url(mqtt_url)
    except MqttUrlError as exc:
        raise RolloutError(f"mqtt url must be mqtt://host:port or mqtts://host:port: {exc}") from exc
