"""Counting failed logins per account and per client address in a sliding window (in this process).

Each API process keeps its own counts; behind N replicas an attacker gets at most N times the budget, which
still stops online guessing. A shared store (PostgreSQL, Redis) is the step beyond.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from cloud.auth.errors import TooManyAttemptsError

# Keys tracked at most; the oldest key is forgotten beyond this, so a flood of made-up emails cannot
# exhaust memory (a flood from one address still hits the per-address limit).
MAX_TRACKED_KEYS = 100_000


class FailureWindow:
    """Failed attempts per key in the last ``window_s`` seconds, with a limit."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when it is under the limit."""
        with self._lock:
            now = self._clock()
            times = self._recent(key, now)
            if times is None or len(times) < self.limit:
                return 0
            # The attempt that brings it back under the limit is when the oldest counted failure expires.
            return max(1, math.ceil(times[-self.limit] + self.window_s - now))

    def fail(self, key: str) -> None:
        """Count one failed attempt for ``key``."""
        with self._lock:
            now = self._clock()
            times = self._recent(key, now)
            if times is None:
                if len(self._failures) >= MAX_TRACKED_KEYS:
                    del self._failures[next(iter(self._failures))]
                times = self._failures[key] = deque()
            times.append(now)

    def clear(self, key: str) -> None:
        """Forget ``key``'s failures (after a successful login)."""
        with self._lock:
            self._failures.pop(key, None)


class LoginLimiter:
    """The per-account and per-address limits of POST /api/auth/login."""

    def __init__(self, *, per_account: int, per_ip: int, window_s: float) -> None:
        self.accounts = FailureWindow(per_account, window_s)
        self.addresses = FailureWindow(per_ip, window_s)

    def check(self, *, email: str, ip: str) -> None:
        """TooManyAttemptsError when either the account or the address used up its failures."""
        wait = max(self.accounts.retry_after(email.lower()), self.addresses.retry_after(ip))
        if wait:
            raise TooManyAttemptsError(f"too many failed logins; try again in {wait} s", wait)

    def failed(self, *, email: str, ip: str) -> None:
        """Count a failed login."""
        self.accounts.fail(email.lower())
        self.addresses.fail(ip)

    def succeeded(self, *, email: str) -> None:
        """A correct password resets the account's count (the address keeps its count)."""
        self.accounts.clear(email.lower())
