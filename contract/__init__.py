"""The wire contract between the edge and the cloud: topics, payloads and their codec.

Imported by both sides and depending on neither. Every payload carries ``schema_version``;
every topic is built and parsed by :mod:`contract.topics` and nowhere else.
"""

from contract.codec import ContractError, decode, encode
from contract.payloads import (
    SCHEMA_VERSION,
    GatewayStatus,
    MachineInfo,
    MaintenanceCommand,
    Prediction,
    PredictionBatch,
    Reading,
    TelemetryBatch,
    new_id,
)

__all__ = [
    "SCHEMA_VERSION",
    "ContractError",
    "GatewayStatus",
    "MachineInfo",
    "MaintenanceCommand",
    "Prediction",
    "PredictionBatch",
    "Reading",
    "TelemetryBatch",
    "decode",
    "encode",
    "new_id",
]
