"""Helpers the hierarchy tests share."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def make(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to ``path``, insist on 201 Created and return the created thing."""
    response = client.post(path, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
