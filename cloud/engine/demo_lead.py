"""How much real time the demo leaves between a fault's first ticket and its breakdown.

The demo plays its scripted faults (``simulator.fleet.demo_fleet``) at ``sample_hz`` samples per real
second, each sample ``sample_period_s`` of machine time; each failing machine is simulated until it breaks
down and replayed through the agent's features, the ONNX model and the engine's policy exactly as the
fleet evaluation does (:func:`cloud.engine.fleet_eval._replay`). The lead in simulated hours
becomes real seconds at the demo's pace: that is the time a person watching the demo has to act.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np

from cloud.engine.fleet_eval import DEFAULT_FALSE_ALARM_RESOLUTION, _replay, load_model
from cloud.engine.policy import PolicyConfig, TicketPolicy
from simulator.fleet import MachineRun, MachineSpec, demo_fleet

# A scripted fault breaks down within days of simulated time; past this the machine is taken as never failing.
_MAX_SIMULATED_S = 30 * 86_400.0


@dataclass(frozen=True)
class DemoLead:
    """One scripted fault: when its first ticket came, in simulated hours and in the demo's real seconds."""

    machine: str
    failure: str
    lead_h: float | None  # None: no ticket before the breakdown
    real_lead_s: float | None
    breakdown_after_real_s: float  # from the demo's start


def _simulate(spec: MachineSpec, sample_period_s: float) -> MachineRun:
    """Run one demo machine from the demo's start until it breaks down."""
    machine = spec.create(sample_period_s)
    samples: list[tuple[float, float, float]] = []
    ttf: list[float] = []
    failed_at = None
    while failed_at is None and len(samples) * sample_period_s < _MAX_SIMULATED_S:
        samples.append(machine.step())
        remaining = machine.time_to_failure_s
        ttf.append(math.inf if remaining is None else remaining)
        if machine.failed:
            failed_at = len(samples) - 1
    return MachineRun(
        machine_id=spec.id,
        machine_type=spec.type,
        failure=spec.failure,
        seed=spec.seed,
        sample_period_s=sample_period_s,
        samples=np.asarray(samples, dtype=np.float64),
        time_to_failure_s=np.asarray(ttf, dtype=np.float64),
        failed_at=failed_at,
    )


def demo_leads(
    version_dir: Path,
    *,
    gateways: int = 3,
    machines_per_gateway: int = 4,
    seed: int = 7,
    sample_hz: float = 1.0,
    config: PolicyConfig | None = None,
) -> list[DemoLead]:
    """The first ticket's lead of every scripted fault of the demo fleet, with ``version_dir``'s model."""
    model = load_model(version_dir)
    policy = TicketPolicy(config or PolicyConfig(horizon=timedelta(seconds=model.horizon_s)))
    real_s_per_simulated_s = 1.0 / (model.sample_period_s * sample_hz)
    leads = []
    fleet = demo_fleet(gateways=gateways, machines_per_gateway=machines_per_gateway, seed=seed)
    for spec in (m for g in fleet for m in g.machines if m.failure):
        run = _simulate(spec, model.sample_period_s)
        outcome = _replay(run, model, policy, DEFAULT_FALSE_ALARM_RESOLUTION)
        lead_h = outcome.lead_h
        failed_at = run.failed_at if run.failed_at is not None else len(run.samples)
        leads.append(
            DemoLead(
                machine=spec.name,
                failure=str(spec.failure),
                lead_h=lead_h,
                real_lead_s=None if lead_h is None else lead_h * 3600.0 * real_s_per_simulated_s,
                breakdown_after_real_s=failed_at / sample_hz,
            )
        )
    return leads
