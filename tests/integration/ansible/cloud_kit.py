"""Helpers for the cloud role's tests: its bundle, a test inventory, and running its units as processes.

The machine running the tests has no systemd as PID 1, so the role runs with service management off and
the tests start each service the way its unit would: the unit's EnvironmentFile= and ExecStart= lines,
read from the file the role wrote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from maintainx.services import free_port
from tests.integration.ansible.kit import (
    BUILD_BUNDLE,
    PLAYBOOK_TIMEOUT_S,
    Bundle,
    PlaybookRun,
    read_manifest,
    run_playbook,
)

CLOUD_HOST = "cloud-test-01"
GATEWAY_IDS = ["gw-test-01", "gw-test-02"]
# A converge that installs a release (a venv from about sixty wheels) on a busy machine.
INSTALL_TIMEOUT_S = 600


def build_cloud_bundle(out: Path, *extra: str) -> Bundle:
    """Run the bundle builder with --cloud exactly as ``make bundle-cloud`` does."""
    result = subprocess.run(
        [sys.executable, str(BUILD_BUNDLE), "--cloud", "--out", str(out), *extra],
        capture_output=True,
        text=True,
        check=False,
        timeout=PLAYBOOK_TIMEOUT_S,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    archive = Path(result.stdout.splitlines()[0])
    return Bundle(archive, read_manifest(archive))


@dataclass(frozen=True)
class CloudDatabase:
    """Names the role creates on the test's PostgreSQL, unique to one test module."""

    admin_uri: str
    name: str
    roles: dict[str, str]
    passwords: dict[str, str]


def cloud_database(pg_admin_url: str) -> CloudDatabase:
    """A database and role names of their own on the session's PostgreSQL (roles are server-wide)."""
    tag = uuid.uuid4().hex[:8]
    roles = {key: f"mx_{tag}_{key}" for key in ("owner", "api", "ingest", "engine")}
    passwords = {key: f"pw-{key}-{uuid.uuid4().hex}" for key in roles}
    admin_uri = pg_admin_url.replace("postgresql+psycopg2://", "postgresql://", 1)
    return CloudDatabase(admin_uri, f"mx_{tag}", roles, passwords)


def socket_dir(uri: str) -> str:
    """The ``host=`` socket folder of a pgserver URI."""
    return uri.split("host=", 1)[1].split("&", 1)[0]


def cloud_vars(root: Path, bundle: Bundle, db: CloudDatabase, psql: Path) -> dict[str, Any]:
    """Host variables that install the cloud under ``root`` as the current user, without systemd or apt."""
    return {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "ansible_become": False,
        "maintainx_cloud_version": bundle.version,
        "maintainx_cloud_bundle_path": str(bundle.path),
        "maintainx_cloud_python": "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable,
        "maintainx_cloud_install_packages": False,
        "maintainx_cloud_manage_services": False,
        "maintainx_cloud_create_user": False,
        "maintainx_cloud_user": "root",
        "maintainx_cloud_group": "root",
        "maintainx_cloud_mosquitto_user": "root",
        "maintainx_cloud_mosquitto_group": "root",
        "maintainx_cloud_install_prefix": str(root / "opt" / "maintainx-cloud"),
        "maintainx_cloud_config_dir": str(root / "etc" / "maintainx-cloud"),
        "maintainx_cloud_data_dir": str(root / "var" / "lib" / "maintainx-cloud"),
        "maintainx_cloud_systemd_dir": str(root / "etc" / "systemd" / "system"),
        "maintainx_cloud_broker_dir": str(root / "etc" / "mosquitto" / "maintainx"),
        "maintainx_cloud_mosquitto_conf_file": str(root / "etc" / "mosquitto" / "mosquitto.conf"),
        "maintainx_cloud_mosquitto_persistence_dir": str(root / "var" / "lib" / "mosquitto"),
        "maintainx_cloud_mosquitto_log_dest": f"file {root / 'mosquitto.log'}",
        "maintainx_cloud_proxy_conf_file": str(root / "etc" / "nginx" / "maintainx.conf"),
        "maintainx_cloud_server_name": "localhost",
        "maintainx_cloud_https_port": free_port(),
        "maintainx_cloud_http_port": free_port(),
        "maintainx_cloud_api_port": free_port(),
        "maintainx_cloud_mqtt_local_port": free_port(),
        "maintainx_cloud_mqtts_port": free_port(),
        "maintainx_cloud_mqtts_bind": "127.0.0.1",
        "maintainx_cloud_ingest_workers": 2,
        "maintainx_cloud_ingest_metrics_base_port": free_port(),
        "maintainx_cloud_engine_metrics_port": free_port(),
        "maintainx_cloud_tls_self_signed": True,
        "maintainx_cloud_gateways": GATEWAY_IDS,
        "maintainx_cloud_auth_secret": "test-auth-secret-" + "x" * 32,
        "maintainx_cloud_db_host": socket_dir(db.admin_uri),
        "maintainx_cloud_db_port": 5432,
        "maintainx_cloud_db_name": db.name,
        "maintainx_cloud_db_admin_uri": db.admin_uri,
        "maintainx_cloud_db_admin_os_user": "",
        "maintainx_cloud_db_roles": db.roles,
        "maintainx_cloud_db_passwords": db.passwords,
        "maintainx_cloud_psql": str(psql),
        "maintainx_cloud_pg_bin_dir": str(psql.parent),
    }


