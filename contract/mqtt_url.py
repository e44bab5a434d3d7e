"""The broker's address: one parser of ``mqtt://user:pass@host:port`` for the agent, cloud and registry.

Before this module the agent, the cloud settings and the registry each split the URL themselves, with
different schemes accepted and different answers to "the URL has a password and so do the settings: which
one is used?". Now every process asks :func:`parse_mqtt_url`.

The rule for credentials, one for every process: **explicit settings win over the URL's userinfo**, field
by field. The username and password given as settings (``mqtt_username`` / ``mqtt_password`` in the agent's
file or ``MAINTAINX_AGENT_MQTT_*``, ``MAINTAINX_MQTT_USERNAME`` / ``_PASSWORD`` in the cloud) are the ones
provisioning writes per client (``python -m cloud.broker provision``, the Ansible role), while the URL is
often shared by every client of a site; so a setting is the more specific statement. An empty setting
counts as not given. Userinfo in the URL is percent-decoded (``p%40ss`` is ``p@ss``).

Only the standard library is used, so the contract stays light on a gateway. Errors never repeat the URL:
it may carry a password, and error messages end up in logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final
from urllib.parse import unquote, urlsplit

# Scheme -> (default port, TLS). ``tcp`` and ``ssl`` are the names paho's and other clients' docs use.
SCHEMES: Final = {"mqtt": (1883, False), "tcp": (1883, False), "mqtts": (8883, True), "ssl": (8883, True)}
# A hostname can be at most 253 characters (RFC 1035); anything longer is a pasted mistake.
MAX_HOST_CHARS = 253


class MqttUrlError(ValueError):
    """An MQTT URL that cannot be used; the message names what is wrong, never the URL itself."""


@dataclass(frozen=True, slots=True)
class MqttEndpoint:
    """Where and as whom to connect to the broker."""

    host: str
    port: int
    tls: bool
    username: str | None = None
    # Not in repr: an endpoint in a log line or a test failure must not show the password.
    password: str | None = field(default=None, repr=False)


def parse_mqtt_url(url: str, *, username: str | None = None, password: str | None = None) -> MqttEndpoint:
    """The endpoint ``url`` names, ``username``/``password`` winning over its userinfo; MqttUrlError if bad.

    Accepted: ``mqtt://`` or ``tcp://`` (port 1883 by default), ``mqtts://`` or ``ssl://`` (TLS, 8883), an
    optional ``user:password@``, a host (a name, IPv4 or a bracketed IPv6 address), an optional port 1-65535
    and an optional trailing ``/``. Paths, query options and fragments are refused rather than ignored: a
    client would otherwise connect without the option its operator thought they set. Spaces and control
    characters (in a password too) must be percent-encoded.
    """
    if not isinstance(url, str):
        raise MqttUrlError(f"the MQTT URL must be text, got {type(url).__name__}")
    url = url.strip()
    # urlsplit silently deletes tabs and newlines anywhere ("mq\ntt://h" would pass as mqtt://h): refuse them.
    if any(c.isspace() or not c.isprintable() for c in url):
        raise MqttUrlError("the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unbalanced "[" in the host
        raise MqttUrlError(f"the MQTT URL cannot be parsed ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = repr(parts.scheme[:20]) if parts.scheme else "none"
        raise MqttUrlError(f"scheme {shown} is not one of {', '.join(sorted(SCHEMES))}")
    try:
        port = parts.port
    except ValueError:
        raise MqttUrlError("the port is not a number 1-65535") from None
    if port == 0:
        raise MqttUrlError("the port is not a number 1-65535")
    host = parts.hostname
    if not host:
        raise MqttUrlError("the URL names no host")
    if len(host) > MAX_HOST_CHARS:
        raise MqttUrlError("the host is not a valid name or address")
    if parts.path not in ("", "/"):
        raise MqttUrlError("a path after the host is not supported")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise MqttUrlError("query options and fragments are not supported; use the settings instead")
    default_port, tls = SCHEMES[scheme]
    url_user = unquote(parts.username) if parts.username else None
    url_password = unquote(parts.password) if parts.password else None
    return MqttEndpoint(
        host=host,
        port=port or default_port,
        tls=tls,
        username=username or url_user,
        password=password or url_password,
    )
