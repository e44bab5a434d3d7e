"""Access tokens expire and cannot be forged; service tokens are random and stored only as a hash."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from cloud.auth.errors import NotAuthenticatedError
from cloud.auth.tokens import (
    SERVICE_TOKEN_PREFIX,
    hash_service_token,
    is_service_token,
    issue_access_token,
    new_service_token,
    read_access_token,
)

pytestmark = pytest.mark.unit

KEY = "unit-test-signing-key-0123456789abcdef"


def test_an_access_token_names_its_user_until_it_expires() -> None:
    user = uuid.uuid4()
    token = issue_access_token(user_id=user, role="technician", key=KEY, ttl_s=60, version=4)
    claims = read_access_token(token.token, key=KEY)
    assert (claims.user_id, claims.version) == (user, 4)
    assert timedelta(seconds=59) < token.expires_at - datetime.now(UTC) <= timedelta(seconds=60)


def test_an_expired_access_token_is_refused_with_a_message_to_log_in_again() -> None:
    issued = datetime.now(UTC) - timedelta(hours=1)
    token = issue_access_token(user_id=uuid.uuid4(), role="admin", key=KEY, ttl_s=60, now=issued)
    with pytest.raises(NotAuthenticatedError, match="expired"):
        read_access_token(token.token, key=KEY)


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: (
            issue_access_token(
                user_id=uuid.uuid4(), role="admin", key="another-key-" + "x" * 30, ttl_s=60
            ).token
        ),
        lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"),
        lambda t: "not.a.jwt",
        lambda t: jwt.encode({"sub": str(uuid.uuid4()), "exp": 9999999999, "iat": 0}, "", algorithm="none"),
        lambda t: jwt.encode({"sub": "someone", "exp": 9999999999, "iat": 0}, KEY, algorithm="HS256"),
        lambda t: jwt.encode({"sub": str(uuid.uuid4()), "iat": 0}, KEY, algorithm="HS256"),  # never expires
    ],
    ids=["other-key", "tampered-signature", "garbage", "alg-none", "sub-not-a-uuid", "no-exp"],
)
def test_forged_or_malformed_access_tokens_are_refused(forge: object) -> None:
    token = issue_access_token(user_id=uuid.uuid4(), role="admin", key=KEY, ttl_s=60).token
    with pytest.raises(NotAuthenticatedError, match="not valid"):
        read_access_token(forge(token), key=KEY)  # type: ignore[operator]


def test_service_tokens_are_random_prefixed_and_stored_as_their_hash() -> None:
    (first, first_hash), (second, _) = new_service_token(), new_service_token()
    assert first != second
    assert first.startswith(SERVICE_TOKEN_PREFIX) and is_service_token(first)
    assert first_hash == hash_service_token(first) and first not in first_hash
    assert not is_service_token(
        issue_access_token(user_id=uuid.uuid4(), role="admin", key=KEY, ttl_s=60).token
    )
