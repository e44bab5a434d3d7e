"""Decode routing: the topic's kind picks the payload type, and every failure becomes a dead-letter reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cloud.ingestion.dead_letter import Reason, Rejected
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import Accepted, Ignored, route
from contract.codec import MAX_PAYLOAD_BYTES, encode
from contract.payloads import GatewayStatus, Prediction, PredictionBatch, Reading, TelemetryBatch, new_id
from contract.topics import Command, Kind, command_topic, gateway_topic

pytestmark = pytest.mark.unit

GW = "gw-7"
TS = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _reading(**changes: object) -> Reading:
    fields: dict[str, object] = dict(
        id=new_id(), seq=1, machine_id=new_id(), ts=TS, temperature=55.0, vibration=1.0, rpm=1500.0
    )
    fields.update(changes)
    return Reading(**fields)  # type: ignore[arg-type]


def _telemetry(gateway_id: str = GW, n: int = 3) -> bytes:
    return encode(TelemetryBatch(gateway_id=gateway_id, sent_at=TS, readings=[_reading() for _ in range(n)]))


def _msg(topic: str, payload: bytes) -> Inbound:
    return Inbound(topic=topic, payload=payload, mid=7, qos=1, epoch=1)


def test_telemetry_topic_decodes_a_telemetry_batch_counting_its_readings() -> None:
    routed = route(_msg(gateway_topic(GW, Kind.TELEMETRY), _telemetry(n=3)))
    assert isinstance(routed, Accepted)
    assert isinstance(routed.body, TelemetryBatch)
    assert (routed.gateway_id, routed.rows) == (GW, 3)


def test_predictions_topic_decodes_a_prediction_batch() -> None:
    prediction = Prediction(
        id=new_id(), seq=0, machine_id=new_id(), ts=TS, failure_prob=0.4, anomaly_score=0.2,
        is_anomaly=False, model_version="m1",
    )  # fmt: skip
    payload = encode(PredictionBatch(gateway_id=GW, sent_at=TS, predictions=[prediction, prediction]))
    routed = route(_msg(gateway_topic(GW, Kind.PREDICTIONS), payload))
    assert isinstance(routed, Accepted) and isinstance(routed.body, PredictionBatch)
    assert routed.rows == 2


def test_status_topic_decodes_a_gateway_status_as_one_row() -> None:
    payload = encode(GatewayStatus(gateway_id=GW, online=True, ts=TS))
    routed = route(_msg(gateway_topic(GW, Kind.STATUS), payload))
    assert isinstance(routed, Accepted) and isinstance(routed.body, GatewayStatus)
    assert routed.rows == 1


def test_an_empty_status_payload_is_ignored_not_dead_lettered() -> None:
    routed = route(_msg(gateway_topic(GW, Kind.STATUS), b""))
    assert isinstance(routed, Ignored)
    assert routed.rows == 0


TELEMETRY = gateway_topic(GW, Kind.TELEMETRY)
STATUS_PAYLOAD = encode(GatewayStatus(gateway_id=GW, online=True, ts=TS))
BAD_MESSAGES = [
    pytest.param(TELEMETRY, b"{not json", Reason.MALFORMED, id="malformed"),
    pytest.param(TELEMETRY, b"", Reason.MALFORMED, id="empty"),
    pytest.param(TELEMETRY, b" " * (MAX_PAYLOAD_BYTES + 1), Reason.OVERSIZED, id="oversized"),
    pytest.param(
        TELEMETRY,
        _telemetry().replace(b'"schema_version":1', b'"schema_version":9'),
        Reason.WRONG_SCHEMA_VERSION,
        id="schema-version",
    ),
    pytest.param(
        TELEMETRY, _telemetry().replace(b'"rpm":1500.0', b'"rpm":-1.0'), Reason.INVALID, id="out-of-range"
    ),
    # A status on the telemetry topic is the wrong message type for that topic.
    pytest.param(TELEMETRY, STATUS_PAYLOAD, Reason.INVALID, id="wrong-type"),
    pytest.param(
        TELEMETRY, _telemetry(gateway_id="gw-other"), Reason.GATEWAY_MISMATCH, id="gateway-mismatch"
    ),
    pytest.param("elsewhere/gw-7/telemetry", _telemetry(), Reason.BAD_TOPIC, id="outside-root"),
    pytest.param("maintainx/v1/gateways/GW 7/telemetry", _telemetry(), Reason.BAD_TOPIC, id="bad-gateway-id"),
    pytest.param(command_topic(GW, Command.MAINTENANCE), b"{}", Reason.UNEXPECTED_KIND, id="command-topic"),
]


@pytest.mark.parametrize(("topic", "payload", "reason"), BAD_MESSAGES)
def test_bad_messages_are_rejected_with_a_reason_and_a_detail(
    topic: str, payload: bytes, reason: str
) -> None:
    message = _msg(topic, payload)
    routed = route(message)
    assert isinstance(routed, Rejected)
    assert routed.reason == reason
    assert routed.detail
    assert routed.message is message  # the raw bytes and topic are kept for the dead_letters row
    assert routed.rows == 1


def test_an_out_of_range_value_names_the_offending_field() -> None:
    payload = _telemetry().replace(b'"rpm":1500.0', b'"rpm":-1.0', 1)
    routed = route(_msg(gateway_topic(GW, Kind.TELEMETRY), payload))
    assert isinstance(routed, Rejected)
    assert "readings[0].rpm" in routed.detail
