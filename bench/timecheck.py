"""What the event-time check costs ingestion: CPU per reading of decode + time check + COPY text, against
decode + COPY text alone (the baseline, in the same run).

Both run on the MQTT thread of a worker (``cloud/ingestion/consumer.py``), overlapping the writer's database
round trips. Messages of 1,000 readings from 10 machines sharing 100 times, as an agent's batch does; CPU
time (not wall clock), the best of interleaved rounds, so a busy machine moves the figure less.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench.host import machine_info
from cloud.ingestion.messages import Inbound
from cloud.ingestion.routing import Accepted, route
from cloud.ingestion.timecheck import TimeWindow
from cloud.ingestion.writer import prepare, reading_text
from contract.codec import decode, encode
from contract.payloads import Reading, TelemetryBatch, new_id
from contract.topics import Kind, gateway_topic

READINGS = 1_000
MACHINES = 10
ROUNDS = 40
CALLS_PER_ROUND = 50
GATEWAY = "gw-bench"


def _message() -> Inbound:
    now = datetime.now(UTC)
    machines = [new_id() for _ in range(MACHINES)]
    rows = [
        Reading(
            id=new_id(),
            seq=i,
            machine_id=machines[i % MACHINES],
            ts=now - timedelta(seconds=i // MACHINES),
            temperature=60.0,
            vibration=2.0,
            rpm=1500.0,
        )
        for i in range(READINGS)
    ]
    payload = encode(TelemetryBatch(gateway_id=GATEWAY, sent_at=now, readings=rows))
    return Inbound(gateway_topic(GATEWAY, Kind.TELEMETRY), payload, 1, 1, 1)


def _us_per_reading(work: Callable[[], object], best: float) -> float:
    start = time.process_time()
    for _ in range(CALLS_PER_ROUND):
        work()
    return min(best, (time.process_time() - start) / CALLS_PER_ROUND / READINGS * 1e6)


def main() -> None:
    """Print the machine, then the JSON line with both figures and their ratio."""
    info = machine_info()
    print("machine:", json.dumps(info), flush=True)
    message, window = _message(), TimeWindow()

    def baseline() -> object:
        return reading_text(Accepted(message, GATEWAY, decode(message.payload, TelemetryBatch)))

    def checked() -> object:
        return prepare(route(message, window))

    bare = timed = float("inf")
    for _ in range(ROUNDS):
        bare = _us_per_reading(baseline, bare)
        timed = _us_per_reading(checked, timed)
    result = {
        "decode_copy_text_us_per_reading": round(bare, 3),
        "with_time_check_us_per_reading": round(timed, 3),
        "time_check_ratio": round(timed / bare, 3),
        "machine": info,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
