"""Errors of the broker-security package."""

from __future__ import annotations


class BrokerSecurityError(RuntimeError):
    """Base class: broker credentials or ACLs that cannot be produced."""


class CredentialsFileError(BrokerSecurityError):
    """An existing credentials file that cannot be read back (named, with what is wrong)."""
