"""Gaps in a gateway's sequences: the seqs missing between the lowest and highest stored, per stream.

Every reading and prediction carries a per-gateway, per-stream ``seq`` that the agent advances by one per
record (invariant 1), so a seq the database lacks is a record not (yet) stored. A gap that closes within
seconds was in flight (workers commit batches out of order, the agent resends what the cloud has not
confirmed); one that stays is either what the gateway's outbox dropped by policy (its status counts those,
shown beside) or a loss, which the end-to-end acknowledgement exists to prevent. Seqs below the lowest stored
are not counted: retention removes the oldest days on purpose.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.gateways.schemas import SeqGaps

# Ranges listed per stream; ``missing`` always counts them all.
MAX_RANGES = 100

_TABLES = {"readings": "sensor_data", "predictions": "predictions"}

_SPAN = "SELECT min(seq), max(seq), count(DISTINCT seq) FROM {table} WHERE gateway_id = :g"
_RANGES = """
SELECT seq + 1, next_seq - 1 FROM (
    SELECT seq, lead(seq) OVER (ORDER BY seq) AS next_seq
    FROM (SELECT DISTINCT seq FROM {table} WHERE gateway_id = :g) AS stored
) AS walk
WHERE next_seq > seq + 1
ORDER BY seq
LIMIT :limit"""


def seq_gaps(*, db_session: Session, gateway_id: str) -> list[SeqGaps]:
    """The missing seq ranges of each stream of one gateway (empty streams included, with nothing missing)."""
    out = []
    for stream, table in _TABLES.items():
        first, last, stored = db_session.execute(sa.text(_SPAN.format(table=table)), {"g": gateway_id}).one()
        ranges: list[tuple[int, int]] = []
        missing = 0
        if first is not None:
            missing = last - first + 1 - stored
            if missing:
                rows = db_session.execute(
                    sa.text(_RANGES.format(table=table)), {"g": gateway_id, "limit": MAX_RANGES + 1}
                ).all()
                ranges = [(int(a), int(b)) for a, b in rows]
        out.append(
            SeqGaps(
                stream=stream,
                first_seq=first,
                last_seq=last,
                stored=stored,
                missing=missing,
                ranges=ranges[:MAX_RANGES],
                more_ranges=len(ranges) > MAX_RANGES,
            )
        )
    return out
