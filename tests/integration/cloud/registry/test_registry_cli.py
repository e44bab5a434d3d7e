"""The registry command line (keygen, register, sign, promote, label, rollout, status) on real services."""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from contract.codec import decode
from contract.payloads import ModelUpdateCommand
from contract.topics import Command, command_topic
from edge_agent import trust
from maintainx.commands.registry import add_registry_commands
from maintainx.services import Broker
from tests.support.tiny_model import write_model_dir

pytestmark = pytest.mark.integration


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="maintainx")
    model = parser.add_subparsers(dest="command").add_parser("model")
    add_registry_commands(model.add_subparsers(dest="model_command", required=True))
    args = parser.parse_args(["model", *argv])
    return int(args.handler(args))


def retained_update(broker: Broker, gateway_id: str) -> ModelUpdateCommand | None:
    """The retained model update waiting for ``gateway_id``, if any."""
    got: list[bytes] = []
    done = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"probe-{gateway_id}")
    client.on_message = lambda _c, _u, m: (got.append(bytes(m.payload)), done.set())
    client.connect("127.0.0.1", broker.port)
    client.subscribe(command_topic(gateway_id, Command.MODEL_UPDATE), qos=1)
    client.loop_start()
    done.wait(1.5)
    client.loop_stop()
    client.disconnect()
    return decode(got[0], ModelUpdateCommand) if got else None


def test_an_engineer_registers_signs_promotes_and_rolls_out_from_the_command_line(
    database_url: str,
    broker: Broker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MAINTAINX_MQTT_URL", f"mqtt://127.0.0.1:{broker.port}")
    db = ["--database-url", database_url, "--data-dir", str(tmp_path / "cloud")]
    assert (
        run("keygen", "--private", str(tmp_path / "k.key"), "--public", str(tmp_path / "keys" / "k.pub")) == 0
    )
    write_model_dir(tmp_path / "m", version="v1", window=10)
    assert run("register", str(tmp_path / "m"), *db) == 0
    assert run("rollout", "v1", "--group", "line-a", *db) == 2  # unsigned: refused
    assert "not signed" in capsys.readouterr().err
    assert run("sign", "v1", "--key", str(tmp_path / "k.key"), *db) == 0
    assert run("promote", "v1", *db) == 0
    for gw in ("gw-a", "gw-b"):
        assert run("label", gw, "--group", "line-a", *db) == 0
    assert run("label", "gw-c", "--group", "line-b", *db) == 0
    capsys.readouterr()
    assert run("list", *db) == 0
    assert "champion" in capsys.readouterr().out
    assert run("rollout", "v1", "--group", "line-a", "--stages", "0.5,1", *db) == 0
    rollout_id = capsys.readouterr().out.split()[1].rstrip(":")
    canary = retained_update(broker, "gw-a") or retained_update(broker, "gw-b")
    assert canary is not None and str(canary.rollout_id) == rollout_id
    payload = trust.verify_envelope(canary.envelope, trust.load_trusted_keys(tmp_path / "keys"))
    assert payload.version == "v1"
    assert retained_update(broker, "gw-c") is None
    assert run("status", rollout_id, *db) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["state"] == "active" and len(status["gateways"]) == 1
    assert run("advance", rollout_id, "--force", *db) == 0
    assert retained_update(broker, "gw-a") is not None and retained_update(broker, "gw-b") is not None
    assert retained_update(broker, "gw-c") is None
