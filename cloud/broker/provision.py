"""Provision the broker: credentials for every gateway and cloud service, and the files Mosquitto reads.

Writes into the output folder::

    passwd              Mosquitto password_file (hashes only)              0600
    acl                 Mosquitto acl_file                                 0644
    credentials.json    every username and password, kept for re-runs      0600
    gateways/<id>.env   MAINTAINX_AGENT_MQTT_USERNAME / _PASSWORD for one agent
    services/<role>.env MAINTAINX_MQTT_USERNAME / _PASSWORD for the API and the engine
    services/ingest-<k>.env the same for ingestion worker k (1..ingest_workers), one login each

Mosquitto must run with ``use_username_as_clientid true``: the broker then replaces whatever client id a
client sends with its login, so no client can take over another's session (a gateway cannot pose as
another gateway or as an ingestion worker). That is why every ingestion worker has a login of its own: its
login is its client id, and with it its persistent session.

Running it again keeps existing passwords (so deployed agents keep working), adds new gateways and
revokes gateways no longer listed; ``rotate=True`` issues new passwords for everyone.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cloud.broker.acl import Grant, Role, gateway_grants, render_acl, service_grants
from cloud.broker.errors import BrokerSecurityError, CredentialsFileError
from cloud.broker.passwords import hash_password, new_password
from contract.topics import TopicError, check_gateway_id

logger = logging.getLogger(__name__)

# Cloud usernames contain a '.', which no gateway id may: a gateway can never be named like a service.
SERVICES: dict[Role, str] = {role: f"cloud.{role.value}" for role in Role}
# Ingestion workers provisioned when not told otherwise: the demo runs one, a plant a few.
DEFAULT_INGEST_WORKERS = 4
MAX_INGEST_WORKERS = 64


def service_username(role: Role, instance: int = 1) -> str:
    """The broker login of a cloud service; ingestion workers each have one, numbered from 1."""
    if role is Role.INGEST:
        return f"{SERVICES[role]}.{instance}"
    return SERVICES[role]


def service_usernames(ingest_workers: int) -> dict[str, Role]:
    """Every cloud login provisioned for ``ingest_workers`` ingestion workers, with its role."""
    names = {service_username(Role.INGEST, k): Role.INGEST for k in range(1, ingest_workers + 1)}
    names.update({SERVICES[role]: role for role in Role if role is not Role.INGEST})
    return names


CREDENTIALS_FILE = "credentials.json"
PRIVATE = 0o600


@dataclass(frozen=True, slots=True)
class Provisioned:
    """What ``provision`` wrote: file paths and every client's username and password."""

    out_dir: Path
    password_file: Path
    acl_file: Path
    passwords: dict[str, str]

    def gateway_env(self, gateway_id: str) -> dict[str, str]:
        """Environment variables that give one edge agent its broker login."""
        return {
            "MAINTAINX_AGENT_MQTT_USERNAME": gateway_id,
            "MAINTAINX_AGENT_MQTT_PASSWORD": self.passwords[gateway_id],
        }

    def service_env(self, role: Role, instance: int = 1) -> dict[str, str]:
        """Environment variables that give one cloud service (ingestion: worker ``instance``) its login."""
        username = service_username(role, instance)
        if username not in self.passwords:
            raise BrokerSecurityError(f"no broker login {username} was provisioned")
        return {"MAINTAINX_MQTT_USERNAME": username, "MAINTAINX_MQTT_PASSWORD": self.passwords[username]}


