"""A large fleet written straight into the database: one reading and one prediction per machine.

Used by the fleet-table browser test and by ``bench/fleet_table.py``: both need many machines whose order by
risk is known in advance. Risks are a permutation of 0.000 ... 0.999 (i * 7919 mod 1000, 7919 being prime to
1000), so no two machines tie and the riskiest and least risky are known.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

GATEWAY = "gw-big"
_MACHINE_SQL = (
    "INSERT INTO machines (id, name, type, gateway_id, created_at) VALUES (:id, :name, 'pump', :gw, :created)"
)
_READING_SQL = (
    "INSERT INTO sensor_data (id, machine_id, timestamp, temperature, vibration, rpm, gateway_id, seq)"
    " VALUES (:id, :mid, :ts, 61.5, 2.1, 1490, :gw, :seq)"
)
_PREDICTION_SQL = (
    "INSERT INTO predictions (id, machine_id, timestamp, failure_prob, is_anomaly, anomaly_score,"
    " model_version, gateway_id, seq, features, fault)"
    " VALUES (:id, :mid, :ts, :p, false, :p, 'm-big', :gw, :seq, '{}'::jsonb, NULL)"
)


@dataclass(frozen=True)
class BigMachine:
    """One seeded machine and its risk."""

    id: str
    name: str
    risk: float


def risk_of(index: int) -> float:
    """The seeded risk of machine ``index`` (distinct for 1,000 machines)."""
    return ((index * 7919) % 1000) / 1000


def seed_big_fleet(database_url: str, count: int, now: datetime) -> list[BigMachine]:
    """``count`` machines named "Unit 0000"..., on gateway gw-big (online), read 5 s and scored 2 s before
    ``now``; returns them in seeding order."""
    machines = [BigMachine(str(uuid.uuid4()), f"Unit {i:04}", risk_of(i)) for i in range(count)]
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO gateways (id, online, last_seen, agent_version, model_version, outbox_depth,"
                " dropped) VALUES (:gw, true, :now, '0.1.0', 'm-big', 0, '{}'::jsonb)"
                " ON CONFLICT (id) DO NOTHING"
            ),
            {"gw": GATEWAY, "now": now},
        )
        created = now - timedelta(hours=1)
        conn.execute(
            sa.text(_MACHINE_SQL),
            [{"id": m.id, "name": m.name, "gw": GATEWAY, "created": created} for m in machines],
        )
        conn.execute(
            sa.text(_READING_SQL),
            [
                {
                    "id": str(uuid.uuid4()),
                    "mid": m.id,
                    "ts": now - timedelta(seconds=5),
                    "gw": GATEWAY,
                    "seq": k,
                }
                for k, m in enumerate(machines)
            ],
        )
        conn.execute(
            sa.text(_PREDICTION_SQL),
            [
                {
                    "id": str(uuid.uuid4()),
                    "mid": m.id,
                    "ts": now - timedelta(seconds=2),
                    "p": m.risk,
                    "gw": GATEWAY,
                    "seq": count + k,
                }
                for k, m in enumerate(machines)
            ],
        )
    engine.dispose()
    return machines
