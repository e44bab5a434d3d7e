"""The edge_agent role, converged for real against localhost from the offline bundle.

One gateway is installed per module (the install is the slow part) and then, in this order, converged
again, run, upgraded and rolled back; the module-scoped fixtures chain so each step follows the one before.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from contract.codec import decode
from contract.payloads import GatewayStatus, TelemetryBatch
from contract.topics import Kind, gateway_topic
from maintainx.services import Broker
from tests.integration.ansible.kit import (
    GATEWAY_ID,
    Bundle,
    PlaybookRun,
    build_bundle,
    copy_project,
    gateway_vars,
    run_playbook,
    write_inventory,
)

pytestmark = pytest.mark.integration

RESTART_HANDLER = "RUNNING HANDLER [edge_agent : Restart the edge agent]"
AGENT_START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Gateway:
    """A gateway installed under ``root`` by the role, and its first converge."""

    root: Path
    inventory: Path
    host_vars: dict[str, Any]
    first_run: PlaybookRun

    def path(self, var: str) -> Path:
        """A folder the role was told to use."""
        return Path(self.host_vars[var])

    @property
    def prefix(self) -> Path:
        """The install prefix with venvs/, current and previous."""
        return self.path("edge_agent_install_prefix")

    @property
    def config(self) -> Path:
        """The agent configuration the role wrote."""
        return self.path("edge_agent_config_dir") / "agent.toml"

    def installed_version(self, link: str = "current") -> str:
        """The maintainx version installed in the venv that ``link`` points at."""
        python = self.prefix / link / "bin" / "python"
        code = "import importlib.metadata as m; print(m.version('maintainx'))"
        # -I: isolated, so the repository in the working folder cannot shadow what the venv holds.
        return subprocess.run(
            [python, "-I", "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()


def _assert_ok(run: PlaybookRun) -> dict[str, int]:
    assert run.returncode == 0, run.output[-5000:]
    counts = run.counts()
    assert counts["failed"] == 0 and counts["unreachable"] == 0, counts
    return counts


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, bundle: Bundle, signing_key: Path) -> Gateway:
    """A gateway converged once from the bundle, offline."""
    root = tmp_path_factory.mktemp("gateway")
    host_vars = gateway_vars(root, bundle, signing_key)
    inventory = write_inventory(root / "inventory.yml", host_vars)
    return Gateway(root, inventory, host_vars, run_playbook(inventory))


@pytest.fixture(scope="module")
def second_run(gateway: Gateway) -> PlaybookRun:
    """The same playbook and inventory run again on the converged gateway."""
    _assert_ok(gateway.first_run)
    return run_playbook(gateway.inventory)


@pytest.fixture(scope="module")
def newer_bundle(
    tmp_path_factory: pytest.TempPathFactory, bundle: Bundle, model_version_dir: Path, signing_key: Path
) -> Bundle:
    """A bundle of the same code released as the next version (a copy of the project, version bumped)."""
    project = copy_project(tmp_path_factory.mktemp("project-next"), f"{bundle.version}.post1")
    out = tmp_path_factory.mktemp("dist-next")
    return build_bundle(out, model_version_dir, signing_key, "--project", str(project))


@pytest.fixture(scope="module")
def upgraded(gateway: Gateway, second_run: PlaybookRun, newer_bundle: Bundle) -> PlaybookRun:
    """The converged gateway upgraded to the newer version, with a stale older venv lying around."""
    (gateway.prefix / "venvs" / "0.0.1").mkdir()
    return run_playbook(
        gateway.inventory,
        f"edge_agent_version={newer_bundle.version}",
        f"edge_agent_bundle_path={newer_bundle.path}",
    )


@pytest.fixture(scope="module")
def rolled_back(gateway: Gateway, upgraded: PlaybookRun, bundle: Bundle) -> PlaybookRun:
    """The upgraded gateway set back to the first version, with no bundle at hand at all."""
    _assert_ok(upgraded)
    return run_playbook(
        gateway.inventory,
        f"edge_agent_version={bundle.version}",
        f"edge_agent_bundle_path={gateway.root / 'no-such-bundle.tar.gz'}",
    )


def test_first_converge_installs_the_edge_extra_offline_with_a_private_config(
    gateway: Gateway, bundle: Bundle
) -> None:
    assert _assert_ok(gateway.first_run)["changed"] > 0
    venv = gateway.prefix / "venvs" / bundle.version
    assert (gateway.prefix / "current").resolve() == venv
    assert gateway.installed_version() == bundle.version
    cloud_only = subprocess.run(
        [
            venv / "bin" / "python",
            "-c",
            "import importlib.util as u; print([m for m in "
            "('fastapi', 'sqlalchemy', 'sklearn', 'uvicorn') if u.find_spec(m)])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert cloud_only == "[]"
    assert stat.S_IMODE(gateway.config.stat().st_mode) == 0o600
    config = gateway.config.read_text()
    assert 'mqtt_password = "s3cret-from-vault"' in config
    assert f'mqtt_url = "{gateway.host_vars["edge_agent_mqtt_url"]}"' in config
    keys = gateway.path("edge_agent_config_dir") / "keys"
    assert [p.name for p in keys.iterdir()] == ["release-test.pub"]
    model = gateway.path("edge_agent_data_dir") / "models" / "current"
    assert model.resolve().name == "tiny-ansible-1" and (model / "model.onnx").is_file()
    facts = json.loads((gateway.path("edge_agent_facts_dir") / "maintainx.fact").read_text())
    assert (facts["site"], facts["gateway_group"], facts["version"]) == (
        "test-site",
        "canary",
        bundle.version,
    )
    # The bundle is removed once installed: a gateway's disk is small.
    assert not list((gateway.prefix / "bundles").iterdir())


def test_unit_has_restart_policy_limits_and_hardening_and_passes_systemd_analyze(gateway: Gateway) -> None:
    _assert_ok(gateway.first_run)
    unit = gateway.path("edge_agent_systemd_dir") / "maintainx-agent.service"
    text = unit.read_text()
    data_dir = gateway.host_vars["edge_agent_data_dir"]
    for line in (
        "Restart=on-failure",
        "MemoryMax=256M",
        "CPUQuota=50%",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        f"ReadWritePaths={data_dir}",
        f"User={gateway.host_vars['edge_agent_user']}",
        f"ExecStart={gateway.prefix}/current/bin/maintainx-agent --config {gateway.config}",
    ):
        assert line in text.splitlines(), line
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed; the unit's lines were checked above")
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_second_converge_changes_nothing(second_run: PlaybookRun) -> None:
    counts = _assert_ok(second_run)
    assert counts["changed"] == 0, second_run.output[-5000:]
    assert RESTART_HANDLER not in second_run.output


def _subscribe(broker: Broker, topics: list[str], inbox: queue.Queue[mqtt.MQTTMessage]) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-{time.monotonic_ns()}")
    client.on_message = lambda _c, _u, message: inbox.put(message)
    client.on_connect = lambda c, _u, _f, _rc, _p: c.subscribe([(t, 1) for t in topics])
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    return client


def _next(inbox: queue.Queue[mqtt.MQTTMessage], topic: str, deadline: float) -> mqtt.MQTTMessage:
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"nothing on {topic} within {AGENT_START_TIMEOUT_S}s"
        try:
            message = inbox.get(timeout=remaining)
        except queue.Empty:
            continue
        if message.topic == topic:
            return message


def test_installed_agent_starts_and_publishes_online_status_and_telemetry(
    gateway: Gateway, broker: Broker, tmp_path: Path
) -> None:
    _assert_ok(gateway.first_run)
    status_topic = gateway_topic(GATEWAY_ID, Kind.STATUS)
    telemetry_topic = gateway_topic(GATEWAY_ID, Kind.TELEMETRY)
    inbox: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
    watcher = _subscribe(broker, [status_topic, telemetry_topic], inbox)
    # The broker address is the test's; everything else comes from the installed config file.
    env = {"PATH": os.environ["PATH"], "MAINTAINX_AGENT_MQTT_URL": broker.url}
    log = (tmp_path / "agent.log").open("wb")
    agent = subprocess.Popen(
        [gateway.prefix / "current" / "bin" / "maintainx-agent", "--config", gateway.config],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + AGENT_START_TIMEOUT_S
        batch = decode(bytes(_next(inbox, telemetry_topic, deadline).payload), TelemetryBatch)
        assert batch.gateway_id == GATEWAY_ID
        machine_ids = {str(m["id"]) for m in gateway.host_vars["edge_agent_machines"]}
        assert {str(r.machine_id) for r in batch.readings} <= machine_ids
        _next(inbox, status_topic, deadline)
        # A subscriber that arrives later gets the online status the broker retained.
        late: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        latecomer = _subscribe(broker, [status_topic], late)
        retained = _next(late, status_topic, deadline)
        latecomer.loop_stop()
        latecomer.disconnect()
        assert retained.retain
        status = decode(bytes(retained.payload), GatewayStatus)
        assert status.online and status.gateway_id == GATEWAY_ID and status.model_version == "tiny-ansible-1"
        assert agent.poll() is None
    finally:
        agent.send_signal(signal.SIGTERM)
        code = agent.wait(timeout=30)
        watcher.loop_stop()
        watcher.disconnect()
        log.close()
    assert code == 0, (tmp_path / "agent.log").read_text()[-3000:]


def test_upgrade_makes_the_new_version_current_and_keeps_only_the_previous_one(
    gateway: Gateway, upgraded: PlaybookRun, bundle: Bundle, newer_bundle: Bundle
) -> None:
    assert _assert_ok(upgraded)["changed"] > 0
    assert RESTART_HANDLER in upgraded.output
    assert gateway.installed_version("current") == newer_bundle.version
    assert gateway.installed_version("previous") == bundle.version
    assert sorted(p.name for p in (gateway.prefix / "venvs").iterdir()) == sorted(
        [bundle.version, newer_bundle.version]
    )


def test_rollback_is_setting_the_old_version_and_needs_no_bundle(
    gateway: Gateway, rolled_back: PlaybookRun, bundle: Bundle, newer_bundle: Bundle
) -> None:
    assert _assert_ok(rolled_back)["changed"] > 0
    assert RESTART_HANDLER in rolled_back.output
    assert gateway.installed_version("current") == bundle.version
    assert gateway.installed_version("previous") == newer_bundle.version
    facts = json.loads((gateway.path("edge_agent_facts_dir") / "maintainx.fact").read_text())
    assert facts["version"] == bundle.version
