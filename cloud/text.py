"""Text the API accepts: any Unicode except NUL, which PostgreSQL cannot store in text or JSONB."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from pydantic import AfterValidator

from cloud.errors import InvalidRequestError


def refuse_nul(value: str) -> str:
    """``value`` unchanged; ValueError (a 422) when it contains a NUL character."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL (\\u0000) characters")
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]
"""A string field or parameter that can be stored."""


def refuse_nul_in_url(request: Request) -> None:
    """App-wide dependency: NUL in the decoded path or query is a 422 before a route reaches the database."""
    if "\x00" in request.scope["path"]:
        raise InvalidRequestError("the URL path must not contain NUL (%00) characters", ("path",))
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            message = "query parameters must not contain NUL (%00) characters"
            raise InvalidRequestError(message, ("query", name))
