"""Cost of the gateway-ownership check on ingestion's hot path: ``python -m bench.ingest_ownership``.

Times ``Ownership.check`` on telemetry messages whose machines are all cached as the sender's (the steady
state: no query is made) against building the same messages' COPY text (``writer.reading_text``, work
every message costs anyway), best of 7 rounds in one run. 200 messages of 100 readings, each naming 100
distinct machines (the worst case for a per-machine check). Prints details, then one JSON object.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.host import machine_info
from cloud.ingestion.messages import Inbound
from cloud.ingestion.ownership import Ownership
from cloud.ingestion.routing import Accepted
from cloud.ingestion.stats import WriteStats
from cloud.ingestion.writer import reading_text
from contract.payloads import Reading, TelemetryBatch, new_id

MESSAGES = 200
ROWS = 100
ROUNDS = 7


def _messages(machines: list[uuid.UUID]) -> list[Accepted]:
    t0 = datetime.now(UTC)
    out = []
    for k in range(MESSAGES):
        rows = [
            Reading(
                id=new_id(),
                seq=k * ROWS + i,
                machine_id=machines[i],
                ts=t0 + timedelta(seconds=k),
                temperature=60.0,
                vibration=2.5,
                rpm=1480.0,
            )
            for i in range(ROWS)
        ]
        batch = TelemetryBatch(gateway_id="gw-01", sent_at=t0, readings=rows)
        out.append(Accepted(Inbound("bench", b"", 0, 1, 0), "gw-01", batch))
    return out


def _best(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> dict[str, Any]:
    """Run the measurement; return the figures."""
    machines = [uuid.uuid4() for _ in range(ROWS)]
    messages = _messages(machines)
    owners = Ownership(ttl_s=3600.0)
    for machine_id in machines:
        owners.found(machine_id, "gw-01")
    owners.committed()
    rows = MESSAGES * ROWS
    check_s = _best(lambda: owners.check(None, messages, WriteStats()))
    copy_s = _best(lambda: [reading_text(m) for m in messages])
    return {
        "ownership_check_us_per_row": round(check_s / rows * 1e6, 3),
        "copy_text_us_per_row": round(copy_s / rows * 1e6, 3),
        "ratio": round(check_s / copy_s, 3),
        "machine": machine_info(),
    }


if __name__ == "__main__":
    result = main()
    print(f"ownership check: {result['ownership_check_us_per_row']} us/reading (all machines cached)")
    print(f"COPY text of the same readings: {result['copy_text_us_per_row']} us/reading")
    print(json.dumps(result))
