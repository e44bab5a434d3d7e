"""Each ticket-policy knob at its boundaries (0, the minimum, the maximum, just outside) agrees everywhere.

A value is accepted by the settings, ``GET/PUT /api/policy`` and an engine tick on real PostgreSQL, or refused
by the settings (naming the variable) and by the API (422 naming the field); never a 500 or a dead engine
(the crash of ``MAINTAINX_ENGINE_COOLDOWN_S=0`` before the knobs were declared once).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from cloud.config import ConfigError, Settings, load_settings
from cloud.engine import knobs
from cloud.engine.models import EnginePolicy
from cloud.engine.policy import TicketPolicy
from cloud.engine.runner import TicketEngine
from cloud.engine.settings import policy_config

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[4]
DEFAULTS = {knob.name: knob.default for knob in knobs.KNOBS}


def boundaries(knob: knobs.Knob) -> list[float]:
    """0, the smallest accepted value, the largest, and a value just above it."""
    smallest = knob.low if knob.low_inclusive else knob.low + 1e-6
    above = knob.high + 1 if knob.kind is int else knob.high * (1 + 1e-9)
    return [0.0, smallest, float(knob.high), above]


def with_companions(name: str, value: float) -> dict[str, float]:
    """The defaults with ``name`` set to ``value`` and the knobs it is ordered against moved out of its way.

    So a boundary value is judged on its own bounds, not on a rule the defaults happen to break.
    """
    v = dict(DEFAULTS, **{name: value})
    if name == "enter_threshold":
        v.update(exit_threshold=value / 2, high_threshold=max(value, 0.8), critical_threshold=max(value, 0.9))
    elif name == "exit_threshold":
        enter = min(1.0, max(0.7, value + (1 - value) / 2))
        v.update(enter_threshold=enter, high_threshold=max(enter, 0.8), critical_threshold=max(enter, 0.9))
    elif name == "required":
        v.update(window=max(value, 5.0))
    elif name == "window":
        v.update(required=max(1.0, min(3.0, value)))
    elif name == "high_threshold":
        enter = min(0.7, value)
        v.update(enter_threshold=enter, exit_threshold=enter / 2, critical_threshold=max(value, 0.9))
    elif name == "critical_threshold":
        enter = min(0.7, value)
        v.update(enter_threshold=enter, exit_threshold=enter / 2, high_threshold=min(0.8, value))
    elif name == "horizon_h":
        v.update(high_ttf_h=min(12.0, value), critical_ttf_h=min(4.0, value))
    elif name == "high_ttf_h":
        v.update(horizon_h=max(24.0, value), critical_ttf_h=min(4.0, value))
    elif name == "critical_ttf_h":
        v.update(high_ttf_h=max(12.0, value), horizon_h=max(24.0, value))
    return v


def _settings(base: Settings, values: dict[str, float]) -> Settings | ConfigError:
    overrides = {knob.setting: values[knob.name] for knob in knobs.KNOBS}
    try:
        return load_settings(**base.model_dump(exclude=set(overrides)), **overrides)
    except ConfigError as exc:
        return exc


def _tick(sessions: sessionmaker[Session], settings: Settings) -> None:
    """One engine tick with the settings' policy and whatever is stored; it must not raise."""
    engine = TicketEngine(sessions, TicketPolicy(policy_config(settings)), policy_reload_s=0.0)
    result = engine.tick()
    assert result.evaluated == 1


def test_every_boundary_value_of_every_knob_is_accepted_or_refused_alike_everywhere(
    client: TestClient, settings: Settings, sessions: sessionmaker[Session], seed: Any
) -> None:
    # One app and database for all 44 cases: a fresh database per knob would cost seconds each.
    seed.predictions(seed.machine("Pump 03"), [0.8, 0.85, 0.86, 0.84, 0.85])
    verdicts = {knob.name: _verdicts(knob, client, settings, sessions) for knob in knobs.KNOBS}

    # 0 and just above the maximum are refused; the smallest and largest allowed values work.
    assert verdicts == {knob.name: ["refused", "accepted", "accepted", "refused"] for knob in knobs.KNOBS}


def _verdicts(
    knob: knobs.Knob, client: TestClient, settings: Settings, sessions: sessionmaker[Session]
) -> list[str]:
    app: Any = client.app
    verdicts = []
    for value in boundaries(knob):
        values = with_companions(knob.name, value)
        loaded = _settings(settings, values)
        app.state.settings = settings if isinstance(loaded, ConfigError) else loaded
        got = client.get("/api/policy")
        put = client.put("/api/policy", json=values)
        assert got.status_code == 200, (value, got.text)
        if isinstance(loaded, ConfigError):
            assert put.status_code == 422, (value, put.text)
            fields = [e["loc"][-1] for e in put.json()["errors"]]
            named = [k for k in knobs.KNOBS if k.env in str(loaded)]
            assert named and named[0].name in fields, (value, str(loaded), fields)
            verdicts.append("refused")
        else:
            body = got.json()
            assert body["source"] == "settings"
            assert all(math.isclose(body[k], values[k], rel_tol=1e-9) for k in DEFAULTS), (value, body)
            _tick(sessions, loaded)
            assert put.status_code == 200, (value, put.text)
            assert client.get("/api/policy").json()["source"] == "database"
            _tick(sessions, loaded)
            verdicts.append("accepted")
        with sessions() as s, s.begin():
            s.execute(sa.delete(EnginePolicy))
    app.state.settings = settings
    return verdicts


def test_a_zero_cooldown_stops_the_engine_at_start_with_one_line_naming_the_variable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAINTAINX_") and k != "DATABASE_URL"}
    env |= {"MAINTAINX_DATA_DIR": str(tmp_path / "data"), "MAINTAINX_ENGINE_COOLDOWN_S": "0"}

    done = subprocess.run(
        [sys.executable, "-m", "cloud", "engine"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 2, done.stderr
    assert "MAINTAINX_ENGINE_COOLDOWN_S=0" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
