"""Agent settings: one typed msgspec struct loaded from a TOML file, scalar fields overridable by env vars.

msgspec rather than pydantic because a gateway counts megabytes: pydantic alone adds ~13 MB of RSS.
Every error names the file and the field, e.g. ``agent.toml: machines[2].type: expected one of pump, ...``.
An environment variable ``MAINTAINX_AGENT_<FIELD>`` (e.g. ``MAINTAINX_AGENT_MQTT_URL``) overrides a top-level
scalar field of the file.
"""

from __future__ import annotations

import os
import re
import tomllib
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from contract.mqtt_url import MqttEndpoint, MqttUrlError, parse_mqtt_url
from contract.topics import TopicError, check_gateway_id
from edge_agent.errors import ConfigError

ENV_PREFIX = "MAINTAINX_AGENT_"

PositiveFloat = Annotated[float, msgspec.Meta(gt=0)]
PositiveInt = Annotated[int, msgspec.Meta(gt=0)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
# A reading batch must fit the contract's MAX_BATCH (5,000); 100 keeps one message around 20 kB.
BatchSize = Annotated[int, msgspec.Meta(ge=1, le=5_000)]


class MachineConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One machine this gateway serves."""

    id: uuid.UUID
    name: Name
    type: Name
    location: Name | None = None
    # Only for the simulated source: the failure mode to develop and when (seconds of machine time).
    failure: str | None = None
    # Negative means the fault was already developing that long before the agent started.
    failure_onset_s: float = 0.0
    # Simulated seconds from onset to breakdown; None means the failure mode's nominal duration.
    failure_duration_s: PositiveFloat | None = None
    seed: int | None = None


class SimulatedSourceConfig(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="kind", tag="simulated"
):
    """Simulated machines, one per configured machine, stepped once per tick."""

    # Simulated seconds per sample; None means the simulator's default (minutes per sample, so faults
    # that take days develop within a demo). Match the model manifest's sample_period_s.
    sample_period_s: PositiveFloat | None = None


class ReplaySourceConfig(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="kind", tag="replay"
):
    """A recorded CSV file played back at ``speed`` times its recorded pace."""

    path: str
    timestamp_column: str = "timestamp"
    # Maps our signal names to the file's column names, e.g. {temperature = "temp_c"}.
    columns: dict[str, str] = {}
    # Either a column holding each row's machine id, or one machine id for the whole file.
    machine_column: str | None = None
    machine_id: uuid.UUID | None = None
    # 1.0 = recorded pace, 60.0 = a minute per second; 0 = as fast as the tick allows (batch_max per tick).
    speed: Annotated[float, msgspec.Meta(ge=0)] = 1.0
    # "original" keeps the file's timestamps; "now" stamps rows with the time they are replayed.
    timestamps: Literal["original", "now"] = "original"
    loop: bool = False


SourceConfig = SimulatedSourceConfig | ReplaySourceConfig


class AgentConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Everything one agent process needs; built once at the entry point and passed down."""

    gateway_id: str
    data_dir: str
    model_dir: str
    machines: list[MachineConfig]
    mqtt_url: str = "mqtt://127.0.0.1:1883"
    mqtt_username: str | None = None
    mqtt_password: str | None = None
    sample_hz: PositiveFloat = 1.0
    batch_max: BatchSize = 100
    publish_interval_s: PositiveFloat = 1.0
    heartbeat_s: PositiveFloat = 30.0
    # MQTT keepalive: the broker declares the gateway gone (and publishes its offline will) after 1.5 x this
    # without a packet; a shorter one notices a cut link sooner for a little more idle traffic.
    keepalive_s: Annotated[int, msgspec.Meta(ge=2, le=65_535)] = 30
    # About a day of 10 machines at 1 Hz plus their predictions; ~200 bytes each, ~350 MB on disk.
    outbox_max_records: PositiveInt = 2_000_000
    # Records per second the backlog left by an outage drains at, beside live data; 0 = as fast as the
    # broker acknowledges. Cap it when the uplink is metered or shared with something that matters more.
    catchup_rate: Annotated[float, msgspec.Meta(ge=0)] = 0.0
    # What releases a record from the outbox. "commit": the cloud's commit acknowledgement (needs a cloud
    # that sends them: this version of the cloud or later); nothing is lost whatever the broker forgets.
    # "puback": the broker's PUBACK, as older agents did; only for a cloud that sends no commit acks, since a
    # broker restart can then lose acknowledged records.
    confirm_by: Literal["commit", "puback"] = "commit"
    # Seconds a record PUBACKed by the broker may wait for the cloud's commit ack before it is sent again.
    # While nothing at all is confirmed (the cloud is down) the wait doubles on each resend, up to 16x, so a
    # long outage does not flood the broker with copies. Ingestion normally confirms within a second.
    ack_timeout_s: PositiveFloat = 30.0
    # Serve Prometheus metrics on http://metrics_host:metrics_port/metrics; None = no endpoint.
    metrics_port: Annotated[int, msgspec.Meta(ge=1, le=65_535)] | None = None
    metrics_host: str = "127.0.0.1"
    source: SourceConfig = SimulatedSourceConfig()
    # Folder of trusted public keys of model signers (the Ansible role installs them); without it the
    # agent accepts no model update, since it could verify none.
    keys_dir: str | None = None
    # Seconds between the figures a shadowed challenger reports (agreement, drift, latency).
    shadow_report_s: PositiveFloat = 30.0
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    def __post_init__(self) -> None:
        try:
            check_gateway_id(self.gateway_id)
        except TopicError as exc:
            raise ValueError(f"gateway_id: {exc}") from None
        mqtt_endpoint(self)  # raises ValueError on a bad URL
        seen: set[uuid.UUID] = set()
        for i, machine in enumerate(self.machines):
            if machine.id in seen:
                raise ValueError(f"machines[{i}].id: duplicate machine id {machine.id}")
            seen.add(machine.id)
        if not self.machines:
            raise ValueError("machines: at least one machine is required")

    @property
    def machine_ids(self) -> list[uuid.UUID]:
        """Ids of the configured machines, in file order."""
        return [m.id for m in self.machines]


def mqtt_endpoint(config: AgentConfig) -> MqttEndpoint:
    """Resolve the broker address; ValueError naming the problem (never the URL, it may hold a password).

    The ``mqtt_username`` / ``mqtt_password`` fields win over credentials in the URL: the rule of
    contract.mqtt_url, the same as the cloud's.
    """
    try:
        return parse_mqtt_url(config.mqtt_url, username=config.mqtt_username, password=config.mqtt_password)
    except MqttUrlError as exc:
        raise ValueError(f"mqtt_url: expected mqtt://host:port or mqtts://host:port: {exc}") from None


def load_config(
    path: str | Path,
    env: Mapping[str, str] | None = None,
    *,
    machine_types: Callable[[], Iterable[str]] | None = None,
) -> AgentConfig:
    """Load and validate ``path`` with env overrides; raise ConfigError naming the file and the field.

    ``machine_types``, when given, returns the types a simulated machine's ``type`` must be one of; it is
    called only for a simulated source (so replaying a file never loads the simulator).
    """
    path = Path(path)
    env = os.environ if env is None else env
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML: {exc}") from exc
    raw.update(_env_overrides(env))
    try:
        config = msgspec.convert(raw, AgentConfig)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{path.name}: {_describe(str(exc))}") from exc
    if machine_types is not None and isinstance(config.source, SimulatedSourceConfig):
        allowed = list(machine_types())
        for i, machine in enumerate(config.machines):
            if machine.type not in allowed:
                raise ConfigError(
                    f"{path.name}: machines[{i}].type: expected one of {', '.join(allowed)}, "
                    f"got {machine.type!r}"
                )
    return config


def _env_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    """Top-level scalar fields set through ``MAINTAINX_AGENT_<FIELD>``, converted to the field's type."""
    out: dict[str, Any] = {}
    for field in msgspec.structs.fields(AgentConfig):
        name = ENV_PREFIX + field.name.upper()
        if name not in env or field.name in ("machines", "source"):
            continue
        try:
            # strict=False lets "10" become 10 and "true" become True, as an env var needs.
            out[field.name] = msgspec.convert(env[name], field.type, strict=False)
        except msgspec.ValidationError as exc:
            raise ConfigError(f"environment {name}: {_describe(str(exc))}") from exc
    return out


_AT = re.compile(r"^(?P<msg>.*) - at `\$\.?(?P<path>[^`]*)`$", re.DOTALL)


def _describe(message: str) -> str:
    """Turn msgspec's ``'Invalid UUID - at `$.machines[1].id`'`` into ``'machines[1].id: invalid UUID'``."""
    m = _AT.match(message)
    if not m:
        return message[0].lower() + message[1:] if message else message
    msg, where = m["msg"], m["path"]
    if where.endswith(".kind") and msg.startswith("Invalid value"):
        msg = f"expected one of simulated, replay, got {msg.removeprefix('Invalid value ')}"
    msg = msg[0].lower() + msg[1:]
    return f"{where}: {msg}" if where else msg
