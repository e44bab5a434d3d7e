"""Agent settings: TOML in, typed config out, and errors that name the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_agent.config import ReplaySourceConfig, SimulatedSourceConfig, load_config, mqtt_endpoint
from edge_agent.errors import ConfigError

from .conftest import MACHINE_IDS, config_text

pytestmark = pytest.mark.unit

TYPES = ("pump", "compressor", "cnc_spindle")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agent.toml"
    path.write_text(text)
    return path


def test_valid_file_loads_with_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, config_text(tmp_path)), env={}, machine_types=lambda: TYPES)
    assert config.gateway_id == "gw-1"
    assert config.machine_ids == MACHINE_IDS[:2]
    assert config.batch_max == 100
    assert isinstance(config.source, SimulatedSourceConfig)


def test_unknown_machine_type_names_file_index_and_choices(tmp_path: Path) -> None:
    text = config_text(tmp_path).replace('type = "compressor"', 'type = "toaster"')
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text), env={}, machine_types=lambda: TYPES)
    assert str(err.value) == (
        "agent.toml: machines[1].type: expected one of pump, compressor, cnc_spindle, got 'toaster'"
    )


def test_bad_uuid_names_the_machine_field(tmp_path: Path) -> None:
    text = config_text(tmp_path).replace(str(MACHINE_IDS[1]), "not-a-uuid")
    with pytest.raises(ConfigError, match=r"^agent\.toml: machines\[1\]\.id: invalid UUID"):
        load_config(write(tmp_path, text), env={})


def test_invalid_gateway_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^agent\.toml: gateway_id: gateway id 'GW 1'"):
        load_config(write(tmp_path, config_text(tmp_path, gateway_id="GW 1")), env={})


def test_wrong_type_and_unknown_field_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^agent\.toml: sample_hz: expected `float`, got `str`"):
        load_config(write(tmp_path, config_text(tmp_path, sample_hz="fast")), env={})
    with pytest.raises(ConfigError, match=r"^agent\.toml: .*unknown field `sample_rate`"):
        load_config(write(tmp_path, config_text(tmp_path, sample_rate=3)), env={})


def test_unknown_source_kind_lists_the_kinds(tmp_path: Path) -> None:
    text = config_text(tmp_path) + '[source]\nkind = "modbus"\n'
    with pytest.raises(ConfigError, match=r"^agent\.toml: source\.kind: expected one of simulated, replay"):
        load_config(write(tmp_path, text), env={})


def test_bad_mqtt_url_and_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^agent\.toml: mqtt_url: expected mqtt://host:port"):
        load_config(write(tmp_path, config_text(tmp_path, mqtt_url="http://x")), env={})
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml", env={})
    with pytest.raises(ConfigError, match=r"^agent\.toml: not valid TOML"):
        load_config(write(tmp_path, "gateway_id = "), env={})


def test_env_overrides_scalar_fields_with_conversion(tmp_path: Path) -> None:
    env = {"MAINTAINX_AGENT_SAMPLE_HZ": "25", "MAINTAINX_AGENT_MQTT_URL": "mqtt://u:p%40ss@broker:1884"}
    config = load_config(write(tmp_path, config_text(tmp_path)), env=env)
    assert config.sample_hz == 25.0
    endpoint = mqtt_endpoint(config)
    assert (endpoint.host, endpoint.port, endpoint.username, endpoint.password) == (
        "broker",
        1884,
        "u",
        "p@ss",
    )


def test_bad_env_override_names_the_variable(tmp_path: Path) -> None:
    env = {"MAINTAINX_AGENT_BATCH_MAX": "lots"}
    with pytest.raises(ConfigError, match=r"^environment MAINTAINX_AGENT_BATCH_MAX: expected `int`"):
        load_config(write(tmp_path, config_text(tmp_path)), env=env)


def test_out_of_range_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^agent\.toml: batch_max: expected `int` <= 5000"):
        load_config(write(tmp_path, config_text(tmp_path, batch_max=10_000)), env={})


def test_replay_source_parses_and_skips_machine_type_check(tmp_path: Path) -> None:
    text = config_text(tmp_path).replace('type = "compressor"', 'type = "kiln"')
    text += '[source]\nkind = "replay"\npath = "x.csv"\n'
    text += 'columns = {temperature = "temp_c"}\nmachine_column = "m"\n'
    config = load_config(write(tmp_path, text), env={}, machine_types=lambda: TYPES)
    assert isinstance(config.source, ReplaySourceConfig)
    assert config.source.columns == {"temperature": "temp_c"}
    assert config.machines[1].type == "kiln"


def test_duplicate_machine_ids_are_refused(tmp_path: Path) -> None:
    text = config_text(tmp_path).replace(str(MACHINE_IDS[1]), str(MACHINE_IDS[0]))
    with pytest.raises(ConfigError, match=r"machines\[1\]\.id: duplicate machine id"):
        load_config(write(tmp_path, text), env={})
