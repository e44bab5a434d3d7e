"""Every text field of the contract refuses what PostgreSQL cannot store, naming the field."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from contract.codec import ContractError, decode, decode_any
from contract.payloads import DeploymentReport, GatewayStatus

pytestmark = pytest.mark.unit

ID = "0195f0a2-0000-7000-8000-000000000001"
TS = "2026-11-26T12:00:00Z"
PREDICTION = {
    "id": ID,
    "seq": 1,
    "machine_id": ID,
    "ts": TS,
    "failure_prob": 0.5,
    "anomaly_score": 0.5,
    "is_anomaly": False,
    "model_version": "m-1",
    "features": {"rpm_mean": 1.0},
}
STATUS = {
    "type": "status",
    "gateway_id": "gw-01",
    "online": True,
    "ts": TS,
    "dropped": {"outbox_full": 1},
    "machines": [{"id": ID, "name": "press", "type": "hydraulic", "location": "hall A"}],
}
REPORT = {
    "type": "deployment",
    "gateway_id": "gw-01",
    "rollout_id": None,
    "version": "m-2",
    "state": "shadow",
    "ts": TS,
    "serving": "m-1",
    "shadow": {
        "champion": "m-1",
        "challenger": "m-2",
        "windows": 1,
        "agreement": 1.0,
        "score_drift": 0.0,
        "mean_abs_diff": 0.0,
        "champion_latency_ms_p95": 1.0,
        "challenger_latency_ms_p95": 1.0,
    },
}


def _predictions(prediction: dict[str, Any]) -> dict[str, Any]:
    return {"type": "predictions", "gateway_id": "gw-01", "sent_at": TS, "predictions": [prediction]}


# (field kind, message with the bad text put in, the path the error must name)
CASES = [
    ("short text", lambda t: STATUS | {"agent_version": t}, "$.agent_version"),
    ("short text in a prediction", lambda t: _predictions(PREDICTION | {"model_version": t}), "model_ver"),
    ("a machine's name", lambda t: STATUS | {"machines": [STATUS["machines"][0] | {"name": t}]}, "name"),
    ("optional text", lambda t: STATUS | {"machines": [STATUS["machines"][0] | {"location": t}]}, "loc"),
    ("unbounded text", lambda t: STATUS | {"last_error": t}, "$.last_error"),
    ("a features key", lambda t: _predictions(PREDICTION | {"features": {t: 1.0}}), "features"),
    ("a dropped key", lambda t: STATUS | {"dropped": {t: 1}}, "$.dropped"),
    ("long text", lambda t: REPORT | {"detail": t}, "$.detail"),
    ("nested short text", lambda t: REPORT | {"shadow": REPORT["shadow"] | {"champion": t}}, "champion"),
]


def _decode(message: dict[str, Any]) -> object:
    data = json.dumps(message).encode()  # ensure_ascii: NUL goes as \u0000, a lone surrogate as \udc80
    if message["type"] == "deployment":
        return decode(data, DeploymentReport)
    return decode_any(data)


@pytest.mark.parametrize(("kind", "build", "path"), CASES, ids=[c[0] for c in CASES])
def test_a_nul_is_refused_naming_the_field(kind: str, build: Any, path: str) -> None:
    _decode(build("fine text, with ünïcødé ✓"))  # the same message with good text decodes
    with pytest.raises(ContractError) as err:
        _decode(build("abc\x00def"))
    assert err.value.reason == "invalid"
    assert "NUL (U+0000)" in err.value.detail and path in err.value.detail


@pytest.mark.parametrize(("kind", "build", "path"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("surrogate", ["\ud800", "\udfff", "x\udc80y"])
def test_a_lone_surrogate_is_refused(kind: str, build: Any, path: str, surrogate: str) -> None:
    # JSON can carry one only as an escape, which the parser refuses before any field is looked at.
    with pytest.raises(ContractError) as err:
        _decode(build(surrogate))
    assert err.value.reason == "malformed"
    assert "surrogate" in err.value.detail or "truncated" in err.value.detail


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "\x00"])
def test_the_field_types_refuse_unstorable_text_from_any_source(text: str) -> None:
    # A str made in Python (not parsed from JSON) meets the same constraint when validated.
    with pytest.raises(msgspec.ValidationError, match="agent_version"):
        msgspec.convert(STATUS | {"agent_version": text, "type": "status"}, GatewayStatus)


def test_a_trailing_newline_is_text_like_any_other() -> None:
    decoded = decode_any(json.dumps(STATUS | {"last_error": "disk full\n"}).encode())
    assert decoded.last_error == "disk full\n"  # type: ignore[union-attr]
