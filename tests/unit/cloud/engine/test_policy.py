"""The ticket policy's rules on plain values: N-of-M, freshness, de-duplication, cooldown, escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cloud.engine.policy import (
    Escalate,
    MachineTickets,
    Observation,
    OpenTicket,
    PolicyConfig,
    Priority,
    TicketPolicy,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
POLICY = TicketPolicy()
NO_TICKETS = MachineTickets()


def series(*probs: float, end: datetime = NOW) -> list[Observation]:
    """Predictions one second apart, the last at ``end``."""
    n = len(probs)
    return [
        Observation(end - timedelta(seconds=n - 1 - i), p, 0.5, "m-1", {"temperature_mean": float(i)})
        for i, p in enumerate(probs)
    ]


def test_three_of_five_risky_predictions_open_a_ticket() -> None:
    decision = POLICY.decide(recent=series(0.1, 0.75, 0.2, 0.72, 0.71), tickets=NO_TICKETS, now=NOW)
    assert isinstance(decision, OpenTicket)
    assert decision.priority is Priority.LOW
    assert decision.trigger.failure_prob == 0.71


def test_two_of_five_risky_predictions_do_not_open_a_ticket() -> None:
    assert POLICY.decide(recent=series(0.1, 0.95, 0.2, 0.3, 0.99), tickets=NO_TICKETS, now=NOW) is None


def test_a_machine_hovering_just_below_the_threshold_is_not_ticketed() -> None:
    assert POLICY.decide(recent=series(0.69, 0.71, 0.69, 0.71, 0.69), tickets=NO_TICKETS, now=NOW) is None


def test_only_the_last_m_predictions_by_event_time_count() -> None:
    # Three risky verdicts, but two of them are older than the last five.
    recent = series(0.9, 0.9, 0.1, 0.1, 0.1, 0.9, 0.1)
    assert POLICY.decide(recent=list(reversed(recent)), tickets=NO_TICKETS, now=NOW) is None


def test_fewer_than_n_predictions_never_open_a_ticket() -> None:
    assert POLICY.decide(recent=series(0.99, 0.99), tickets=NO_TICKETS, now=NOW) is None


def test_replayed_old_predictions_do_not_open_a_ticket_for_the_past() -> None:
    old = series(0.95, 0.95, 0.95, end=NOW - timedelta(minutes=11))
    assert POLICY.decide(recent=old, tickets=NO_TICKETS, now=NOW) is None


def test_predictions_within_max_age_still_count() -> None:
    recent = series(0.95, 0.95, 0.95, end=NOW - timedelta(minutes=9))
    assert isinstance(POLICY.decide(recent=recent, tickets=NO_TICKETS, now=NOW), OpenTicket)


@pytest.mark.parametrize(
    ("probs", "priority"),
    [
        ((0.75, 0.79, 0.7), Priority.LOW),
        ((0.8, 0.85, 0.99), Priority.HIGH),
        ((0.9, 0.95, 0.92), Priority.CRITICAL),
    ],
)
def test_priority_follows_the_confirmed_risk(probs: tuple[float, ...], priority: Priority) -> None:
    decision = POLICY.decide(recent=series(*probs), tickets=NO_TICKETS, now=NOW)
    assert isinstance(decision, OpenTicket)
    assert decision.priority is priority


def test_a_single_spike_does_not_raise_the_priority() -> None:
    decision = POLICY.decide(recent=series(0.72, 0.99, 0.73), tickets=NO_TICKETS, now=NOW)
    assert isinstance(decision, OpenTicket)
    assert decision.priority is Priority.LOW


def test_a_machine_with_an_open_ticket_gets_no_second_one() -> None:
    tickets = MachineTickets(open_priority=Priority.LOW)
    assert POLICY.decide(recent=series(0.75, 0.75, 0.75), tickets=tickets, now=NOW) is None


def test_worsening_risk_escalates_the_open_ticket() -> None:
    tickets = MachineTickets(open_priority=Priority.LOW)
    decision = POLICY.decide(recent=series(0.75, 0.93, 0.95, 0.96), tickets=tickets, now=NOW)
    assert isinstance(decision, Escalate)
    assert decision.priority is Priority.CRITICAL
    assert decision.trigger.failure_prob == 0.96


def test_improving_risk_never_lowers_the_priority() -> None:
    tickets = MachineTickets(open_priority=Priority.CRITICAL)
    assert POLICY.decide(recent=series(0.75, 0.75, 0.75), tickets=tickets, now=NOW) is None


def test_no_ticket_within_the_cooldown_after_a_resolution() -> None:
    tickets = MachineTickets(last_resolved_at=NOW - timedelta(minutes=4))
    assert POLICY.decide(recent=series(0.95, 0.95, 0.95), tickets=tickets, now=NOW) is None


def test_a_ticket_opens_again_once_the_cooldown_is_over() -> None:
    tickets = MachineTickets(last_resolved_at=NOW - timedelta(minutes=6))
    assert isinstance(POLICY.decide(recent=series(0.95, 0.95, 0.95), tickets=tickets, now=NOW), OpenTicket)


def test_title_and_reason_describe_the_tripping_prediction() -> None:
    decision = POLICY.decide(recent=series(0.87, 0.87, 0.87), tickets=NO_TICKETS, now=NOW)
    assert isinstance(decision, OpenTicket)
    assert decision.title("Pump 03") == "Failure risk on Pump 03"
    reason = decision.trigger.reason()
    assert reason == {
        "model_version": "m-1",
        "failure_prob": 0.87,
        "anomaly_score": 0.5,
        "prediction_ts": NOW.isoformat(),
        "features": {"temperature_mean": 2.0},
    }


def test_inconsistent_config_is_refused() -> None:
    with pytest.raises(ValueError, match="required"):
        PolicyConfig(required=6, window=5)
    with pytest.raises(ValueError, match="thresholds"):
        PolicyConfig(enter_threshold=0.95)
