"""Decode routing: pick the payload type from the topic, validate, check event times, and turn every
failure into a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cloud.ingestion.dead_letter import Reason, Rejected
from cloud.ingestion.messages import Inbound
from cloud.ingestion.timecheck import TimeWindow, clock_offset_s, screen
from contract.codec import ContractError, decode
from contract.payloads import DeploymentReport, GatewayStatus, PredictionBatch, TelemetryBatch
from contract.topics import Kind, TopicError, parse

Body = TelemetryBatch | PredictionBatch | GatewayStatus | DeploymentReport

_PAYLOAD_TYPES: dict[Kind, type[Body]] = {
    Kind.TELEMETRY: TelemetryBatch,
    Kind.PREDICTIONS: PredictionBatch,
    Kind.STATUS: GatewayStatus,
    # A model update's outcome, stored against its rollout (cloud.registry.reports).
    Kind.DEPLOYMENT: DeploymentReport,
}


@dataclass(frozen=True, slots=True)
class Accepted:
    """A valid message, decoded, from the gateway its topic names."""

    message: Inbound
    gateway_id: str
    body: Body
    # The rows as COPY text, made ahead by ``writer.prepare`` (None: the writer makes it when writing).
    copy_text: str | None = None
    # Rows stored although older than the window's late_after (a backlog): counted on the gateway.
    late_rows: int = 0
    # The sender's clock against ours, from the batch's sent_at (None for a status or a report).
    clock_offset_s: float | None = None
    # The records of this message refused for their time, dead-lettered beside the rows that are kept.
    out_of_window: Rejected | None = None

    @property
    def rows(self) -> int:
        """Rows this message adds to a batch (a status or a report is one row)."""
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


def route(message: Inbound, window: TimeWindow | None = None, now: datetime | None = None) -> Routed:
    """Decode ``message`` by its topic's kind; anything that breaks the contract comes back as Rejected.

    ``now`` is when it was received (default: the clock now); records whose event time falls outside
    ``window`` around it are refused (with no window, only times UTC cannot represent).
    """
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
    now = now or datetime.now(UTC)
    screened = screen(body, now, window)
    refused = None if screened.problem is None else Rejected(message, Reason.OUT_OF_WINDOW, screened.problem)
    if screened.body is None:
        assert refused is not None
        return refused
    offset = None if isinstance(body, GatewayStatus | DeploymentReport) else clock_offset_s(body.sent_at, now)
    return Accepted(message, topic.gateway_id, screened.body, None, screened.late, offset, refused)
