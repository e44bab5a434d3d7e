"""Helpers of the security tests: every API route of the real app, with placeholder ids filled in."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from cloud.app import create_app
from cloud.config import Settings

# Routes anyone may call without a token.
# Agents fetch model artifacts by hash with no API token: the signed manifest is what they trust.
# The login page asks whether this is the demo (outside it the answer lists no login).
OPEN_ROUTES = {
    ("GET", "/api/health"),
    # A load balancer's probes carry no token and learn nothing but up or down.
    ("GET", "/api/health/live"),
    ("GET", "/api/health/ready"),
    ("POST", "/api/auth/login"),
    ("GET", "/api/auth/demo"),
    ("GET", "/api/registry/blobs/{sha256}"),
}


def api_routes() -> list[tuple[str, str]]:
    """(method, path template) of every route under /api, from the app's OpenAPI schema."""
    app: FastAPI = create_app(Settings(auth_secret=SecretStr("route-listing-key-0123456789abcdef")))
    return sorted(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in operations
    )


def fill(path: str, **ids: object) -> str:
    """The path with each ``{name}`` replaced by ids[name], or a fresh UUID (a gateway slug for gateways)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in ids:
            return str(ids[name])
        return "gw-nowhere" if name == "gateway_id" else str(uuid.uuid4())

    return re.sub(r"\{(\w+)\}", value, path)


@pytest.fixture(scope="session")
def routes() -> list[tuple[str, str]]:
    """Every API route."""
    return api_routes()
