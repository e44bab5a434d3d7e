"""A Mosquitto secured by ``cloud.broker.provision`` for two gateways, plus a test-only observer login."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cloud.broker import Provisioned, hash_password, provision
from maintainx.services import Broker, BrokerSecurity, BrokerTls
from tests.integration.broker.certs import TlsFiles, make_tls_files

GATEWAYS = ("gw-01", "gw-02")
# Not a role the project provisions: the tests' eye on everything that gets through the broker.
OBSERVER = "test.observer"
OBSERVER_PASSWORD = "observer-password-for-tests-only"


@dataclass(frozen=True, slots=True)
class SecuredBroker:
    """A running broker with the provisioned files and the logins the tests use."""

    broker: Broker
    provisioned: Provisioned
    tls: TlsFiles

    def password(self, username: str) -> str:
        """The password of a provisioned user, or of the observer."""
        return OBSERVER_PASSWORD if username == OBSERVER else self.provisioned.passwords[username]


def add_observer(provisioned: Provisioned) -> None:
    """Give the test observer a login that may read every topic."""
    with provisioned.password_file.open("a") as f:
        f.write(f"{OBSERVER}:{hash_password(OBSERVER_PASSWORD)}\n")
    with provisioned.acl_file.open("a") as f:
        f.write(f"\nuser {OBSERVER}\ntopic read #\n")


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[SecuredBroker]:
    """Mosquitto with passwords, ACLs and a TLS listener, provisioned for gw-01 and gw-02."""
    provisioned = provision(tmp_path / "security", GATEWAYS)
    add_observer(provisioned)
    tls = make_tls_files(tmp_path / "tls", hosts=("localhost",), ips=("127.0.0.1",))
    broker = Broker(
        tmp_path / "broker",
        security=BrokerSecurity(provisioned.password_file, provisioned.acl_file),
        tls=BrokerTls(tls.server_cert, tls.server_key),
    ).start()
    yield SecuredBroker(broker, provisioned, tls)
    broker.stop()
