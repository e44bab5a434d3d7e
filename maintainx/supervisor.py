"""A small process supervisor: start named child processes, restart crashed ones, stop them all.

``make demo`` runs every part of the system as its own process, the way it runs in production; this keeps
them alive, shows which one failed, and makes sure Ctrl-C leaves none behind.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

# A child that keeps dying is restarted with a growing delay instead of in a tight loop.
RESTART_DELAY_S = (1.0, 2.0, 5.0, 10.0)
# A child that ran this long before dying is considered healthy again: its backoff resets.
HEALTHY_RUN_S = 30.0
STOP_GRACE_S = 10.0
# prctl option number from <linux/prctl.h>.
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM it if the supervisor dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the supervisor's own stop() still applies
        pass


@dataclass
class Child:
    """One supervised process."""

    name: str
    argv: Sequence[str]
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0
    next_start: float = 0.0


class Supervisor:
    """Keeps a set of child processes running until ``stop()``."""

    def __init__(self, log_dir: Path) -> None:
        self.children: list[Child] = []
        # Each child logs to its own file, so the terminal shows the supervisor's summary only.
        self.log_dir = log_dir
        log_dir.mkdir(parents=True, exist_ok=True)

    def add(self, name: str, argv: Sequence[str], env: dict[str, str] | None = None) -> Child:
        """Register and start a child process."""
        child = Child(name, list(argv), dict(env or {}))
        self.children.append(child)
        self._start(child)
        return child

    def _start(self, child: Child) -> None:
        with open(self.log_dir / f"{child.name}.log", "ab") as log:
            child.proc = subprocess.Popen(
                child.argv,
                env={**os.environ, **child.env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Own session: a terminal's Ctrl-C reaches the supervisor only, which then stops the
                # children in order (agents flush before the broker and ingestion go away).
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        child.started_at = time.monotonic()
        logger.info("started %s (pid %s)", child.name, child.proc.pid)

    def poll(self) -> None:
        """Restart children that exited, with backoff; call this periodically."""
        now = time.monotonic()
        for child in self.children:
            if child.proc is None:
                if now >= child.next_start:
                    self._start(child)
                continue
            code = child.proc.poll()
            if code is None:
                continue
            ran = now - child.started_at
            child.failures = 0 if ran > HEALTHY_RUN_S else child.failures + 1
            delay = RESTART_DELAY_S[min(child.failures, len(RESTART_DELAY_S) - 1)]
            logger.warning(
                "%s exited with code %s after %.0fs; restarting in %.0fs", child.name, code, ran, delay
            )
            child.proc = None
            child.next_start = now + delay

    def stop(self) -> None:
        """Stop every child: SIGTERM, wait, then SIGKILL what is left (in reverse start order)."""
        running = [c.proc for c in reversed(self.children) if c.proc and c.proc.poll() is None]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in running:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("pid %s did not stop in %.0fs; killing it", proc.pid, STOP_GRACE_S)
                proc.kill()
                proc.wait()
