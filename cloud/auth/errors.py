"""Errors of authentication and authorisation; the API maps them to 401, 403 and 429."""

from __future__ import annotations

from cloud.errors import CloudError


class AuthError(CloudError):
    """Base of the auth errors."""


class NotAuthenticatedError(AuthError):
    """No credentials, or credentials that are wrong, expired or revoked (401)."""


class PermissionDeniedError(AuthError):
    """The caller is known but may not do this (403)."""


class TooManyAttemptsError(AuthError):
    """Too many failed logins for an account or from an address (429)."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s  # whole seconds until the next attempt may succeed
