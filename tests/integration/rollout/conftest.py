"""Fixtures for rollouts with real agents: a signing key, its public half as the agents' keys, agents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from maintainx.services import Broker
from tests.integration.rollout.kit import Agent, FleetWatcher
from tests.unit.edge_agent.signed_kit import make_key


@pytest.fixture
def key(tmp_path: Path) -> Ed25519PrivateKey:
    """The release key; its public half is in ``tmp_path/keys``."""
    return make_key(tmp_path)


@pytest.fixture
def agents(tmp_path: Path, broker: Broker, key: Ed25519PrivateKey) -> Iterator[Callable[..., Agent]]:
    """Start agents on the test broker; all are stopped at the end."""
    started: list[Agent] = []

    def start(gateway_id: str, serial: int = 1) -> Agent:
        agent = Agent(tmp_path / "agents", gateway_id, broker.url, key, tmp_path / "keys", serial).start()
        started.append(agent)
        return agent

    yield start
    for agent in started:
        agent.stop()


@pytest.fixture
def fleet(broker: Broker) -> Iterator[FleetWatcher]:
    """A watcher of every gateway's reports and predictions."""
    watcher = FleetWatcher(broker.url)
    yield watcher
    watcher.close()