def write_cloud_inventory(path: Path, host_vars: dict[str, Any]) -> Path:
    """An inventory with one server in the ``cloud`` group (JSON is valid YAML)."""
    path.write_text(
        json.dumps({"all": {"children": {"cloud": {"hosts": {CLOUD_HOST: host_vars}}}}}, indent=2)
    )
    return path


@dataclass(frozen=True)
class Unit:
    """What a systemd unit file says about how to run its service."""

    exec_start: list[str]
    environment: dict[str, str]
    working_directory: Path


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of a systemd EnvironmentFile (the role writes them unquoted)."""
    env: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value
    return env


def read_unit(path: Path, instance: str = "") -> Unit:
    """The ExecStart=, EnvironmentFile=, Environment= and WorkingDirectory= of a unit, %i replaced."""
    env: dict[str, str] = {}
    exec_start: list[str] = []
    workdir = Path("/")
    for raw in path.read_text().replace("%i", instance).splitlines():
        key, sep, value = raw.partition("=")
        if not sep:
            continue
        if key == "EnvironmentFile":
            env.update(read_env_file(Path(value)))
        elif key == "Environment":
            name, _, val = value.partition("=")
            env[name] = val
        elif key == "ExecStart":
            exec_start = value.split()
        elif key == "WorkingDirectory":
            workdir = Path(value)
    assert exec_start, f"{path} has no ExecStart="
    return Unit(exec_start, env, workdir)


def start_unit(
    path: Path, log: Path, instance: str = "", env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start the unit's service as systemd would (its environment, plus ``env``), logging to ``log``."""
    unit = read_unit(path, instance)
    env = {"PATH": os.environ["PATH"], **unit.environment, **(env or {})}
    with log.open("ab") as out:
        return subprocess.Popen(
            unit.exec_start, env=env, cwd=unit.working_directory, stdout=out, stderr=subprocess.STDOUT
        )


def run_unit(path: Path, instance: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a oneshot unit's service to completion."""
    unit = read_unit(path, instance)
    env = {"PATH": os.environ["PATH"], **unit.environment}
    return subprocess.run(
        unit.exec_start,
        env=env,
        cwd=unit.working_directory,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


@dataclass(frozen=True)
class Cloud:
    """A cloud server installed under ``root`` by the role, and its first converge."""

    root: Path
    inventory: Path
    host_vars: dict[str, Any]
    db: CloudDatabase
    first_run: PlaybookRun

    def path(self, var: str) -> Path:
        """A folder or file the role was told to use."""
        return Path(self.host_vars[f"maintainx_cloud_{var}"])

    def unit(self, name: str) -> Path:
        """A unit file the role wrote."""
        return self.path("systemd_dir") / name

    def url(self, key: str) -> str:
        """SQLAlchemy URL of the role's database as one of its service roles."""
        host = self.host_vars["maintainx_cloud_db_host"]
        role, password = self.db.roles[key], self.db.passwords[key]
        return f"postgresql+psycopg2://{role}:{password}@/{self.db.name}?host={host}"

    def playbook(self, *extra_vars: str) -> PlaybookRun:
        """Converge the server again, offline."""
        return run_playbook(self.inventory, *extra_vars, playbook="cloud.yml", timeout=INSTALL_TIMEOUT_S)


def pgserver_psql() -> Path:
    """The psql the embedded server's wheel ships (the role's admin client in the tests)."""
    import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin" / "psql"


def get_json(url: str) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


MIGRATION = '''"""Upgrade test migration: {what}."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """{what}."""
    op.add_column("maintenance_tickets", sa.Column("{column}", sa.Text(), nullable=True))
    {fail}


def downgrade() -> None:
    """Drop the column again."""
    op.drop_column("maintenance_tickets", "{column}")
'''


def write_migration(folder: Path, revision: str, down: str, column: str, *, fail: bool = False) -> None:
    """A migration adding ``column`` to tickets (and then raising, with ``fail``) into ``folder``."""
    what = "a failing migration, after adding a column" if fail else f"add maintenance_tickets.{column}"
    text = MIGRATION.format(
        what=what,
        revision=revision,
        down=down,
        column=column,
        fail='raise RuntimeError("deliberately failing migration")' if fail else "",
    )
    (folder / f"{revision}_upgrade_test.py").write_text(text)


def schema_state(cloud: Cloud) -> dict[str, Any]:
    """``python -m cloud migrate --check`` of the current release, as the role runs it."""
    check = subprocess.run(
        [
            cloud.path("install_prefix") / "current" / "bin" / "python",
            "-I",
            "-m",
            "cloud",
            "migrate",
            "--check",
        ],
        env={"DATABASE_URL": cloud.url("owner")},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(check.stdout)
    return result


def ticket_columns(cloud: Cloud) -> set[str]:
    """The columns maintenance_tickets has now."""
    engine = sa.create_engine(cloud.url("owner"))
    with engine.connect() as conn:
        names = conn.execute(
            sa.text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'maintenance_tickets'"
            )
        ).scalars()
        columns = set(names)
    engine.dispose()
    return columns


def machine_names(cloud: Cloud) -> set[str]:
    """Names of the machines, read as the API's role."""
    engine = sa.create_engine(cloud.url("api"))
    with engine.connect() as conn:
        names = set(conn.execute(sa.text("SELECT name FROM machines")).scalars())
    engine.dispose()
    return names