def provision(
    out_dir: Path,
    gateway_ids: Iterable[str],
    *,
    rotate: bool = False,
    ingest_workers: int = DEFAULT_INGEST_WORKERS,
) -> Provisioned:
    """Write the broker's password and ACL files and every client's credentials into ``out_dir``."""
    out_dir = Path(out_dir)
    gateways = _checked_gateways(gateway_ids)
    if not 1 <= ingest_workers <= MAX_INGEST_WORKERS:
        raise BrokerSecurityError(
            f"ingest_workers must be 1 to {MAX_INGEST_WORKERS} (one broker login each), got {ingest_workers}"
        )
    previous = {} if rotate else _read_credentials(out_dir / CREDENTIALS_FILE)
    services = service_usernames(ingest_workers)
    usernames = [*gateways, *services]
    passwords = {name: previous.get(name) or new_password() for name in usernames}
    revoked = sorted(set(previous) - set(passwords))

    grants: dict[str, list[Grant]] = {gw: gateway_grants(gw) for gw in gateways}
    comments = {gw: f"gateway {gw}: publishes its own data, reads its own commands" for gw in gateways}
    for username, role in services.items():
        grants[username] = service_grants(role, gateways)
        comments[username] = f"cloud service: {role.value}"

    out_dir.mkdir(parents=True, exist_ok=True)
    password_file = out_dir / "passwd"
    acl_file = out_dir / "acl"
    _write(password_file, "".join(f"{u}:{hash_password(passwords[u])}\n" for u in usernames), PRIVATE)
    _write(acl_file, render_acl(grants, comments=comments), 0o644)
    _write(out_dir / CREDENTIALS_FILE, json.dumps(passwords, indent=2) + "\n", PRIVATE)
    result = Provisioned(out_dir, password_file, acl_file, passwords)
    _write_env_files(result, gateways, ingest_workers, revoked)
    logger.info("provisioned %d gateways and %d cloud logins in %s", len(gateways), len(services), out_dir)
    if revoked:
        logger.warning("revoked broker access of %s", ", ".join(revoked))
    return result


def _checked_gateways(gateway_ids: Iterable[str]) -> list[str]:
    """The gateway ids, validated as the contract's topics need them, without duplicates, in order."""
    gateways: list[str] = []
    for raw in gateway_ids:
        gateway_id = raw.strip()
        try:
            check_gateway_id(gateway_id)
        except TopicError as exc:
            raise BrokerSecurityError(f"cannot provision gateway: {exc}") from exc
        if gateway_id not in gateways:
            gateways.append(gateway_id)
    if not gateways:
        raise BrokerSecurityError("no gateways to provision: give at least one gateway id")
    return gateways


def _read_credentials(path: Path) -> dict[str, str]:
    """Passwords issued by an earlier run, or nothing when this is the first."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CredentialsFileError(f"{path}: cannot read earlier credentials: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) and v for v in data.values()):
        raise CredentialsFileError(f"{path}: expected an object of username -> password strings")
    return data


def _write_env_files(
    result: Provisioned, gateways: list[str], ingest_workers: int, revoked: list[str]
) -> None:
    """One env file per client, for systemd EnvironmentFile=, Ansible or a container's env."""
    for gateway_id in gateways:
        _write_env(result.out_dir / "gateways" / f"{gateway_id}.env", result.gateway_env(gateway_id))
    services = result.out_dir / "services"
    for role in (Role.API, Role.ENGINE):
        _write_env(services / f"{role.value}.env", result.service_env(role))
    for k in range(1, ingest_workers + 1):
        _write_env(services / f"{Role.INGEST.value}-{k}.env", result.service_env(Role.INGEST, k))
    for username in revoked:
        if username.startswith(SERVICES[Role.INGEST] + "."):
            (services / f"{Role.INGEST.value}-{username.rsplit('.', 1)[1]}.env").unlink(missing_ok=True)
        else:
            (result.out_dir / "gateways" / f"{username}.env").unlink(missing_ok=True)


def _write_env(path: Path, env: dict[str, str]) -> None:
    _write(path, "".join(f"{key}={value}\n" for key, value in env.items()), PRIVATE)


def _write(path: Path, text: str, mode: int) -> None:
    """Replace ``path`` atomically, created with ``mode`` so a secret is never readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
