"""Login brute force is cut off with 429 + Retry-After, per account and per client address."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cloud.app import create_app
from cloud.config import Settings

pytestmark = pytest.mark.integration

PASSWORD = "the right password"


@pytest.fixture
def strict(settings: Settings) -> Iterator[TestClient]:
    """An app whose address limit is low enough to reach in a test (every TestClient call is one address)."""
    tight = settings.model_copy(update={"login_max_failures_per_account": 3, "login_max_failures_per_ip": 5})
    with TestClient(create_app(tight)) as client:
        yield client


def _login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/api/auth/login", json={"email": email, "password": password})


def test_guessing_one_accounts_password_is_cut_off_with_429_even_for_the_right_password(
    anonymous: TestClient, seed: Any, expect_problem: Any
) -> None:
    seed.user("Tess", email="tess@example.com", password=PASSWORD)
    for n in range(5):  # the default per-account budget
        expect_problem(_login(anonymous, "tess@example.com", f"guess {n:04d}"), 401)

    blocked = _login(anonymous, "tess@example.com", PASSWORD)

    body = expect_problem(blocked, 429, "too many failed logins")
    retry_after = int(blocked.headers["retry-after"])
    assert 0 < retry_after <= 300 and body["retry_after"] == retry_after


def test_a_successful_login_resets_the_accounts_count(anonymous: TestClient, seed: Any) -> None:
    seed.user("Tess", email="tess@example.com", password=PASSWORD)
    for _ in range(2):
        for n in range(4):
            assert _login(anonymous, "tess@example.com", f"typo {n:04d}").status_code == 401
        assert _login(anonymous, "tess@example.com", PASSWORD).status_code == 200


def test_one_address_spraying_many_accounts_is_cut_off(
    strict: TestClient, seed: Any, expect_problem: Any
) -> None:
    seed.user("Tess", email="tess@example.com", password=PASSWORD)
    for n in range(5):
        expect_problem(_login(strict, f"user{n}@example.com", "password1"), 401)
    expect_problem(_login(strict, "tess@example.com", PASSWORD), 429)


def test_blocking_one_account_leaves_other_accounts_alone(strict: TestClient, seed: Any) -> None:
    seed.user("Tess", email="tess@example.com", password=PASSWORD)
    seed.user("Ugo", email="ugo@example.com", password=PASSWORD)
    for n in range(3):
        _login(strict, "tess@example.com", f"guess {n:04d}")
    assert _login(strict, "tess@example.com", PASSWORD).status_code == 429
    assert _login(strict, "ugo@example.com", PASSWORD).status_code == 200
