"""The wire contract between the edge and the cloud: topics, payloads and their codec.

Imported by both sides and depending on neither. Every payload carries ``schema_version``;
every topic is built and parsed by :mod:`contract.topics` and nowhere else. Beside the wire, the ideas both
sides share are defined here once and imported (docs/architecture.md, "One definition of each shared idea"):
the model manifest (:mod:`contract.manifest`), the broker URL (:mod:`contract.mqtt_url`), the MQTT client
(:mod:`contract.mqtt_client`, the one module that needs paho, so it is not imported here) and the JSON log
line (:mod:`contract.logs`).
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
