"""Decode routing: pick the payload type from the topic, validate, and turn every failure into a reason."""

from __future__ import annotations

from dataclasses import dataclass

from cloud.ingestion.dead_letter import Reason, Rejected
from cloud.ingestion.messages import Inbound
from contract.codec import ContractError, decode
from contract.payloads import GatewayStatus, PredictionBatch, TelemetryBatch
from contract.topics import Kind, TopicError, parse

Body = TelemetryBatch | PredictionBatch | GatewayStatus

_PAYLOAD_TYPES: dict[Kind, type[Body]] = {
    Kind.TELEMETRY: TelemetryBatch,
    Kind.PREDICTIONS: PredictionBatch,
    Kind.STATUS: GatewayStatus,
}


@dataclass(frozen=True, slots=True)
class Accepted:
    """A valid message, decoded, from the gateway its topic names."""

    message: Inbound
    gateway_id: str
    body: Body
    # The rows as COPY text, made ahead by ``writer.prepare`` (None: the writer makes it when writing).
    copy_text: str | None = None

    @property
    def rows(self) -> int:
        """Rows this message adds to a batch (a status is one gateway row)."""
        if isinstance(self.body, TelemetryBatch):
            return len(self.body.readings)
        if isinstance(self.body, PredictionBatch):
            return len(self.body.predictions)
        return 1


@dataclass(frozen=True, slots=True)
class Ignored:
    """A message with nothing to store that is no error: the empty payload that clears a retained status."""

    message: Inbound
    why: str

    @property
    def rows(self) -> int:
        """Nothing is written."""
        return 0


Routed = Accepted | Rejected | Ignored


def route(message: Inbound) -> Routed:
    """Decode ``message`` by its topic's kind; anything that breaks the contract comes back as Rejected."""
    try:
        topic = parse(message.topic)
    except TopicError as exc:
        return Rejected(message, Reason.BAD_TOPIC, str(exc))
    payload_type = _PAYLOAD_TYPES.get(topic.kind)
    if payload_type is None:
        detail = f"ingestion does not take {topic.kind.value!r} messages"
        return Rejected(message, Reason.UNEXPECTED_KIND, detail)
    if topic.kind is Kind.STATUS and not message.payload:
        return Ignored(message, "empty payload clears a retained status")
    try:
        body = decode(message.payload, payload_type)
    except ContractError as exc:
        return Rejected(message, exc.reason, exc.detail)
    if body.gateway_id != topic.gateway_id:
        return Rejected(
            message,
            Reason.GATEWAY_MISMATCH,
            f"payload gateway_id {body.gateway_id!r} differs from topic gateway {topic.gateway_id!r}",
        )
    return Accepted(message, topic.gateway_id, body)
