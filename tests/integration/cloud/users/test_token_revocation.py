"""Tokens die with the password: a reset, a deactivation or a role change revokes a user's tokens at once."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from cloud.users.models import UserRole

from ..conftest import PASSWORD, Caller, Login

pytestmark = pytest.mark.integration

NEW_PASSWORD = "a brand new passphrase"


def _me(client: TestClient, token: str) -> int:
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/api/auth/login", json={"email": email, "password": password})


@pytest.mark.parametrize(
    ("change", "password_after"),
    [
        ({"password": NEW_PASSWORD}, NEW_PASSWORD),
        ({"role": "engineer"}, PASSWORD),
        ({"is_active": False}, PASSWORD),
    ],
    ids=["password-reset", "role-change", "deactivation"],
)
def test_an_admin_change_revokes_every_outstanding_token_of_that_user_at_once(
    anonymous: TestClient,
    login: Login,
    admin: Caller,
    expect_problem: Any,
    change: dict[str, object],
    password_after: str,
) -> None:
    user = login(UserRole.TECHNICIAN, "Tom Token")
    email = anonymous.get("/api/auth/me", headers=user.headers).json()["email"]
    second = _login(anonymous, email, PASSWORD).json()["access_token"]  # another device, another token
    bystander = login(UserRole.TECHNICIAN, "Bea Bystander")
    assert _me(anonymous, user.token) == _me(anonymous, second) == 200

    response = anonymous.patch(f"/api/users/{user.id}", json=change, headers=admin.headers)
    assert response.status_code == 200, response.text

    for token in (user.token, second):
        body = expect_problem(
            anonymous.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}), 401
        )
        assert "revoked" in body["detail"] or "deactivated" in body["detail"]
    # Nobody else is signed out, the admin who made the change included.
    assert _me(anonymous, bystander.token) == _me(anonymous, admin.token) == 200
    if change.get("is_active") is False:
        assert _login(anonymous, email, PASSWORD).status_code == 401
        reactivated = anonymous.patch(
            f"/api/users/{user.id}", json={"is_active": True}, headers=admin.headers
        )
        assert reactivated.status_code == 200
        assert _me(anonymous, user.token) == 401  # reactivation does not bring the old tokens back
    fresh = _login(anonymous, email, password_after)
    assert fresh.status_code == 200, fresh.text
    assert _me(anonymous, fresh.json()["access_token"]) == 200


def test_changes_that_do_not_touch_access_keep_tokens_valid(
    anonymous: TestClient, login: Login, admin: Caller
) -> None:
    user = login(UserRole.TECHNICIAN, "Nina Name")
    for change in ({"full_name": "Nina Renamed"}, {"location": "Hall 2"}, {"role": "technician"}):
        response = anonymous.patch(f"/api/users/{user.id}", json=change, headers=admin.headers)
        assert response.status_code == 200, response.text
    assert _me(anonymous, user.token) == 200


def test_the_revocation_holds_on_every_protected_route_family(
    anonymous: TestClient, login: Login, admin: Caller, expect_problem: Any
) -> None:
    engineer = login(UserRole.ENGINEER, "Eve Engineer")
    anonymous.patch(f"/api/users/{engineer.id}", json={"password": NEW_PASSWORD}, headers=admin.headers)
    for path in ("/api/machines", "/api/tickets", "/api/users", "/api/gateways"):
        expect_problem(anonymous.get(path, headers=engineer.headers), 401, "revoked")
