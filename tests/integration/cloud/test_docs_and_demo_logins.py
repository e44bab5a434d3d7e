"""The API documentation page loads nothing from outside; the demo's logins are shown only in the demo."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from cloud.app import create_app
from cloud.auth.demo import DEMO_PASSWORD, DEMO_USERS
from cloud.config import Settings

pytestmark = pytest.mark.integration

# Any absolute URL in an attribute or a script string: none may point away from our server.
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|['"]https?://""", re.IGNORECASE)


def test_the_docs_page_references_only_our_own_assets(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        # No ReDoc page (its sidebar loads a logo from Redocly's CDN): /redoc is the dashboard's, if anyone's.
        assert "redoc" not in client.get("/redoc").text.lower()
        html = client.get("/docs")
        assert html.status_code == 200
        assert EXTERNAL.search(html.text) is None, html.text
        assets = re.findall(r"""(?:src|href)=["']?(/docs-assets/[^"' >]+)""", html.text)
        assert assets, html.text
        for asset in assets:
            response = client.get(asset)
            assert response.status_code == 200 and len(response.content) > 1000, asset
        assert client.get("/openapi.json").json()["info"]["title"] == "MaintainX"


def test_outside_the_demo_no_login_is_shown(anonymous: TestClient) -> None:
    assert anonymous.get("/api/auth/demo").json() == {"demo": False, "password": None, "logins": []}


def test_in_the_demo_the_logins_and_their_password_are_shown(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"demo": True}))) as client:
        info = client.get("/api/auth/demo").json()
    assert info["demo"] is True and info["password"] == DEMO_PASSWORD
    assert [(u["email"], u["role"]) for u in info["logins"]] == [(e, r) for e, _, r in DEMO_USERS]
