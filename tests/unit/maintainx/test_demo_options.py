"""``maintainx demo`` (and so ``make demo``) takes the README's variables as its defaults; options win."""

from __future__ import annotations

from pathlib import Path

import pytest

from maintainx.cli import build_parser
from maintainx.services import BROKER_ENV, ServiceError, private_broker_kind

pytestmark = pytest.mark.unit


def test_without_variables_the_defaults_are_the_readmes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAINTAINX_DATA_DIR", raising=False)
    monkeypatch.delenv("MAINTAINX_API_PORT", raising=False)
    args = build_parser().parse_args(["demo"])
    assert (args.data_dir, args.port) == (Path(".maintainx"), 8000)


def test_data_dir_and_port_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MAINTAINX_DATA_DIR", str(tmp_path / "plant"))
    monkeypatch.setenv("MAINTAINX_API_PORT", "8123")
    args = build_parser().parse_args(["demo"])
    assert (args.data_dir, args.port) == (tmp_path / "plant", 8123)
    args = build_parser().parse_args(["demo", "--data-dir", "elsewhere", "--port", "9000"])
    assert (args.data_dir, args.port) == (Path("elsewhere"), 9000)


def test_a_bad_port_in_the_environment_is_refused_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAINTAINX_API_PORT", "eighty")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo"])
    assert "eighty" in capsys.readouterr().err


def test_the_broker_variable_forces_amqtt_and_refuses_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BROKER_ENV, "amqtt")
    assert private_broker_kind() == "amqtt"
    monkeypatch.setenv(BROKER_ENV, "rabbitmq")
    with pytest.raises(ServiceError, match="rabbitmq"):
        private_broker_kind()
