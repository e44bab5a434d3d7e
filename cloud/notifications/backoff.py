"""When a failed delivery is tried again: capped exponential backoff with jitter, computed by tenacity."""

from __future__ import annotations

from tenacity import RetryCallState, Retrying, wait_exponential_jitter


def retry_delay_s(attempts: int, *, initial_s: float, max_s: float) -> float:
    """Seconds to wait after ``attempts`` failed tries: initial·2^(n-1) plus up to ``initial`` of jitter.

    The jitter spreads the retries of many deliveries that failed together (a receiver that was down), so
    they do not all return at the same instant. The result never exceeds ``max_s``.
    """
    wait = wait_exponential_jitter(multiplier=initial_s, max=max_s, jitter=initial_s)
    # tenacity's wait strategies read only attempt_number from the state.
    state = RetryCallState(retry_object=Retrying(), fn=None, args=(), kwargs={})
    state.attempt_number = max(1, attempts)
    return float(wait(state))
