"""Password hashes in the format Mosquitto 2 reads from its ``password_file``.

A line is ``user:$7$<iterations>$<base64 salt>$<base64 PBKDF2-HMAC-SHA512>``, exactly what
``mosquitto_passwd`` writes. Hashing here (stdlib ``hashlib``) lets the cloud provision a broker without
Mosquitto's tools installed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# Mosquitto's own tag for PBKDF2-SHA512 in password files.
_PBKDF2_SHA512 = "7"
# mosquitto_passwd's default. The passwords we hash are 256-bit random tokens, so key stretching adds no
# protection, while a higher count costs the broker CPU on every reconnect of every gateway.
DEFAULT_ITERATIONS = 101
# Sizes mosquitto_passwd uses: a 12-byte salt and the full 64-byte SHA-512 output.
SALT_BYTES = 12
HASH_BYTES = 64


def hash_password(password: str, *, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    """The ``$7$...`` hash of ``password`` for a Mosquitto password file."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, HASH_BYTES)
    b64 = base64.b64encode
    return f"${_PBKDF2_SHA512}${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, hashed: str) -> bool:
    """Whether ``password`` matches a ``$7$`` hash (False for any other or malformed hash)."""
    parts = hashed.split("$")
    if len(parts) != 5 or parts[1] != _PBKDF2_SHA512 or not parts[2].isdigit():
        return False
    try:
        salt = base64.b64decode(parts[3], validate=True)
        expected = base64.b64decode(parts[4], validate=True)
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, int(parts[2]), len(expected))
    return hmac.compare_digest(digest, expected)


def new_password() -> str:
    """A fresh random password (256 bits, URL-safe so it can sit in an ``mqtt://user:pass@`` URL)."""
    return secrets.token_urlsafe(32)
