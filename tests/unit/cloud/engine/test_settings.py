"""The policy's knobs come from MAINTAINX_ENGINE_* settings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cloud.config import Settings
from cloud.engine.policy import PolicyConfig
from cloud.engine.settings import policy_config

pytestmark = pytest.mark.unit


def test_the_defaults_are_the_policys_defaults() -> None:
    assert policy_config(Settings()) == PolicyConfig()


def test_environment_variables_set_the_knobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAINTAINX_ENGINE_ENTER_THRESHOLD", "0.65")
    monkeypatch.setenv("MAINTAINX_ENGINE_REQUIRED", "4")
    monkeypatch.setenv("MAINTAINX_ENGINE_WINDOW", "6")
    monkeypatch.setenv("MAINTAINX_ENGINE_COOLDOWN_S", "3600")
    monkeypatch.setenv("MAINTAINX_ENGINE_CRITICAL_TTF_H", "2")
    config = policy_config(Settings())
    assert (config.enter_threshold, config.required, config.window) == (0.65, 4, 6)
    assert config.cooldown == timedelta(hours=1) and config.critical_ttf == timedelta(hours=2)


def test_contradicting_knobs_are_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAINTAINX_ENGINE_EXIT_THRESHOLD", "0.9")
    with pytest.raises(ValueError, match="exit"):
        policy_config(Settings())
