"""The policy's round-2 rules: exit hysteresis, re-arming after a resolution, time-to-failure escalation,
the fault a window points at, and replayed predictions never escalating."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cloud.engine.policy import (
    DEFAULT_FAULT,
    Escalate,
    MachineTickets,
    Observation,
    OpenTicket,
    PolicyConfig,
    Priority,
    TicketPolicy,
    fault_of,
    fault_to_decide,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
POLICY = TicketPolicy()


def series(*probs: float, end: datetime = NOW, fault: str | None = None) -> list[Observation]:
    """Predictions one second apart, the last at ``end``."""
    n = len(probs)
    return [
        Observation(end - timedelta(seconds=n - 1 - i), p, 0.5, "m-1", None, fault)
        for i, p in enumerate(probs)
    ]


def test_a_resolved_machine_whose_risk_never_cleared_gets_no_new_ticket_after_the_cooldown() -> None:
    tickets = MachineTickets(last_resolved_at=NOW - timedelta(hours=1), cleared_since_resolution=False)
    assert POLICY.decide(recent=series(0.95, 0.95, 0.95), tickets=tickets, now=NOW) is None


def test_a_resolved_machine_is_re_armed_once_its_risk_fell_below_the_exit_level() -> None:
    tickets = MachineTickets(last_resolved_at=NOW - timedelta(hours=1), cleared_since_resolution=True)
    assert isinstance(POLICY.decide(recent=series(0.95, 0.95, 0.95), tickets=tickets, now=NOW), OpenTicket)


def test_an_open_tickets_risk_state_holds_between_exit_and_enter_and_still_escalates_with_time() -> None:
    # Risk sagged to 0.5 (below enter 0.7, above exit 0.4), but the state began 21 h ago: ~3 h left.
    tickets = MachineTickets(open_priority=Priority.LOW, open_since=NOW - timedelta(hours=21))
    decision = POLICY.decide(recent=series(0.5, 0.5, 0.5), tickets=tickets, now=NOW)
    assert isinstance(decision, Escalate)
    assert decision.priority is Priority.CRITICAL


def test_below_the_exit_level_an_open_ticket_is_left_alone() -> None:
    tickets = MachineTickets(open_priority=Priority.LOW, open_since=NOW - timedelta(hours=21))
    assert POLICY.decide(recent=series(0.3, 0.3, 0.3), tickets=tickets, now=NOW) is None


@pytest.mark.parametrize(
    ("age", "priority"),
    [
        (timedelta(hours=1), None),
        (timedelta(hours=13), Priority.HIGH),
        (timedelta(hours=20), Priority.CRITICAL),
    ],
)
def test_priority_rises_as_the_estimated_time_to_failure_shrinks(
    age: timedelta, priority: Priority | None
) -> None:
    tickets = MachineTickets(open_priority=Priority.LOW, open_since=NOW - age)
    decision = POLICY.decide(recent=series(0.72, 0.72, 0.72), tickets=tickets, now=NOW)
    assert (decision.priority if decision is not None else None) == priority


def test_estimated_time_to_failure_is_the_horizon_minus_the_risk_states_age_and_never_negative() -> None:
    assert POLICY.estimated_ttf(NOW - timedelta(hours=10), NOW) == timedelta(hours=14)
    assert POLICY.estimated_ttf(NOW - timedelta(hours=30), NOW) == timedelta(0)


def test_replayed_old_predictions_never_escalate_an_open_ticket() -> None:
    tickets = MachineTickets(open_priority=Priority.LOW, open_since=NOW - timedelta(hours=1))
    old = series(0.99, 0.99, 0.99, end=NOW - timedelta(hours=1))
    assert POLICY.decide(recent=old, tickets=tickets, now=NOW) is None


def test_the_ticket_names_the_fault_most_risky_verdicts_point_at() -> None:
    recent = series(0.9, 0.9, 0.9, fault="bearing_wear")
    decision = POLICY.decide(recent=recent, tickets=MachineTickets(), now=NOW)
    assert isinstance(decision, OpenTicket)
    assert decision.fault == "bearing_wear"
    assert decision.title("Pump 03") == "Bearing wear on Pump 03"


def test_without_a_fault_classifier_the_fault_is_failure_risk() -> None:
    assert fault_of(series(0.9, 0.9, 0.9), 0.7) == DEFAULT_FAULT
    # Faults named only by low-risk verdicts do not count.
    assert fault_of(series(0.1, 0.1, 0.9, fault="imbalance")[:2], 0.7) == DEFAULT_FAULT


def test_exit_above_enter_and_unordered_ttf_levels_are_refused() -> None:
    with pytest.raises(ValueError, match="exit"):
        PolicyConfig(exit_threshold=0.8)
    with pytest.raises(ValueError, match="time-to-failure"):
        PolicyConfig(high_ttf=timedelta(hours=2), critical_ttf=timedelta(hours=3))


def test_an_open_ticket_keeps_the_machines_verdicts_whatever_fault_they_name() -> None:
    wavering = [
        *series(0.9, 0.9, end=NOW - timedelta(seconds=3), fault="bearing_wear"),
        *series(0.9, 0.9, 0.9, fault="imbalance"),
    ]
    assert fault_of(wavering, 0.7) == "imbalance"
    # Nothing open: the window names the fault of a new ticket.
    assert fault_to_decide(wavering, 0.7, []) == "imbalance"
    # A bearing-wear ticket is open: the verdicts count towards it, no ticket for imbalance.
    assert fault_to_decide(wavering, 0.7, ["bearing_wear"]) == "bearing_wear"
    # Two open (an older engine's, or one opened by hand): the one the window names most.
    assert fault_to_decide(wavering, 0.7, ["bearing_wear", "imbalance"]) == "imbalance"
    assert fault_to_decide(series(0.9, 0.9, 0.9), 0.7, ["imbalance", "bearing_wear"]) == "bearing_wear"
