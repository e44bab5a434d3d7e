"""What the API says about gateways."""

from __future__ import annotations

from pydantic import BaseModel

from cloud.timerange import UtcDatetime


class GatewayRead(BaseModel):
    """A gateway with the status it last reported and how many machines it serves."""

    id: str
    online: bool
    last_seen: UtcDatetime | None
    agent_version: str | None
    model_version: str | None
    outbox_depth: int
    dropped: dict[str, int]
    last_error: str | None
    machine_count: int
    # Machines it announced that await an engineer's approval (included in machine_count).
    pending_machines: int = 0
    # Rows it sent for machines of other gateways, all dead-lettered (reason foreign_machine).
    foreign_rows: int = 0
    # Seconds the gateway's clock runs ahead of the cloud's (negative: behind), transit included; None
    # until its first readings or predictions arrive.
    clock_offset_s: float | None = None
    clock_offset_at: UtcDatetime | None = None
    # Rows stored late (a backlog older than MAINTAINX_INGEST_LATE_AFTER_S when it arrived).
    late_rows: int = 0


class SeqGaps(BaseModel):
    """Missing seqs of one stream of a gateway, between the lowest and highest stored."""

    stream: str
    first_seq: int | None
    last_seq: int | None
    # Distinct seqs stored, and how many between first_seq and last_seq are not.
    stored: int
    missing: int
    # Inclusive [first, last] ranges of missing seqs, oldest first, at most 100 (``more_ranges`` if cut).
    ranges: list[tuple[int, int]]
    more_ranges: bool


class GatewayGaps(BaseModel):
    """A gateway's sequence gaps per stream, beside what its outbox reported dropping by policy."""

    gateway_id: str
    streams: list[SeqGaps]
    dropped: dict[str, int]
