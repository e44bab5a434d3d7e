"""Every scripted fault of the demo is ticketed minutes (real time, at the demo's pace) before it breaks down.

Both models the demo trains (the first, seed 0, and the one it rolls out a minute in, seed 1: full
training, as ``maintainx demo`` does) score each failing machine of the default demo fleet (3 gateways x 4
machines, seed 7, 1 Hz) through the agent's features, ONNX and the engine's policy. At 1 Hz and 300 s of
machine time per sample, one real minute is five simulated hours.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cloud.engine.demo_lead import demo_leads
from maintainx.demo_rollout import SECOND_SEED
from model_registry.training.train import train_default_model
from simulator.failures import FAILURE_MODES

pytestmark = pytest.mark.integration

# Minutes to act: the whole technician loop (open, read why, start, resolve) takes under half a minute.
MIN_REAL_LEAD_S = 120.0


@pytest.fixture(scope="module", params=[0, SECOND_SEED], ids=["first-model", "rolled-out-model"])
def demo_model(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model the demo trains (full settings): the first, and the second that it rolls out."""
    return train_default_model(tmp_path_factory.mktemp("models"), seed=request.param, quick=False)


def test_every_failure_mode_of_the_demo_is_ticketed_minutes_before_its_breakdown(demo_model: Path) -> None:
    leads = demo_leads(demo_model, gateways=3, machines_per_gateway=4, seed=7, sample_hz=1.0)
    assert sorted(lead.failure for lead in leads) == sorted(FAILURE_MODES)
    for lead in leads:
        assert lead.real_lead_s is not None, f"{lead.machine}'s {lead.failure} is never ticketed"
        assert lead.real_lead_s >= MIN_REAL_LEAD_S, lead
        assert lead.real_lead_s < lead.breakdown_after_real_s  # the ticket comes after the demo started


def test_a_faster_demo_shortens_the_real_lead_in_proportion(demo_model: Path) -> None:
    """The lead in machine time is the same at any pace; the real time to act scales with 1 / sample_hz."""
    slow = demo_leads(demo_model, gateways=1, machines_per_gateway=2, seed=7, sample_hz=1.0)
    fast = demo_leads(demo_model, gateways=1, machines_per_gateway=2, seed=7, sample_hz=4.0)
    assert [(s.failure, s.lead_h) for s in slow] == [(f.failure, f.lead_h) for f in fast]
    for s, f in zip(slow, fast, strict=True):
        assert s.real_lead_s == pytest.approx(4 * f.real_lead_s)  # type: ignore[operator]
