"""Logging in, who-am-I, and service tokens over HTTP against the real database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from cloud.users.models import UserRole

pytestmark = pytest.mark.integration

PASSWORD = "a long enough password"


def test_logging_in_returns_an_expiring_token_that_works_on_the_api(anonymous: TestClient, seed: Any) -> None:
    user_id = seed.user("Tess", email="tess@example.com", password=PASSWORD)

    response = anonymous.post("/api/auth/login", json={"email": "Tess@Example.com", "password": PASSWORD})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["id"] == str(user_id) and body["user"]["role"] == "technician"
    assert "password_hash" not in body["user"]
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert timedelta(hours=7) < expires_at - datetime.now(UTC) <= timedelta(hours=8)
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert anonymous.get("/api/auth/me", headers=headers).json()["email"] == "tess@example.com"
    assert anonymous.get("/api/machines", headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("tess@example.com", "wrong password!"),
        ("nobody@example.com", PASSWORD),
        ("inactive@example.com", PASSWORD),
    ],
    ids=["wrong-password", "unknown-email", "deactivated"],
)
def test_a_failed_login_is_the_same_401_whatever_was_wrong(
    anonymous: TestClient, seed: Any, expect_problem: Any, email: str, password: str
) -> None:
    seed.user("Tess", email="tess@example.com", password=PASSWORD)
    seed.user("Ian", email="inactive@example.com", password=PASSWORD, is_active=False)
    response = anonymous.post("/api/auth/login", json={"email": email, "password": password})
    body = expect_problem(response, 401)
    assert body["detail"] == "wrong email or password"


def test_a_person_without_a_password_cannot_log_in(
    anonymous: TestClient, seed: Any, expect_problem: Any
) -> None:
    seed.user("Roster Only", email="roster@example.com")
    expect_problem(
        anonymous.post("/api/auth/login", json={"email": "roster@example.com", "password": "x" * 8}), 401
    )


def test_an_access_token_stops_working_when_its_user_is_deactivated(
    anonymous: TestClient, login: Any, admin: Any, expect_problem: Any
) -> None:
    tech = login(UserRole.TECHNICIAN)
    assert anonymous.get("/api/auth/me", headers=tech.headers).status_code == 200
    patched = anonymous.patch(f"/api/users/{tech.id}", json={"is_active": False}, headers=admin.headers)
    assert patched.status_code == 200, patched.text
    expect_problem(anonymous.get("/api/auth/me", headers=tech.headers), 401, "deactivated")


def test_a_token_for_a_user_that_does_not_exist_is_a_401(
    anonymous: TestClient, settings: Any, expect_problem: Any
) -> None:
    now = datetime.now(UTC)
    token = jwt.encode(
        {"sub": str(uuid.uuid4()), "ver": 0, "iat": now, "exp": now + timedelta(minutes=5)},
        settings.auth_secret.get_secret_value(),
        algorithm="HS256",
    )
    expect_problem(anonymous.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_a_service_token_is_shown_once_works_until_revoked_and_is_stored_hashed(
    anonymous: TestClient, admin: Any, login: Any, seed: Any, expect_problem: Any
) -> None:
    engineer = login(UserRole.ENGINEER, "Erin Engineer")
    created = anonymous.post(
        "/api/auth/service-tokens",
        json={"name": "nightly export", "user_id": str(engineer.id)},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    token_id = created.json()["id"]
    service = {"Authorization": f"Bearer {token}"}

    me = anonymous.get("/api/auth/me", headers=service)
    assert me.status_code == 200 and me.json()["id"] == str(engineer.id)  # it acts as its user

    listed = anonymous.get("/api/auth/service-tokens", headers=admin.headers).json()
    assert [t["id"] for t in listed] == [token_id]
    assert "token" not in listed[0] and listed[0]["last_used_at"] is not None
    with seed.sessions() as db:
        stored = db.execute(
            sa.text("SELECT token_hash FROM service_tokens WHERE id = :id"), {"id": token_id}
        ).scalar_one()
    assert token not in stored and len(stored) == 64

    assert anonymous.delete(f"/api/auth/service-tokens/{token_id}", headers=admin.headers).status_code == 204
    expect_problem(anonymous.get("/api/auth/me", headers=service), 401, "revoked")
    assert (
        anonymous.get("/api/auth/service-tokens", headers=admin.headers).json()[0]["revoked_at"] is not None
    )


def test_an_expired_service_token_is_a_401(
    anonymous: TestClient, admin: Any, seed: Any, expect_problem: Any
) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1)
    created = anonymous.post(
        "/api/auth/service-tokens",
        json={"name": "short", "expires_at": soon.isoformat()},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    with seed.sessions.begin() as db:  # age it rather than sleep
        db.execute(sa.text("UPDATE service_tokens SET expires_at = now() - interval '1 minute'"))
    headers = {"Authorization": f"Bearer {created.json()['token']}"}
    expect_problem(anonymous.get("/api/auth/me", headers=headers), 401, "expired")


def test_a_service_token_cannot_be_made_already_expired_or_for_nobody(
    anonymous: TestClient, admin: Any, expect_problem: Any
) -> None:
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    body = expect_problem(
        anonymous.post(
            "/api/auth/service-tokens", json={"name": "x", "expires_at": past}, headers=admin.headers
        ),
        422,
    )
    assert body["errors"][0]["loc"] == ["body", "expires_at"]
    nobody = {"name": "x", "user_id": str(uuid.uuid4())}
    expect_problem(anonymous.post("/api/auth/service-tokens", json=nobody, headers=admin.headers), 422)
