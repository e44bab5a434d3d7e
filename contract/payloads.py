"""Payload models of the wire contract, one frozen struct per message.

Identity is given at the edge (invariant 1): every reading and prediction carries a time-ordered
UUIDv7 ``id`` and a per-gateway, per-stream ``seq`` so the cloud can store it exactly once and
detect gaps. Times are timezone-aware UTC (invariant 7).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Final, Literal

import msgspec

SCHEMA_VERSION: Final = 1

# Physical plausibility bounds: a value outside them is a broken sensor or a bad payload, not data.
Temperature = Annotated[float, msgspec.Meta(ge=-60.0, le=400.0, description="degrees Celsius")]
Vibration = Annotated[float, msgspec.Meta(ge=0.0, le=500.0, description="RMS velocity, mm/s")]
Rpm = Annotated[float, msgspec.Meta(ge=0.0, le=60_000.0, description="revolutions per minute")]
Probability = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
UtcTime = Annotated[datetime, msgspec.Meta(tz=True)]
Seq = Annotated[int, msgspec.Meta(ge=0)]
GatewayId = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
# Text the cloud can store: PostgreSQL refuses U+0000 in text and jsonb, and UTF-8 has no lone surrogates,
# so a value holding either would be accepted here and then fail inside the database (a poison message).
# Refused at the boundary instead; codec.decode names the field. ``\Z``, not ``$``, which allows a final "\n".
STORABLE_TEXT_PATTERN: Final = r"^[^\x00\ud800-\udfff]*\Z"
Text = Annotated[str, msgspec.Meta(pattern=STORABLE_TEXT_PATTERN)]
ShortText = Annotated[str, msgspec.Meta(max_length=200, pattern=STORABLE_TEXT_PATTERN)]
LongText = Annotated[str, msgspec.Meta(max_length=2_000, pattern=STORABLE_TEXT_PATTERN)]
# A failure mode's name as a model's fault classifier gives it ("bearing_wear"); the cloud's API takes the
# same names from technicians.
FAULT_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
FaultName = Annotated[str, msgspec.Meta(pattern=FAULT_NAME_PATTERN)]
# Batches are bounded so one message cannot ask the cloud for unbounded memory.
MAX_BATCH = 5_000


# UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version, 12-bit counter (rand_a), variant, 62 random bits.
# The counter makes ids strictly increasing within a process even inside one millisecond (RFC 9562
# section 6.2, method 1); it starts each millisecond at a random value below 2**11, leaving room to count,
# and when it overflows it carries into the timestamp, so order holds even if the clock steps back.
# Written here rather than imported: the uuid6 package pulls in importlib.metadata, which a gateway pays
# for in resident memory.
_COUNTER_BITS = 12
_COUNTER_SEED_BITS = 11
_RANDOM_BITS = 62
_VERSION_7 = 0x7 << 76
_VARIANT_RFC = 0b10 << 62
_last_stamp = 0  # (ms << _COUNTER_BITS) | counter of the last id made
_stamp_lock = threading.Lock()


def new_id() -> uuid.UUID:
    """A new time-ordered (UUIDv7) identity for a record made at the edge, increasing within a process."""
    global _last_stamp
    noise = int.from_bytes(os.urandom(10))
    stamp = (time.time_ns() // 1_000_000) << _COUNTER_BITS | (noise >> 68) & ((1 << _COUNTER_SEED_BITS) - 1)
    with _stamp_lock:
        if stamp >> _COUNTER_BITS <= _last_stamp >> _COUNTER_BITS:
            stamp = _last_stamp + 1  # same (or an earlier) millisecond: count on from the last id
        _last_stamp = stamp
    ms, counter = stamp >> _COUNTER_BITS, stamp & ((1 << _COUNTER_BITS) - 1)
    rand_b = noise & ((1 << _RANDOM_BITS) - 1)
    return uuid.UUID(int=(ms & ((1 << 48) - 1)) << 80 | _VERSION_7 | counter << 64 | _VARIANT_RFC | rand_b)


class Reading(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One sample of one machine's sensors."""

    id: uuid.UUID
    seq: Seq
    machine_id: uuid.UUID
    ts: UtcTime
    temperature: Temperature
    vibration: Vibration
    rpm: Rpm


class Prediction(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """One model verdict on one machine's window ending at ``ts``.

    Optional fields left at their default are not sent, so a payload without a fault still decodes in a
    cloud that predates the field.
    """

    id: uuid.UUID
    seq: Seq
    machine_id: uuid.UUID
    ts: UtcTime
    failure_prob: Probability
    anomaly_score: Probability
    is_anomaly: bool
    model_version: ShortText
    # The window features the model saw, by name, so a ticket can say why.
    features: dict[Text, float] | None = None
    # The failure mode the model names for a window at risk; None when it names none (no fault
    # classifier, or failure_prob below the model's threshold). Optional, so older agents' payloads decode.
    fault: FaultName | None = None


class TelemetryBatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="telemetry"):
    """Readings a gateway sends in one message."""

    gateway_id: GatewayId
    sent_at: UtcTime
    readings: Annotated[list[Reading], msgspec.Meta(min_length=1, max_length=MAX_BATCH)]
    schema_version: Literal[1] = SCHEMA_VERSION


class PredictionBatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="predictions"):
    """Predictions a gateway sends in one message."""

    gateway_id: GatewayId
    sent_at: UtcTime
    predictions: Annotated[list[Prediction], msgspec.Meta(min_length=1, max_length=MAX_BATCH)]
    schema_version: Literal[1] = SCHEMA_VERSION


