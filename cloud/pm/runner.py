"""Runs the PM scheduler from the ticket engine's loop, every ``pm_tick_s``; its failures never stop the
engine (they are logged and the next pass tries again)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from cloud.config import Settings
from cloud.pm.scheduler import PassResult, PmSettings, run_pass

logger = logging.getLogger(__name__)


def pm_settings(settings: Settings) -> PmSettings:
    """The scheduler's knobs from the cloud settings (``MAINTAINX_PM_*``)."""
    return PmSettings(
        risk_threshold=settings.pm_risk_threshold,
        risk_max_age=timedelta(seconds=settings.pm_risk_max_age_s),
        max_gap=timedelta(seconds=settings.pm_meter_max_gap_s),
    )


def _now() -> datetime:
    return datetime.now(UTC)


class PmRunner:
    """Calls ``run_pass`` in its own transaction at most once every ``every_s`` seconds."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: PmSettings,
        every_s: float,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        """``clock``: the time the schedules are judged at (tests move it)."""
        self._sessions = sessions
        self._settings = settings
        self._every_s = every_s
        self._clock = clock
        self._last: float | None = None

    def maybe_run(self) -> PassResult | None:
        """A pass when one is due (None otherwise, or when it failed)."""
        now = time.monotonic()
        if self._last is not None and now - self._last < self._every_s:
            return None
        self._last = now
        try:
            with self._sessions.begin() as session:
                result = run_pass(session, self._clock(), self._settings)
        except Exception:
            logger.exception("PM scheduler pass failed; the next one tries again")
            return None
        if result.opened or result.pulled:
            logger.info("PM pass: %s", result)
        return result
