"""Webhook signatures: HMAC-SHA256 over ``<timestamp>.<body>``, and the check a receiver runs.

The timestamp is signed with the body so a captured request cannot be replayed later: a receiver refuses
a timestamp older than ``MAX_AGE_S``. Receivers in other languages follow docs/notifications.md.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-MaintainX-Signature"
TIMESTAMP_HEADER = "X-MaintainX-Timestamp"
# Five minutes: long enough for clock skew and a slow proxy, short enough to make a replay useless.
MAX_AGE_S = 300
_PREFIX = "sha256="


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return _PREFIX + digest


def verify(secret: str, body: bytes, timestamp: str, signature: str, *, now: float) -> bool:
    """Whether a received webhook is authentic and fresh (at most ``MAX_AGE_S`` old, not from the future).

    ``body`` must be the raw bytes received, before any JSON parsing.
    """
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > MAX_AGE_S:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)
