"""What travels from the MQTT thread to the writer thread: one frozen record per received message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Inbound:
    """A message as received, before decoding; ``mid``/``qos`` are what the acknowledgement needs."""

    topic: str
    payload: bytes
    mid: int
    qos: int
    # Broker connection this message came on: an acknowledgement is only valid on the same connection,
    # because after a reconnect the broker redelivers it and may reuse the packet id for another message.
    epoch: int
