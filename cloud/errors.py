"""Errors the cloud's services raise; the API layer alone maps them to HTTP statuses."""

from __future__ import annotations


class CloudError(Exception):
    """Base of every error a cloud service raises on purpose."""


class NotFoundError(CloudError):
    """The thing asked for does not exist."""


class ConflictError(CloudError):
    """The request is well-formed but contradicts the current state (e.g. an illegal ticket transition)."""


class InvalidRequestError(CloudError):
    """The request's values cannot work together (e.g. a time range that ends before it starts)."""

    def __init__(self, message: str, loc: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.loc = loc  # where the offending value is, e.g. ("query", "start")
