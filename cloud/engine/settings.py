"""The policy's knobs from the cloud settings (``MAINTAINX_ENGINE_*``)."""

from __future__ import annotations

from datetime import timedelta

from cloud.config import Settings
from cloud.engine.policy import PolicyConfig


def policy_config(settings: Settings) -> PolicyConfig:
    """The ``PolicyConfig`` the settings describe (raises ValueError when the knobs contradict each other)."""
    return PolicyConfig(
        enter_threshold=settings.engine_enter_threshold,
        exit_threshold=settings.engine_exit_threshold,
        required=settings.engine_required,
        window=settings.engine_window,
        max_age=timedelta(seconds=settings.engine_max_age_s),
        cooldown=timedelta(seconds=settings.engine_cooldown_s),
        high_threshold=settings.engine_high_threshold,
        critical_threshold=settings.engine_critical_threshold,
        horizon=timedelta(hours=settings.engine_horizon_h),
        high_ttf=timedelta(hours=settings.engine_high_ttf_h),
        critical_ttf=timedelta(hours=settings.engine_critical_ttf_h),
    )
