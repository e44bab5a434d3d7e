"""Fleet evaluation: a fresh simulated fleet, scored as the agent scores it, ticketed by the engine's policy.

Each machine of a run-to-failure fleet (seeds never used in training) is replayed sample by sample: the
window of its last W samples goes through ``contract.features`` and the ONNX model, exactly as on a
gateway, and the verdicts go through ``cloud.engine.policy.TicketPolicy`` -- the same code the ticket engine
runs -- on a simulated clock (event time = simulated time). A ticket opened while the fault develops
catches that failure, with a lead time equal to the time left until the breakdown; a ticket opened while
no fault develops is a false ticket, which the technician resolves as a false alarm after
``false_alarm_resolution``. A caught failure's ticket is resolved at the breakdown (the repair), and
the run ends there. When the model has a fault classifier, the agent's rule names each verdict's fault
(the likeliest mode at or above the model's failure threshold) and the policy keeps one ticket per
machine and fault, as the engine does: the evaluation reports how often a caught failure's first ticket
names the right mode, and how many failures got a second ticket under another name (one opens only
after the first is resolved; see cloud.engine.policy).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.lib.stride_tricks import sliding_window_view

from cloud.engine.policy import (
    DEFAULT_FAULT,
    MachineTickets,
    Observation,
    OpenTicket,
    PolicyConfig,
    TicketPolicy,
    fault_to_decide,
)
from contract.features import FEATURE_NAMES, SIGNALS, batch_features
from contract.manifest import ManifestError, read_manifest
from model_registry.evaluation.errors import EvaluationError
from simulator.fleet import MachineRun, run_to_failure

# Training uses seeds 0.. with offsets up to +2000 (validation / test fleets); fleet evaluation starts far
# above, so no machine here shares a seed with a training, validation or test machine.
EVALUATION_SEED = 90_000
DEFAULT_MACHINES = 100
# How long a technician takes to look at a false ticket and resolve it as a false alarm (simulated time).
DEFAULT_FALSE_ALARM_RESOLUTION = timedelta(hours=8)
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_HOUR_S = 3600.0
_DAY_S = 86_400.0


@dataclass(frozen=True)
class LoadedModel:
    """An ONNX model version and what its manifest says about how to feed it."""

    session: ort.InferenceSession
    version: str
    window: int
    sample_period_s: float
    horizon_s: float
    input_name: str
    failure_output: str
    anomaly_output: str
    failure_threshold: float = 0.5
    fault_output: str | None = None
    fault_classes: tuple[str, ...] = ()

    def score(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Failure probability and anomaly score of each feature row."""
        failure, anomaly, _ = self.score_with_faults(features)
        return failure, anomaly

    def score_with_faults(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
        """Failure probability, anomaly score and the fault named (as the agent names it) of each row."""
        names = [self.failure_output, self.anomaly_output]
        if self.fault_output is not None:
            names.append(self.fault_output)
        outputs = self.session.run(names, {self.input_name: np.ascontiguousarray(features, dtype=np.float32)})
        failure = np.asarray(outputs[0], dtype=np.float64)
        faults: list[str | None] = [None] * len(failure)
        if self.fault_output is not None:
            top = np.asarray(outputs[2]).argmax(axis=1)
            faults = [
                self.fault_classes[c] if f >= self.failure_threshold else None
                for f, c in zip(failure.tolist(), top.tolist(), strict=True)
            ]
        return failure, np.asarray(outputs[1], dtype=np.float64), faults


def load_model(version_dir: Path) -> LoadedModel:
    """Load ``<version_dir>/{manifest.json, model.onnx}``; refuse a model built on other features."""
    try:
        manifest = read_manifest(version_dir)
        model_bytes = (version_dir / manifest.model_file).read_bytes()
    except (OSError, ManifestError) as exc:
        raise EvaluationError(f"{version_dir}: not a model version folder ({exc})") from exc
    if tuple(manifest.features) != FEATURE_NAMES:
        raise EvaluationError(f"{version_dir}: the model's features differ from contract.features")
    if manifest.horizon_s is None:
        raise EvaluationError(f"{version_dir}: the manifest has no horizon_s to judge lead times by")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return LoadedModel(
        ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"]),
        manifest.version,
        manifest.window,
        manifest.sample_period_s,
        manifest.horizon_s,
        manifest.input.name,
        manifest.outputs.failure_prob,
        manifest.outputs.anomaly_score,
        manifest.failure_threshold,
        manifest.outputs.fault_probs,
        tuple(manifest.fault_classes),
    )


@dataclass
class MachineOutcome:
    """What the policy did on one machine."""

    failure: str | None
    observed_s: float
    lead_h: float | None = None  # set when its failure was ticketed before it happened
    first_fault: str | None = None  # the fault its first ticket named
    renamed_tickets: int = 0  # more tickets for the same failure, under another fault's name
    false_tickets: int = 0
    escalations: int = 0
    priorities: list[str] = field(default_factory=list)  # of every decision, in order


def _replay(
    run: MachineRun, model: LoadedModel, policy: TicketPolicy, resolve_after: timedelta
) -> MachineOutcome:
    """Score one machine window by window and run the policy on each new verdict."""
    usable = run.samples if run.failed_at is None else run.samples[: run.failed_at]
    period = timedelta(seconds=run.sample_period_s)
    outcome = MachineOutcome(run.failure, usable.shape[0] * run.sample_period_s)
    if usable.shape[0] < model.window:
        return outcome
    # The agent scores the window of the last W samples after every sample once its window is full.
    windows = sliding_window_view(usable, (model.window, len(SIGNALS)))[:, 0]
    failure_prob, anomaly, faults = model.score_with_faults(batch_features(windows))
    ends = np.arange(model.window - 1, usable.shape[0])
    recent: deque[Observation] = deque(maxlen=policy.config.window)
    # Per fault, as the engine keeps them: the tickets' state, and whether the open one is a false alarm.
    states: dict[str, MachineTickets] = {}
    false_open: dict[str, bool] = {}
    exit_level = policy.config.exit_threshold
    for k, end in enumerate(ends):
        now = _EPOCH + period * int(end + 1)
        ttf_s = float(run.time_to_failure_s[end])
        for name, st in states.items():
            if st.open_since is not None and false_open[name] and now - st.open_since >= resolve_after:
                states[name] = MachineTickets(last_resolved_at=now, cleared_since_resolution=False)
        recent.append(
            Observation(now, float(failure_prob[k]), float(anomaly[k]), model.version, None, faults[k])
        )
        if failure_prob[k] < exit_level:
            for name, st in states.items():
                if st.last_resolved_at is not None:
                    states[name] = MachineTickets(
                        st.open_priority, st.open_since, st.last_resolved_at, cleared_since_resolution=True
                    )
        open_faults = [name for name, st in states.items() if st.open_priority is not None]
        fault = fault_to_decide(recent, policy.config.enter_threshold, open_faults)
        state = states.get(fault, MachineTickets())
        decision = policy.decide(recent=recent, tickets=state, now=now)
        if decision is None:
            continue
        outcome.priorities.append(decision.priority.name)
        if isinstance(decision, OpenTicket):
            states[fault] = MachineTickets(
                decision.priority, now, state.last_resolved_at, state.cleared_since_resolution
            )
            false_open[fault] = not np.isfinite(ttf_s)
            if false_open[fault]:
                outcome.false_tickets += 1
            elif outcome.lead_h is None:
                outcome.lead_h = ttf_s / _HOUR_S
                outcome.first_fault = fault
            else:
                outcome.renamed_tickets += 1
        else:
            outcome.escalations += 1
            states[fault] = MachineTickets(
                decision.priority, state.open_since, state.last_resolved_at, state.cleared_since_resolution
            )
    return outcome


def evaluate_fleet(
    version_dir: Path,
    *,
    machines: int = DEFAULT_MACHINES,
    seed: int = EVALUATION_SEED,
    config: PolicyConfig | None = None,
    false_alarm_resolution: timedelta = DEFAULT_FALSE_ALARM_RESOLUTION,
) -> dict[str, Any]:
    """Recall, median lead and false tickets per 100 machine-days of model + policy on a new fleet."""
    if machines < 1:
        raise EvaluationError(f"machines must be at least 1, got {machines}")
    started = time.perf_counter()
    model = load_model(version_dir)
    policy = TicketPolicy(config or PolicyConfig(horizon=timedelta(seconds=model.horizon_s)))
    runs = run_to_failure(machines, seed, sample_period_s=model.sample_period_s)
    outcomes = [_replay(run, model, policy, false_alarm_resolution) for run in runs]
    failing = [o for o in outcomes if o.failure is not None]
    leads = [o.lead_h for o in failing if o.lead_h is not None]
    machine_days = sum(o.observed_s for o in outcomes) / _DAY_S
    false_tickets = sum(o.false_tickets for o in outcomes)
    per_mode: dict[str, dict[str, Any]] = {}
    for mode in sorted({o.failure for o in failing if o.failure}):
        mode_leads = [o.lead_h for o in failing if o.failure == mode]
        caught = [x for x in mode_leads if x is not None]
        per_mode[mode] = {
            "failures": len(mode_leads),
            "ticketed": len(caught),
            "median_lead_h": round(float(np.median(caught)), 2) if caught else None,
            "named_right": sum(o.first_fault == mode for o in failing if o.failure == mode),
        }
    caught_outcomes = [o for o in failing if o.lead_h is not None]
    named = [o for o in caught_outcomes if o.first_fault != DEFAULT_FAULT]
    return {
        "recall": round(len(leads) / len(failing), 4) if failing else None,
        "median_lead_h": round(float(np.median(leads)), 2) if leads else None,
        "min_lead_h": round(float(np.min(leads)), 2) if leads else None,
        "warned_24h_share": round(float(np.mean(np.asarray(leads) >= 24.0)), 4) if leads else None,
        "false_tickets_per_100_machine_days": round(100.0 * false_tickets / max(machine_days, 1e-9), 3),
        "failures": len(failing),
        "ticketed_failures": len(leads),
        "false_tickets": false_tickets,
        "escalations": sum(o.escalations for o in outcomes),
        # Of the caught failures, the share whose first ticket named the failure mode that developed
        # (None when the model names no faults), and how many got a second ticket under another name.
        "fault_named_right_share": (
            round(sum(o.first_fault == o.failure for o in named) / len(named), 4) if named else None
        ),
        "failures_with_a_renamed_ticket": sum(o.renamed_tickets > 0 for o in caught_outcomes),
        "machines": machines,
        "machine_days": round(machine_days, 1),
        "seed": seed,
        "model_version": model.version,
        "per_failure_mode": per_mode,
        "policy": {
            "enter": policy.config.enter_threshold,
            "exit": policy.config.exit_threshold,
            "n_of_m": [policy.config.required, policy.config.window],
        },
        "seconds": round(time.perf_counter() - started, 1),
    }
