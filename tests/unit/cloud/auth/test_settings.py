"""The API refuses to start without a real signing secret, except in the demo."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from cloud.app import create_app
from cloud.config import ConfigError, Settings

pytestmark = pytest.mark.unit


def test_the_api_refuses_to_start_without_a_secret() -> None:
    with pytest.raises(ConfigError, match="MAINTAINX_AUTH_SECRET is not set"):
        create_app(Settings())


@pytest.mark.parametrize("secret", ["changethis", "secret", "short-but-random-x9"])
def test_placeholder_or_short_secrets_are_refused(secret: str) -> None:
    with pytest.raises(ValidationError, match="MAINTAINX_AUTH_SECRET"):
        Settings(auth_secret=SecretStr(secret))


def test_the_demo_runs_with_a_throw_away_key_and_a_real_secret_is_used_as_given() -> None:
    assert len(Settings(demo=True).signing_key()) >= 32
    secret = "a-real-secret-of-enough-length-0123456789"
    assert Settings(auth_secret=SecretStr(secret)).signing_key() == secret


def test_the_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAINTAINX_AUTH_SECRET", "from-the-environment-0123456789abcdef")
    monkeypatch.setenv("MAINTAINX_CORS_ORIGINS", '["https://ops.example.com"]')
    settings = Settings()
    assert settings.signing_key() == "from-the-environment-0123456789abcdef"
    assert settings.cors_origins == ["https://ops.example.com"]
    assert "from-the-environment" not in repr(settings)  # SecretStr keeps it out of logs
