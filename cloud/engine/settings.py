"""The policy's knobs from the cloud settings (``MAINTAINX_ENGINE_*``, declared in ``cloud.engine.knobs``)."""

from __future__ import annotations

from cloud.config import Settings
from cloud.engine import knobs
from cloud.engine.policy import PolicyConfig


def policy_config(settings: Settings) -> PolicyConfig:
    """The ``PolicyConfig`` the settings describe (the settings refused any that could not work at load)."""
    values = {knob.name: getattr(settings, knob.setting) for knob in knobs.KNOBS}
    return PolicyConfig(**knobs.config_kwargs(values))  # type: ignore[arg-type]
