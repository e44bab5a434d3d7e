"""MQTT over TLS: agents and cloud services reach the broker's mqtts:// listener with their own logins."""

from __future__ import annotations

import ssl
import uuid

import pytest
from pydantic import SecretStr

from cloud.config import Settings
from contract.topics import Kind, gateway_topic
from edge_agent.config import AgentConfig, MachineConfig, mqtt_endpoint
from tests.integration.broker.clients import SUBACK_FAILURE, ConnectRefused, TestClient
from tests.integration.broker.conftest import OBSERVER, SecuredBroker

pytestmark = pytest.mark.integration


def agent_config(url: str, username: str, password: str) -> AgentConfig:
    """An agent configuration as a gateway's agent.toml would give it."""
    machine = MachineConfig(id=uuid.UUID("0190a0a0-0000-7000-8000-000000000001"), name="pump 1", type="pump")
    return AgentConfig(
        gateway_id=username,
        data_dir="/nonexistent",
        model_dir="/nonexistent",
        machines=[machine],
        mqtt_url=url,
        mqtt_username=username,
        mqtt_password=password,
    )


def test_an_agent_publishes_over_tls_with_the_ca_in_ssl_cert_file(
    secured: SecuredBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The agent builds its TLS context with ssl.create_default_context(), which trusts SSL_CERT_FILE:
    # that is how a gateway trusts a private CA until the agent grows a CA-file setting.
    monkeypatch.setenv("SSL_CERT_FILE", str(secured.tls.ca_cert))
    config = agent_config(secured.broker.tls_url, "gw-01", secured.password("gw-01"))
    endpoint = mqtt_endpoint(config)
    assert endpoint.tls and endpoint.port == secured.broker.tls_port

    observer = TestClient(secured.broker.port, OBSERVER, secured.password(OBSERVER)).connect()
    assert observer.subscribe("#") != SUBACK_FAILURE
    agent = TestClient(
        endpoint.port, endpoint.username, endpoint.password, tls=ssl.create_default_context()
    ).connect()
    try:
        agent.publish(gateway_topic("gw-01", Kind.TELEMETRY), b"over tls")
        assert observer.wait_for(b"over tls")
    finally:
        agent.close()
        observer.close()


def test_a_cloud_service_connects_over_tls_with_its_own_login(secured: SecuredBroker) -> None:
    settings = Settings(
        mqtt_url=secured.broker.tls_url,
        mqtt_username="cloud.ingest.1",
        mqtt_password=SecretStr(secured.password("cloud.ingest.1")),
    )
    endpoint = settings.mqtt_endpoint()
    assert endpoint.tls
    context = ssl.create_default_context(cafile=str(secured.tls.ca_cert))
    client = TestClient(endpoint.port, endpoint.username, endpoint.password, tls=context).connect()
    client.close()


# paho (2.1) does not close the socket of a failed TLS handshake; the garbage collector does, with a warning.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_client_that_does_not_trust_the_ca_cannot_connect(secured: SecuredBroker) -> None:
    untrusting = ssl.create_default_context()  # the system CAs only
    client = TestClient(secured.broker.tls_port or 0, "gw-01", secured.password("gw-01"), tls=untrusting)
    with pytest.raises(ssl.SSLCertVerificationError):
        client.connect()


def test_tls_does_not_replace_the_login(secured: SecuredBroker) -> None:
    context = ssl.create_default_context(cafile=str(secured.tls.ca_cert))
    with pytest.raises(ConnectRefused):
        TestClient(secured.broker.tls_port or 0, "gw-01", "wrong password", tls=context).connect()