class MachineInfo(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A machine a gateway serves, announced in its status so the cloud can register it."""

    id: uuid.UUID
    name: ShortText
    type: ShortText
    location: ShortText | None = None


class GatewayStatus(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="status"):
    """Retained gateway status; the broker publishes the offline form as the last will."""

    gateway_id: GatewayId
    online: bool
    ts: UtcTime
    agent_version: ShortText = ""
    model_version: ShortText = ""
    outbox_depth: Annotated[int, msgspec.Meta(ge=0)] = 0
    dropped: dict[Text, int] = {}
    last_error: Text | None = None
    machines: list[MachineInfo] = []
    # The broker connection this status belongs to (new at every connect), and whether the broker sent it
    # as the last will of that connection: the cloud takes a will as "offline" only when it names the
    # connection of the newest status, whatever its ts (a will is made at connect time).
    session: ShortText = ""
    will: bool = False
    schema_version: Literal[1] = SCHEMA_VERSION


class MaintenanceCommand(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="maintenance"):
    """Cloud to gateway: maintenance was done on a machine (its ticket was resolved)."""

    machine_id: uuid.UUID
    ticket_id: uuid.UUID
    ts: UtcTime
    action: Literal["repaired"] = "repaired"
    schema_version: Literal[1] = SCHEMA_VERSION


Message = TelemetryBatch | PredictionBatch | GatewayStatus | MaintenanceCommand


# --- Model rollout (issue 6) -------------------------------------------------------------------------------
# Appended rather than merged into ``Message``: the ingestion's decode_any must not start accepting them.


class ModelUpdateCommand(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="model_update"):
    """Cloud to gateway: fetch this model, verify it against its signed manifest, then run or shadow it."""

    rollout_id: uuid.UUID
    version: ShortText
    # Where the artifact's bytes are served (HTTP Range supported); the signed manifest pins their hash.
    url: LongText
    # The signed manifest envelope as JSON text; the agent trusts nothing here that it does not verify.
    envelope: Annotated[str, msgspec.Meta(max_length=64_000, pattern=STORABLE_TEXT_PATTERN)]
    ts: UtcTime
    mode: Literal["deploy", "shadow"] = "deploy"
    # An operator's explicit pin: allows an older version (a deliberate rollback), never a bad signature.
    pinned: bool = False
    # A scoring run over this many milliseconds counts as a failure of the new model.
    latency_budget_ms: Annotated[float, msgspec.Meta(gt=0)] = 250.0
    schema_version: Literal[1] = SCHEMA_VERSION


class ShadowStats(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How a challenger running in shadow compared with the champion over ``windows`` scored windows."""

    champion: ShortText
    challenger: ShortText
    windows: Annotated[int, msgspec.Meta(ge=0)]
    # Share of windows where both models took the same alert decision (failure and anomaly thresholds).
    agreement: Probability
    # Mean of challenger minus champion failure_prob: a drift of the score, signed.
    score_drift: float
    mean_abs_diff: float
    champion_latency_ms_p95: float
    challenger_latency_ms_p95: float
    errors: Annotated[int, msgspec.Meta(ge=0)] = 0


DeploymentState = Literal["downloading", "verified", "rejected", "active", "shadow", "rolled_back", "failed"]


class DeploymentReport(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="deployment"):
    """Gateway to cloud: what happened to a model update, and which model is serving now."""

    gateway_id: GatewayId
    rollout_id: uuid.UUID | None
    version: ShortText
    state: DeploymentState
    ts: UtcTime
    serving: ShortText
    detail: LongText = ""
    shadow: ShadowStats | None = None
    schema_version: Literal[1] = SCHEMA_VERSION


# --- End-to-end acknowledgement (issue 13) ------------------------------------------------------------------
# Inclusive ``[first, last]`` seq ranges: a batch of consecutive records costs one pair on the wire.
SeqRange = tuple[Seq, Seq]


class CommitAck(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag="committed", omit_defaults=True):
    """Cloud to gateway: these records of yours are committed; the edge may now forget them.

    A broker's PUBACK is no proof of storage (a restarted Mosquitto can forget what it acknowledged), so
    the agent deletes a record only when a CommitAck covers it, and resends what none covers. Each ack
    names explicit seq ranges, per stream, of the records in one committed transaction, rather than a
    "everything up to N" watermark: several workers on a shared subscription commit batches of the same
    gateway concurrently and out of order, so no single worker knows a contiguous prefix, and a watermark
    read back from the database would hold every record behind a gap (a record the outbox dropped, or one
    still in flight) until that gap closed. Ranges are idempotent and commutative: a lost or repeated ack
    costs a resend or nothing. A record counts as committed once the cloud holds it durably: inserted,
    already stored (a duplicate) or dead-lettered; resending any of those could change nothing.
    """

    ts: UtcTime
    readings: Annotated[list[SeqRange], msgspec.Meta(max_length=MAX_BATCH)] = []
    predictions: Annotated[list[SeqRange], msgspec.Meta(max_length=MAX_BATCH)] = []
    schema_version: Literal[1] = SCHEMA_VERSION


def seq_ranges(seqs: Iterable[int]) -> list[SeqRange]:
    """Collapse ``seqs`` (any order, repeats allowed) into sorted, disjoint, inclusive ranges."""
    ranges: list[list[int]] = []
    for seq in sorted(set(seqs)):
        if ranges and seq == ranges[-1][1] + 1:
            ranges[-1][1] = seq
        else:
            ranges.append([seq, seq])
    return [(first, last) for first, last in ranges]
