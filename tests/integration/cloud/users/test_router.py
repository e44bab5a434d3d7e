"""People over HTTP: admins create and change users; everyone can list them (e.g. to pick an assignee)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from cloud.users.models import UserRole

pytestmark = pytest.mark.integration

NEW = {
    "email": "nina@example.com",
    "full_name": "Nina New",
    "role": "technician",
    "password": "s3cret-enough",
}


def test_an_admin_creates_a_user_who_can_then_log_in(anonymous: TestClient, admin: Any) -> None:
    created = anonymous.post("/api/users", json=NEW | {"location": "Line A"}, headers=admin.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {"id", "email", "full_name", "role", "location", "is_active", "created_at"}
    assert body["role"] == "technician" and body["is_active"] and body["location"] == "Line A"
    login = anonymous.post("/api/auth/login", json={"email": NEW["email"], "password": NEW["password"]})
    assert login.status_code == 200 and login.json()["user"]["id"] == body["id"]


def test_emails_are_unique_whatever_their_case(
    anonymous: TestClient, admin: Any, expect_problem: Any
) -> None:
    assert anonymous.post("/api/users", json=NEW, headers=admin.headers).status_code == 201
    again = NEW | {"email": "NINA@example.com"}
    expect_problem(anonymous.post("/api/users", json=again, headers=admin.headers), 409, "exists")


@pytest.mark.parametrize(
    ("change", "field"),
    [({"password": "short"}, "password"), ({"role": "boss"}, "role"), ({"email": "not-an-email"}, "email")],
)
def test_bad_user_fields_are_422_problems_naming_the_field(
    anonymous: TestClient, admin: Any, expect_problem: Any, change: dict[str, str], field: str
) -> None:
    body = expect_problem(anonymous.post("/api/users", json=NEW | change, headers=admin.headers), 422)
    assert body["errors"][0]["loc"] == ["body", field]


def test_an_admin_changes_role_password_and_activity(anonymous: TestClient, admin: Any, login: Any) -> None:
    tech = login(UserRole.TECHNICIAN, "Tom")
    changed = anonymous.patch(
        f"/api/users/{tech.id}",
        json={"role": "engineer", "password": "brand-new-pass"},
        headers=admin.headers,
    )
    assert changed.status_code == 200 and changed.json()["role"] == "engineer"
    assert changed.json()["full_name"] == "Tom"  # untouched when not sent
    email = changed.json()["email"]
    assert (
        anonymous.post("/api/auth/login", json={"email": email, "password": "brand-new-pass"}).status_code
        == 200
    )
    anonymous.patch(f"/api/users/{tech.id}", json={"is_active": False}, headers=admin.headers)
    assert (
        anonymous.post("/api/auth/login", json={"email": email, "password": "brand-new-pass"}).status_code
        == 401
    )


def test_users_are_listed_by_name_and_filtered_by_role_and_activity(
    anonymous: TestClient, admin: Any, login: Any, seed: Any
) -> None:
    tech = login(UserRole.TECHNICIAN, "Bea Tech")
    seed.user("Abe Gone", is_active=False)
    everyone = anonymous.get("/api/users", headers=tech.headers).json()
    assert [u["full_name"] for u in everyone] == ["Abe Gone", "Ada Admin", "Bea Tech"]
    active_techs = anonymous.get(
        "/api/users", params={"role": "technician", "active": True}, headers=tech.headers
    )
    assert [u["full_name"] for u in active_techs.json()] == ["Bea Tech"]


def test_an_unknown_user_is_a_404(anonymous: TestClient, admin: Any, expect_problem: Any) -> None:
    missing = "01930000-0000-7000-8000-000000000000"
    expect_problem(anonymous.get(f"/api/users/{missing}", headers=admin.headers), 404, "does not exist")
    expect_problem(
        anonymous.patch(f"/api/users/{missing}", json={"full_name": "X"}, headers=admin.headers), 404
    )
