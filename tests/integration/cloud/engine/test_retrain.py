"""The learning loop against real PostgreSQL: resolved tickets' outcomes -> labelled windows -> new model."""

from __future__ import annotations

import argparse
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from cloud.engine.retrain import EXTRA_WINDOWS, outcome_examples
from cloud.tickets.models import MaintenanceTicket, TicketOutcome, TicketStatus
from contract.features import DEFAULT_WINDOW
from maintainx.commands.model import register

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def resolved_ticket(
    sessions: sessionmaker[Session], seed: Any, machine: uuid.UUID, at: datetime, outcome: TicketOutcome
) -> uuid.UUID:
    ticket_id: uuid.UUID = seed.ticket(
        machine, status=TicketStatus.RESOLVED, created_at=at, resolved_at=at + timedelta(hours=2)
    )
    with sessions.begin() as s:
        ticket = s.get_one(MaintenanceTicket, ticket_id)
        ticket.outcome = outcome
        ticket.root_cause = "worn bearing" if outcome is TicketOutcome.CONFIRMED_FAULT else None
        ticket.found_fault = "bearing_wear" if outcome is TicketOutcome.CONFIRMED_FAULT else None
        ticket.reason = ticket.reason | {"prediction_ts": at.isoformat(), "model_version": "m-7"}
    return ticket_id


@pytest.fixture
def outcomes(sessions: sessionmaker[Session], seed: Any) -> dict[str, uuid.UUID]:
    failing, healthy, sparse = seed.machine("Pump 03"), seed.machine("Pump 04"), seed.machine("Pump 05")
    times = [T0 + timedelta(minutes=5 * i) for i in range(60)]
    seed.readings(failing, times, vibration=6.5)
    seed.readings(healthy, times)
    seed.readings(sparse, times[:5])
    at = times[50]  # the ticket came 50 readings in; later readings must not be used
    return {
        "confirmed": resolved_ticket(sessions, seed, failing, at, TicketOutcome.CONFIRMED_FAULT),
        "false": resolved_ticket(sessions, seed, healthy, at, TicketOutcome.FALSE_ALARM),
        "sparse": resolved_ticket(sessions, seed, sparse, at, TicketOutcome.FALSE_ALARM),
        "open": seed.ticket(failing),
    }


def test_resolved_outcomes_become_labelled_readings_windows_up_to_the_tickets_prediction(
    sessions: sessionmaker[Session], outcomes: dict[str, uuid.UUID]
) -> None:
    with sessions() as s:
        examples = {e.ticket_id: e for e in outcome_examples(s)}
    assert set(examples) == {str(outcomes["confirmed"]), str(outcomes["false"])}  # open and too-short skipped
    confirmed, false = examples[str(outcomes["confirmed"])], examples[str(outcomes["false"])]
    assert (confirmed.label, confirmed.root_cause, confirmed.model_version) == (1, "worn bearing", "m-7")
    assert (confirmed.found_fault, false.found_fault) == ("bearing_wear", None)
    assert (false.label, false.root_cause) == (0, None)
    assert confirmed.readings.shape == (DEFAULT_WINDOW + EXTRA_WINDOWS, 3)
    assert confirmed.window_end == T0 + timedelta(minutes=5 * 50)
    assert confirmed.window_start == confirmed.window_end - timedelta(
        minutes=5 * (DEFAULT_WINDOW + EXTRA_WINDOWS - 1)
    )
    assert confirmed.readings[:, 1].tolist() == [6.5] * (DEFAULT_WINDOW + EXTRA_WINDOWS)


def test_model_retrain_writes_a_new_version_whose_manifest_counts_the_outcome_labels(
    database_url: str, outcomes: dict[str, uuid.UUID], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        ["model", "retrain", "--database-url", database_url, "--out", str(tmp_path / "models"), "--quick"]
    )
    assert args.handler(args) == 0
    printed = json.loads(capsys.readouterr().out)
    manifest = json.loads((Path(printed["version_dir"]) / "manifest.json").read_text())
    data = manifest["training_data"]
    assert (data["source"], data["outcome_labels"]) == ("simulator", 2)
    assert data["outcome_label_counts"] == {"confirmed_fault": 1, "false_alarm": 1}
    assert data["outcome_windows"] == 2 * (EXTRA_WINDOWS + 1)
    # The confirmed fault's mode found teaches the fault classifier its windows; the false alarm's none.
    assert data["outcome_fault_windows"] == EXTRA_WINDOWS + 1
    assert data["found_fault_counts"] == {"bearing_wear": 1}
    assert data["outcome_model_versions"] == ["m-7"]
    assert {o["ticket_id"] for o in data["outcomes"]} == {str(outcomes["confirmed"]), str(outcomes["false"])}
    assert (tmp_path / "models" / manifest["version"] / "model.onnx").is_file()
    assert printed["outcome_labels"] == 2


def test_a_completed_pm_teaches_healthy_a_missed_failure_teaches_failing_and_a_cancelled_ticket_nothing(
    sessions: sessionmaker[Session], seed: Any
) -> None:
    machines = {name: seed.machine(name) for name in ("done", "missed", "cancelled")}
    times = [T0 + timedelta(minutes=5 * i) for i in range(40)]
    for machine in machines.values():
        seed.readings(machine, times)
    ids = {
        name: resolved_ticket(sessions, seed, machine, times[-1], TicketOutcome[outcome])
        for (name, machine), outcome in zip(
            machines.items(), ("COMPLETED", "MISSED", "CANCELLED"), strict=True
        )
    }
    with sessions() as s:
        labels = {e.ticket_id: e.label for e in outcome_examples(s)}
    assert labels == {str(ids["done"]): 0, str(ids["missed"]): 1}
