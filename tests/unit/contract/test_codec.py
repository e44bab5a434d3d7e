"""The codec round-trips every payload and turns any bad input into a ContractError with a reason."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract import (
    ContractError,
    GatewayStatus,
    MachineInfo,
    Prediction,
    PredictionBatch,
    Reading,
    TelemetryBatch,
    decode,
    encode,
    new_id,
)
from contract.codec import MAX_PAYLOAD_BYTES, decode_any

pytestmark = pytest.mark.unit

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
MACHINE = uuid.UUID("00000000-0000-4000-8000-000000000001")


def reading(seq: int = 1, **changes: object) -> Reading:
    fields = dict(
        id=new_id(), seq=seq, machine_id=MACHINE, ts=T0, temperature=60.5, vibration=2.1, rpm=1480.0
    )
    fields.update(changes)
    return Reading(**fields)  # type: ignore[arg-type]


def telemetry(*readings: Reading) -> TelemetryBatch:
    return TelemetryBatch(gateway_id="gw-01", sent_at=T0, readings=list(readings or [reading()]))


finite = st.floats(allow_nan=False, allow_infinity=False)
readings = st.builds(
    Reading,
    id=st.uuids(),
    seq=st.integers(0, 2**62),
    machine_id=st.uuids(),
    ts=st.datetimes(timezones=st.just(UTC)),
    temperature=st.floats(-60, 400),
    vibration=st.floats(0, 500),
    rpm=st.floats(0, 60_000),
)


@settings(max_examples=200)
@given(st.lists(readings, min_size=1, max_size=50))
def test_any_valid_telemetry_batch_round_trips_exactly(batch: list[Reading]) -> None:
    message = TelemetryBatch(gateway_id="gw-01", sent_at=T0, readings=batch)
    assert decode(encode(message), TelemetryBatch) == message


@settings(max_examples=300)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_never_escape_as_anything_but_a_contract_error(data: bytes) -> None:
    try:
        decode(data, TelemetryBatch)
    except ContractError as exc:
        assert exc.reason in {"malformed", "invalid", "wrong_schema_version"}


@settings(max_examples=100)
@given(st.sampled_from(["temperature", "vibration", "rpm"]), finite)
def test_values_outside_physical_bounds_are_rejected_naming_the_field(field: str, value: float) -> None:
    bounds = {"temperature": (-60, 400), "vibration": (0, 500), "rpm": (0, 60_000)}[field]
    data = encode(telemetry(reading(**{field: value})))
    if bounds[0] <= value <= bounds[1]:
        assert getattr(decode(data, TelemetryBatch).readings[0], field) == value
    else:
        with pytest.raises(ContractError, match=rf"readings\[0\]\.{field}") as err:
            decode(data, TelemetryBatch)
        assert err.value.reason == "invalid"


def test_a_newer_schema_version_is_reported_as_such() -> None:
    data = encode(telemetry()).replace(b'"schema_version":1', b'"schema_version":2')
    with pytest.raises(ContractError) as err:
        decode(data, TelemetryBatch)
    assert err.value.reason == "wrong_schema_version"


def test_naive_timestamps_are_rejected_because_event_time_must_be_utc() -> None:
    data = encode(telemetry()).replace(b'T12:00:00Z"', b'T12:00:00"', 1)
    with pytest.raises(ContractError, match="timezone"):
        decode(data, TelemetryBatch)


def test_oversized_payloads_are_refused_before_parsing() -> None:
    with pytest.raises(ContractError) as err:
        decode(b" " * (MAX_PAYLOAD_BYTES + 1), TelemetryBatch)
    assert err.value.reason == "oversized"


def test_unknown_fields_are_refused_rather_than_silently_dropped() -> None:
    data = encode(telemetry()).replace(b'"rpm":1480.0', b'"rpm":1480.0,"torque":3')
    with pytest.raises(ContractError, match="torque"):
        decode(data, TelemetryBatch)


def test_empty_batches_are_invalid() -> None:
    data = encode(telemetry()).split(b'"readings":')[0] + b'"readings":[],"schema_version":1}'
    with pytest.raises(ContractError, match="readings"):
        decode(data, TelemetryBatch)


def test_decode_any_tells_message_kinds_apart_by_their_tag() -> None:
    status = GatewayStatus(
        gateway_id="gw-01",
        online=True,
        ts=T0,
        machines=[MachineInfo(id=MACHINE, name="Pump 01", type="pump")],
    )
    batch = prediction_batch(features={"temperature_mean": 61.0})
    for message in (telemetry(), batch, status):
        assert decode_any(encode(message)) == message


def test_new_ids_are_time_ordered_uuid7() -> None:
    ids = [new_id() for _ in range(1000)]
    assert all(i.version == 7 for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_a_reading_keeps_its_event_time_to_the_microsecond() -> None:
    ts = T0 + timedelta(microseconds=123_456)
    assert decode(encode(telemetry(reading(ts=ts))), TelemetryBatch).readings[0].ts == ts


def prediction_batch(**changes: object) -> PredictionBatch:
    fields: dict[str, object] = dict(
        id=new_id(),
        seq=1,
        machine_id=MACHINE,
        ts=T0,
        failure_prob=0.9,
        anomaly_score=0.7,
        is_anomaly=True,
        model_version="v1",
    )
    fields.update(changes)
    return PredictionBatch(gateway_id="gw-01", sent_at=T0, predictions=[Prediction(**fields)])  # type: ignore[arg-type]


def test_a_prediction_names_its_fault_and_one_from_an_older_agent_without_it_still_decodes() -> None:
    named = prediction_batch(fault="bearing_wear")
    assert decode(encode(named), PredictionBatch).predictions[0].fault == "bearing_wear"
    older = encode(prediction_batch())
    assert b"fault" not in older  # what an agent without a fault classifier sends
    assert decode(older, PredictionBatch).predictions[0].fault is None


@pytest.mark.parametrize("fault", ["Bearing wear", "", "x" * 65, "bearing-wear"])
def test_a_fault_name_outside_the_pattern_is_refused_naming_the_field(fault: str) -> None:
    data = encode(prediction_batch(fault="bearing_wear")).replace(b'"bearing_wear"', f'"{fault}"'.encode())
    with pytest.raises(ContractError, match=r"predictions\[0\]\.fault"):
        decode(data, PredictionBatch)
