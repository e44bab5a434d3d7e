"""Text the API accepts: any Unicode except NUL, which PostgreSQL cannot store in text or JSONB."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def refuse_nul(value: str) -> str:
    """``value`` unchanged; ValueError (a 422) when it contains a NUL character."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL (\\u0000) characters")
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]
"""A string field or parameter that can be stored."""
