"""MQTT topic names: built and parsed here, nowhere else.

Layout: ``maintainx/v1/gateways/<gateway_id>/<kind>`` for what a gateway publishes and
``maintainx/v1/gateways/<gateway_id>/commands/<command>`` for what the cloud sends it, so a
broker ACL can grant each gateway exactly ``maintainx/v1/gateways/<its id>/#``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

ROOT = "maintainx/v1/gateways"
# A gateway id appears in topics, ACLs and file names: keep it to a safe, readable alphabet.
GATEWAY_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
_GATEWAY_ID = re.compile(GATEWAY_ID_PATTERN)


class Kind(enum.StrEnum):
    """What a message on a gateway topic carries."""

    TELEMETRY = "telemetry"
    PREDICTIONS = "predictions"
    STATUS = "status"
    COMMANDS = "commands"
    # What a gateway did with a model update (downloaded, refused, running, rolled back) and shadow figures.
    DEPLOYMENT = "deployment"


class Command(enum.StrEnum):
    """Commands the cloud sends to a gateway."""

    MAINTENANCE = "maintenance"
    # Retained per gateway: the model the gateway should run (or shadow), so one offline now gets it later.
    MODEL_UPDATE = "model_update"
    # Not retained, QoS 0: which of the gateway's records the cloud has committed (see CommitAck).
    COMMITTED = "committed"


class TopicError(ValueError):
    """A topic or gateway id that does not follow the contract."""


@dataclass(frozen=True, slots=True)
class Topic:
    """A parsed gateway topic."""

    gateway_id: str
    kind: Kind
    command: Command | None = None


def check_gateway_id(gateway_id: str) -> str:
    """Return ``gateway_id`` if it is valid for topics, else raise TopicError saying why."""
    if not _GATEWAY_ID.match(gateway_id):
        raise TopicError(
            f"gateway id {gateway_id!r} must be 1-63 characters of a-z, 0-9, '-' or '_', "
            "starting with a letter or digit"
        )
    return gateway_id


def gateway_topic(gateway_id: str, kind: Kind) -> str:
    """Topic a gateway publishes ``kind`` messages on."""
    if kind is Kind.COMMANDS:
        raise TopicError("use command_topic() for commands")
    return f"{ROOT}/{check_gateway_id(gateway_id)}/{kind.value}"


def command_topic(gateway_id: str, command: Command) -> str:
    """Topic the cloud sends ``command`` to one gateway on."""
    return f"{ROOT}/{check_gateway_id(gateway_id)}/{Kind.COMMANDS.value}/{command.value}"


def gateway_commands_filter(gateway_id: str) -> str:
    """Subscription filter for every command addressed to one gateway."""
    return f"{ROOT}/{check_gateway_id(gateway_id)}/{Kind.COMMANDS.value}/+"


def gateway_namespace(gateway_id: str) -> str:
    """Filter covering everything one gateway may publish or receive (for ACLs)."""
    return f"{ROOT}/{check_gateway_id(gateway_id)}/#"


def fleet_filter(kind: Kind, share_group: str | None = None) -> str:
    """Subscription filter for ``kind`` from every gateway, optionally as an MQTT shared subscription."""
    topic = f"{ROOT}/+/{kind.value}"
    return f"$share/{share_group}/{topic}" if share_group else topic


def parse(topic: str) -> Topic:
    """Parse a gateway topic, raising TopicError with the reason when it is not one."""
    prefix = ROOT + "/"
    if not topic.startswith(prefix):
        raise TopicError(f"topic {topic!r} is outside {ROOT}/")
    parts = topic[len(prefix) :].split("/")
    if len(parts) < 2:
        raise TopicError(f"topic {topic!r} has no message kind")
    gateway_id = check_gateway_id(parts[0])
    try:
        kind = Kind(parts[1])
    except ValueError:
        raise TopicError(f"topic {topic!r}: unknown kind {parts[1]!r}") from None
    if kind is Kind.COMMANDS:
        if len(parts) != 3:
            raise TopicError(f"topic {topic!r}: a command topic ends in commands/<command>")
        try:
            return Topic(gateway_id, kind, Command(parts[2]))
        except ValueError:
            raise TopicError(f"topic {topic!r}: unknown command {parts[2]!r}") from None
    if len(parts) != 2:
        raise TopicError(f"topic {topic!r} has extra levels after {kind.value!r}")
    return Topic(gateway_id, kind)
