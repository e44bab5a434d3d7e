"""Provisioning: Mosquitto accepts the generated logins, refuses everyone else, and re-runs keep or revoke."""

from __future__ import annotations

import json
import stat
import subprocess
import time
from pathlib import Path

import pytest

from cloud.broker import (
    BrokerSecurityError,
    CredentialsFileError,
    Role,
    hash_password,
    provision,
    service_username,
    service_usernames,
    verify_password,
)
from cloud.broker.__main__ import main
from cloud.broker.provision import DEFAULT_INGEST_WORKERS
from tests.integration.broker.clients import ConnectRefused, TestClient
from tests.integration.broker.conftest import GATEWAYS, SecuredBroker

pytestmark = pytest.mark.integration

MOSQUITTO_PASSWD = "/usr/bin/mosquitto_passwd"


def test_every_provisioned_client_logs_in(secured: SecuredBroker) -> None:
    for username in (*GATEWAYS, *service_usernames(DEFAULT_INGEST_WORKERS)):
        TestClient(secured.broker.port, username, secured.password(username)).connect().close()


@pytest.mark.parametrize(
    ("username", "password"),
    [
        (None, None),  # anonymous
        ("gw-01", "not the password"),
        ("gw-99", "whatever"),  # never provisioned
        ("cloud.api", ""),
    ],
)
def test_anyone_else_is_refused(secured: SecuredBroker, username: str | None, password: str | None) -> None:
    with pytest.raises(ConnectRefused):
        TestClient(secured.broker.port, username, password).connect()


def test_a_gateway_cannot_log_in_with_another_gateways_password(secured: SecuredBroker) -> None:
    with pytest.raises(ConnectRefused):
        TestClient(secured.broker.port, "gw-02", secured.password("gw-01")).connect()


def test_reprovisioning_keeps_passwords_adds_and_revokes_gateways_on_reload(secured: SecuredBroker) -> None:
    before = dict(secured.provisioned.passwords)
    again = provision(secured.provisioned.out_dir, ["gw-02", "gw-03"])
    assert again.passwords["gw-02"] == before["gw-02"]
    ingest = service_username(Role.INGEST)
    assert again.passwords[ingest] == before[ingest]
    assert "gw-01" not in again.passwords
    assert not (again.out_dir / "gateways" / "gw-01.env").exists()
    secured.broker.reload()
    deadline = time.monotonic() + 10
    while True:  # SIGHUP is asynchronous: wait until the new files are in force
        try:
            TestClient(secured.broker.port, "gw-03", again.passwords["gw-03"]).connect().close()
            break
        except ConnectRefused:
            assert time.monotonic() < deadline, "gw-03 was never let in after the reload"
            time.sleep(0.1)
    TestClient(secured.broker.port, "gw-02", before["gw-02"]).connect().close()
    with pytest.raises(ConnectRefused):
        TestClient(secured.broker.port, "gw-01", before["gw-01"]).connect()


def test_rotation_issues_new_passwords_for_everyone(tmp_path: Path) -> None:
    first = provision(tmp_path, GATEWAYS)
    rotated = provision(tmp_path, GATEWAYS, rotate=True)
    assert all(rotated.passwords[u] != first.passwords[u] for u in first.passwords)


def test_secrets_are_private_and_env_files_carry_each_login(tmp_path: Path) -> None:
    result = provision(tmp_path, GATEWAYS)
    for path in (result.password_file, tmp_path / "credentials.json", tmp_path / "gateways" / "gw-01.env"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    env = dict(line.split("=", 1) for line in (tmp_path / "gateways" / "gw-01.env").read_text().splitlines())
    assert env == {
        "MAINTAINX_AGENT_MQTT_USERNAME": "gw-01",
        "MAINTAINX_AGENT_MQTT_PASSWORD": result.passwords["gw-01"],
    }
    for k in range(1, DEFAULT_INGEST_WORKERS + 1):
        service = (tmp_path / "services" / f"ingest-{k}.env").read_text()
        assert f"MAINTAINX_MQTT_USERNAME=cloud.ingest.{k}\n" in service
    assert result.passwords["gw-01"] not in result.password_file.read_text()


def test_our_hashes_and_mosquitto_passwd_hashes_are_the_same_format(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    subprocess.run([MOSQUITTO_PASSWD, "-c", "-b", str(passwd), "gw-01", "s3cret"], check=True)
    theirs = passwd.read_text().strip().split(":", 1)[1]
    assert verify_password("s3cret", theirs)
    assert not verify_password("s3cre", theirs)
    ours = hash_password("s3cret")
    assert ours.split("$")[:3] == theirs.split("$")[:3]  # same algorithm tag and iteration count
    assert verify_password("s3cret", ours)


@pytest.mark.parametrize("bad", ["GW-01", "gw/01", "+", "#", "", "a" * 64, "cloud.ingest"])
def test_a_gateway_id_unfit_for_topics_is_refused_with_the_reason(tmp_path: Path, bad: str) -> None:
    with pytest.raises(BrokerSecurityError, match="gateway id"):
        provision(tmp_path, ["gw-01", bad])
    assert not (tmp_path / "acl").exists()


def test_a_damaged_credentials_file_is_reported_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "credentials.json").write_text(json.dumps(["not", "a", "mapping"]))
    with pytest.raises(CredentialsFileError, match=r"credentials\.json"):
        provision(tmp_path, GATEWAYS)
    assert json.loads((tmp_path / "credentials.json").read_text()) == ["not", "a", "mapping"]


def test_the_command_line_provisions_and_reports_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["provision", "--gateways", "gw-01, gw-02", "--out", str(tmp_path)]) == 0
    assert "user gw-02\n" in (tmp_path / "acl").read_text()
    assert main(["provision", "--gateways", "Bad Id", "--out", str(tmp_path)]) == 2
    assert "gateway id 'Bad Id'" in capsys.readouterr().err
