"""Failed logins are counted per account and per address in a sliding window."""

from __future__ import annotations

import pytest

from cloud.auth.errors import TooManyAttemptsError
from cloud.auth.ratelimit import FailureWindow, LoginLimiter

pytestmark = pytest.mark.unit


class Clock:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_blocked_at_the_limit_until_its_oldest_failure_leaves_the_window() -> None:
    clock = Clock()
    window = FailureWindow(limit=3, window_s=60, clock=clock)
    for _ in range(2):
        window.fail("ana")
        clock.now += 10
    assert window.retry_after("ana") == 0
    window.fail("ana")  # third failure at t=20
    assert window.retry_after("ana") == 40  # the first (t=0) leaves the window at t=60
    clock.now += 40
    assert window.retry_after("ana") == 0
    assert window.retry_after("bob") == 0  # other keys are untouched


def test_clearing_a_key_forgets_its_failures() -> None:
    window = FailureWindow(limit=1, window_s=60, clock=Clock())
    window.fail("ana")
    assert window.retry_after("ana") > 0
    window.clear("ana")
    assert window.retry_after("ana") == 0


def test_the_login_limiter_blocks_an_account_whatever_the_case_of_its_email() -> None:
    limiter = LoginLimiter(per_account=2, per_ip=100, window_s=60)
    limiter.failed(email="Ana@Example.com", ip="10.0.0.1")
    limiter.failed(email="ana@example.com", ip="10.0.0.2")
    with pytest.raises(TooManyAttemptsError) as caught:
        limiter.check(email="ANA@example.com", ip="10.0.0.3")
    assert caught.value.retry_after_s > 0
    limiter.check(email="bob@example.com", ip="10.0.0.3")  # another account from anywhere is fine


def test_the_login_limiter_blocks_an_address_that_tries_many_accounts() -> None:
    limiter = LoginLimiter(per_account=100, per_ip=3, window_s=60)
    for n in range(3):
        limiter.failed(email=f"user{n}@example.com", ip="10.0.0.9")
    with pytest.raises(TooManyAttemptsError):
        limiter.check(email="fresh@example.com", ip="10.0.0.9")
    limiter.check(email="fresh@example.com", ip="10.0.0.10")


def test_a_successful_login_resets_the_account_but_not_the_address() -> None:
    limiter = LoginLimiter(per_account=2, per_ip=2, window_s=60)
    limiter.failed(email="ana@example.com", ip="10.0.0.1")
    limiter.succeeded(email="ana@example.com")
    limiter.failed(email="ana@example.com", ip="10.0.0.2")
    limiter.check(email="ana@example.com", ip="10.0.0.3")  # one failure since the success: under the limit
    limiter.failed(email="bob@example.com", ip="10.0.0.1")
    with pytest.raises(TooManyAttemptsError):
        limiter.check(email="carl@example.com", ip="10.0.0.1")
