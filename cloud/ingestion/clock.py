"""Each gateway's clock offset and late rows, kept on its ``gateways`` row as batches are written.

A batch's ``sent_at`` (the gateway's clock when it published) minus the time the cloud received it is the
gateway's clock offset minus the transit time, and transit (a slow link, a broker queue while ingestion was
down) only ever makes that sample lower. So the estimate is the highest sample seen, over the current and
the previous ``OFFSET_WINDOW``: a backlog delivered late cannot drag the figure down by itself, while a
gateway whose clock really moved is followed within two windows. The ticket engine corrects event times
by this figure when it judges freshness (``cloud.engine.policy``); the gateways API shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg2.extras import execute_values

from cloud.ingestion.routing import Accepted

# Long enough to hold steady-state samples on both sides of a short outage; short enough that a gateway
# whose clock was set a few minutes back is followed within ten minutes.
OFFSET_WINDOW_S = 300

_NEW_WINDOW = (
    f"(g.clock_window_start IS NULL OR g.clock_window_start <= now() - interval '{OFFSET_WINDOW_S} s')"
)
# One row per gateway; an offset of NULL (no usable sent_at) leaves the clock columns as they are.
_RECORD = f"""
INSERT INTO gateways AS g
    (id, clock_offset_s, clock_window_max_s, clock_window_start, clock_offset_at, late_rows)
VALUES %s
ON CONFLICT (id) DO UPDATE SET
    clock_offset_s = CASE
        WHEN EXCLUDED.clock_offset_s IS NULL THEN g.clock_offset_s
        WHEN {_NEW_WINDOW} THEN GREATEST(g.clock_window_max_s, EXCLUDED.clock_offset_s)
        ELSE GREATEST(g.clock_offset_s, EXCLUDED.clock_offset_s) END,
    clock_window_max_s = CASE
        WHEN EXCLUDED.clock_offset_s IS NULL THEN g.clock_window_max_s
        WHEN {_NEW_WINDOW} THEN EXCLUDED.clock_offset_s
        ELSE GREATEST(g.clock_window_max_s, EXCLUDED.clock_offset_s) END,
    clock_window_start = CASE
        WHEN EXCLUDED.clock_offset_s IS NULL THEN g.clock_window_start
        WHEN {_NEW_WINDOW} THEN now()
        ELSE g.clock_window_start END,
    clock_offset_at = COALESCE(EXCLUDED.clock_offset_at, g.clock_offset_at),
    late_rows = g.late_rows + EXCLUDED.late_rows"""
_TEMPLATE = "(%s, %s, %s, CASE WHEN %s THEN now() END, CASE WHEN %s THEN now() END, %s)"


def record_clocks(cursor: Any, items: Sequence[Accepted]) -> int:
    """Fold the clock samples and late rows of ``items`` (data messages) into their gateways' rows.

    Returns the number of late rows. Runs in the caller's transaction (psycopg2 cursor, no commit).
    """
    samples: dict[str, float | None] = {}
    late: dict[str, int] = {}
    for item in items:
        gateway = item.gateway_id
        late[gateway] = late.get(gateway, 0) + item.late_rows
        offset, best = item.clock_offset_s, samples.get(gateway)
        samples[gateway] = offset if best is None else best if offset is None else max(best, offset)
    # Sorted so that concurrent workers lock gateway rows in the same order.
    rows = []
    for gateway in sorted(samples):
        sample = samples[gateway]
        rows.append((gateway, sample, sample, sample is not None, sample is not None, late[gateway]))
    execute_values(cursor, _RECORD, rows, template=_TEMPLATE)
    return sum(late.values())
