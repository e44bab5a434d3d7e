"""The ticket engine against stored predictions dated far outside the present (written before event times
were checked): it stays up, and future-dated rows never hide the present ones."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from cloud.config import Settings
from cloud.engine.runner import TicketEngine, run_engine
from cloud.tickets.models import MaintenanceTicket

pytestmark = pytest.mark.integration


def _store(sessions: sessionmaker[Session], machine: uuid.UUID, times: list[str], prob: float = 0.95) -> None:
    with sessions.begin() as s:
        for i, ts in enumerate(times):
            s.execute(
                sa.text(
                    'INSERT INTO predictions (id, machine_id, "timestamp", failure_prob, is_anomaly, '
                    "anomaly_score, model_version, gateway_id, seq) VALUES (gen_random_uuid(), :m, "
                    "CAST(:ts AS timestamptz), :p, true, 0.9, 'm-1', 'gw-01', :seq)"
                ),
                {"m": machine, "ts": ts, "p": prob, "seq": 1000 + i},
            )


def _titles(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as s:
        return list(s.scalars(sa.select(MaintenanceTicket.title)))


def test_a_prediction_dated_year_0_or_10000_does_not_stop_the_engine(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    seed.gateway("gw-01")
    odd = seed.machine("Pump 01", gateway_id="gw-01")
    _store(sessions, odd, ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
    risky = seed.machine("Pump 02", gateway_id="gw-01")
    seed.predictions(risky, [0.9, 0.9, 0.9])

    result = TicketEngine(sessions).tick()

    assert result.evaluated == 2 and _titles(sessions) == ["Failure risk on Pump 02"]


def test_the_engine_loop_survives_a_year_0_prediction_on_every_tick(
    settings: Settings, sessions: sessionmaker[Session], seed: Any
) -> None:
    seed.gateway("gw-01")
    _store(sessions, seed.machine("Pump 01", gateway_id="gw-01"), ["0001-01-01T00:00:00+01:00"])
    risky = seed.machine("Pump 02", gateway_id="gw-01")
    stop = threading.Event()
    loop = threading.Thread(target=run_engine, args=(settings, stop), daemon=True)
    loop.start()
    try:
        seed.predictions(risky, [0.9, 0.9, 0.9])
        deadline = datetime.now(UTC) + timedelta(seconds=20)
        while not _titles(sessions) and datetime.now(UTC) < deadline and loop.is_alive():
            stop.wait(0.1)
        assert loop.is_alive(), "the engine loop exited"
    finally:
        stop.set()
        loop.join(10)
    assert _titles(sessions) == ["Failure risk on Pump 02"]


def test_predictions_dated_2100_do_not_stop_a_later_valid_risk_opening_a_ticket(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    seed.gateway("gw-01")
    machine = seed.machine("Pump 01", gateway_id="gw-01")
    _store(sessions, machine, [f"2100-01-01T00:00:0{i}Z" for i in range(3)], prob=0.1)
    engine = TicketEngine(sessions)
    assert engine.tick().opened == 0

    seed.predictions(machine, [0.91, 0.92, 0.93])

    assert engine.tick().opened == 1
    assert _titles(sessions) == ["Failure risk on Pump 01"]
