"""Oversized request bodies are refused with a 413 problem before the API reads them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration

MIB = 1024 * 1024


def test_a_body_over_one_mib_is_a_413_problem_on_open_and_protected_routes(
    anonymous: TestClient, admin: Any, expect_problem: Any
) -> None:
    big = json.dumps({"email": "a@example.com", "password": "x" * (MIB + 1)})
    headers = {"content-type": "application/json"}
    body = expect_problem(anonymous.post("/api/auth/login", content=big, headers=headers), 413)
    assert "1048576 bytes" in body["detail"]
    comment = json.dumps({"text": "x" * (2 * MIB)})
    expect_problem(anonymous.post("/api/tickets", content=comment, headers=headers | admin.headers), 413)


def test_a_body_just_under_the_limit_reaches_validation(anonymous: TestClient, expect_problem: Any) -> None:
    payload = json.dumps({"email": "a@example.com", "password": "x" * (MIB - 100)})
    expect_problem(
        anonymous.post("/api/auth/login", content=payload), 422
    )  # too long a password, not too big


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(
    anonymous: TestClient, admin: Any, expect_problem: Any
) -> None:
    def chunks() -> Any:
        yield b'{"text": "'
        for _ in range(40):
            yield b"x" * 65536  # 2.5 MiB in all, sent without a Content-Length
        yield b'"}'

    response = anonymous.post(
        "/api/auth/login", content=chunks(), headers={"content-type": "application/json"} | admin.headers
    )
    expect_problem(response, 413)


def test_nul_characters_are_a_422_not_a_database_error(
    client: TestClient, seed: Any, expect_problem: Any
) -> None:
    # PostgreSQL cannot store U+0000 in text or JSONB; schemathesis found the 500 this used to be.
    ticket = seed.ticket(seed.machine("Pump 03"))
    expect_problem(client.post("/api/sites", json={"name": "Ly\x00on"}), 422, "NUL")
    expect_problem(client.post(f"/api/tickets/{ticket}/comments", json={"text": "a\x00b"}), 422, "NUL")
    expect_problem(client.get("/api/tickets", params={"fault": "a\x00"}), 422, "NUL")
    expect_problem(client.get("/api/gateways/gw%00"), 422, "NUL")
    expect_problem(client.post("/api/auth/login", json={"email": "a\x00@x", "password": "p"}), 422, "NUL")
    # Every route, present and future, through the app-wide check: the registry's paths and bodies too.
    expect_problem(client.get("/api/registry/models/v%00"), 422, "NUL")
    expect_problem(client.get("/api/registry/gateways/gw%00/runs"), 422, "NUL")
    expect_problem(client.get("/api/machines", params={"x\x00": "1"}), 422, "NUL")
    expect_problem(client.put("/api/registry/aliases/champion", json={"version": "v\x00"}), 422, "NUL")
    rollout = {"ref": "v\x00", "target": {"key": "all"}}
    expect_problem(client.post("/api/registry/rollouts", json=rollout), 422, "NUL")


def test_an_offset_past_what_postgresql_can_count_is_a_422_not_a_500(
    client: TestClient, expect_problem: Any
) -> None:
    # schemathesis found this one: OFFSET is a bigint in PostgreSQL.
    for path in ("/api/tickets", "/api/registry/rollouts"):
        body = expect_problem(client.get(path, params={"offset": 2**63}), 422)
        assert body["errors"][0]["loc"] == ["query", "offset"]
