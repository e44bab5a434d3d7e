"""Every API route but health and login refuses a request without a valid token with a 401 problem."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cloud.auth.tokens import issue_access_token
from cloud.config import Settings

from .conftest import OPEN_ROUTES, api_routes, fill

pytestmark = pytest.mark.integration

PROTECTED = [route for route in api_routes() if route not in OPEN_ROUTES]


def _expired(settings: Settings, user_id: uuid.UUID) -> str:
    issued = datetime.now(UTC) - timedelta(days=1)
    key = settings.signing_key()
    return issue_access_token(user_id=user_id, role="admin", key=key, ttl_s=3600, now=issued).token


def test_the_route_list_covers_the_whole_api() -> None:
    # A guard for the tests below: they must see the routes, not an empty list.
    assert len(PROTECTED) >= 25
    assert ("GET", "/api/stream") in PROTECTED and ("PATCH", "/api/tickets/{ticket_id}") in PROTECTED


def test_every_protected_route_is_a_401_problem_without_a_token(
    anonymous: TestClient, expect_problem: Any
) -> None:
    for method, path in PROTECTED:
        response = anonymous.request(method, fill(path), json={})
        body = expect_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer", (method, path)
        assert "needs a token" in body["detail"], (method, path)


def test_every_protected_route_refuses_an_expired_token(
    anonymous: TestClient, admin: Any, settings: Settings, expect_problem: Any
) -> None:
    headers = {"Authorization": f"Bearer {_expired(settings, admin.id)}"}
    for method, path in PROTECTED:
        expect_problem(anonymous.request(method, fill(path), json={}, headers=headers), 401, "expired")


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Bearer mxs_not-a-service-token", "Basic YWRtaW46YWRtaW4=", "Bearer "],
    ids=["garbage-jwt", "unknown-service-token", "basic-auth", "empty"],
)
def test_bad_credentials_are_a_401_problem(
    anonymous: TestClient, expect_problem: Any, authorization: str
) -> None:
    for method, path in [
        ("GET", "/api/machines"),
        ("PATCH", "/api/tickets/{ticket_id}"),
        ("GET", "/api/stream"),
    ]:
        expect_problem(
            anonymous.request(method, fill(path), json={}, headers={"Authorization": authorization}), 401
        )


def test_the_stream_takes_its_token_from_the_query_but_refuses_a_bad_or_expired_one(
    anonymous: TestClient, admin: Any, settings: Settings, expect_problem: Any
) -> None:
    expect_problem(anonymous.get("/api/stream", params={"access_token": "nope"}), 401, "not valid")
    expired = _expired(settings, admin.id)
    expect_problem(anonymous.get("/api/stream", params={"access_token": expired}), 401, "expired")


def test_only_the_stream_accepts_a_token_in_the_query(
    anonymous: TestClient, admin: Any, expect_problem: Any
) -> None:
    # Tokens in URLs end up in logs; only EventSource, which cannot send headers, gets that exception.
    expect_problem(anonymous.get("/api/machines", params={"access_token": admin.token}), 401)


def test_a_token_signed_with_another_key_is_refused(
    anonymous: TestClient, admin: Any, expect_problem: Any
) -> None:
    forged = issue_access_token(
        user_id=admin.id, role="admin", key="attacker-key-" + "z" * 30, ttl_s=600
    ).token
    expect_problem(
        anonymous.get("/api/users", headers={"Authorization": f"Bearer {forged}"}), 401, "not valid"
    )
