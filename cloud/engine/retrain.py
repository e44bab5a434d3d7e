"""The learning loop, cloud side: resolved tickets with an outcome -> labelled readings -> a new model.

``outcome_examples`` reads, for every resolved ticket whose technician recorded an outcome, the machine's
readings up to the prediction that opened the ticket (the window the model judged, plus a few before), and
labels them (confirmed fault = 1, false alarm = 0), tied to the ticket's model version; a confirmed fault
whose technician named the failure mode found also labels the fault classifier's rows.
``retrain`` trains a new model version on simulator data plus these examples.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.telemetry.models import SensorData
from cloud.tickets.models import MaintenanceTicket, TicketOutcome, TicketStatus
from contract.features import DEFAULT_WINDOW
from model_registry.training.outcomes import DEFAULT_OUTCOME_WEIGHT, OutcomeExample, outcome_rows
from model_registry.training.train import train_default_model

logger = logging.getLogger(__name__)

# What each outcome teaches the model about the readings before the ticket: a confirmed fault and a failure
# no ticket warned of (MISSED) are failures; a false alarm and a preventive visit that found nothing
# (COMPLETED) are a healthy machine. A cancelled ticket says nothing about the machine and is left out.
LABELS = {
    TicketOutcome.CONFIRMED_FAULT: 1,
    TicketOutcome.MISSED: 1,
    TicketOutcome.FALSE_ALARM: 0,
    TicketOutcome.COMPLETED: 0,
}
# Windows taken per ticket: the one the model judged and this many before it (sliding by one reading).
EXTRA_WINDOWS = 11


def _trigger_time(ticket: MaintenanceTicket) -> datetime:
    """When the prediction that opened the ticket was made (its creation time when the reason lacks it)."""
    text = (ticket.reason or {}).get("prediction_ts")
    return datetime.fromisoformat(text) if isinstance(text, str) else ticket.created_at


def outcome_examples(session: Session, window: int = DEFAULT_WINDOW) -> list[OutcomeExample]:
    """Every resolved ticket with an outcome as labelled readings (tickets with too few readings skipped)."""
    tickets = session.scalars(
        sa.select(MaintenanceTicket)
        .where(MaintenanceTicket.status == TicketStatus.RESOLVED, MaintenanceTicket.outcome.in_(list(LABELS)))
        .order_by(MaintenanceTicket.resolved_at)
    ).all()
    examples = []
    for ticket in tickets:
        assert ticket.outcome is not None  # the query asked for labelled outcomes only
        end = _trigger_time(ticket)
        rows = session.execute(
            sa.select(SensorData.timestamp, SensorData.temperature, SensorData.vibration, SensorData.rpm)
            .where(SensorData.machine_id == ticket.machine_id, SensorData.timestamp <= end)
            .order_by(SensorData.timestamp.desc())
            .limit(window + EXTRA_WINDOWS)
        ).all()[::-1]
        rows = [r for r in rows if None not in (r.temperature, r.vibration, r.rpm)]
        if len(rows) < window:
            logger.info("ticket %s: only %d readings before it, not used for training", ticket.id, len(rows))
            continue
        examples.append(
            OutcomeExample(
                ticket_id=str(ticket.id),
                machine_id=str(ticket.machine_id),
                label=LABELS[ticket.outcome],
                root_cause=ticket.root_cause,
                fault=ticket.fault,
                found_fault=ticket.found_fault,
                model_version=str((ticket.reason or {}).get("model_version", "")),
                window_start=rows[0].timestamp,
                window_end=rows[-1].timestamp,
                readings=np.array([(r.temperature, r.vibration, r.rpm) for r in rows], dtype=np.float64),
            )
        )
    return examples


def retrain(
    session: Session,
    out_dir: Path,
    *,
    seed: int = 0,
    quick: bool = False,
    outcome_weight: float = DEFAULT_OUTCOME_WEIGHT,
) -> Path:
    """Train a new model version from simulator fleets plus the labelled outcomes; returns its folder."""
    examples = outcome_examples(session)
    extra = outcome_rows(examples, DEFAULT_WINDOW, outcome_weight)
    labels = Counter("confirmed_fault" if e.label else "false_alarm" for e in examples)
    folder = train_default_model(
        out_dir,
        seed=seed,
        quick=quick,
        extra=extra,
        extra_training_data={
            "outcome_labels": len(examples),
            "outcome_label_counts": dict(labels),
            "outcome_windows": int(extra.labels.shape[0]),
            "outcome_fault_windows": int(extra.fault_modes.shape[0]),
            "found_fault_counts": dict(Counter(e.found_fault for e in examples if e.fault_mode is not None)),
            "outcome_weight": outcome_weight,
            "outcome_model_versions": sorted({e.model_version for e in examples}),
            "outcomes": [e.summary() for e in examples],
        },
    )
    logger.info("retrained with %d ticket outcomes: %s", len(examples), folder.name)
    return folder
