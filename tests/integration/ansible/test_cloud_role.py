"""The maintainx_cloud role, converged for real against localhost from the offline cloud bundle.

One server is installed per module (the install is the slow part) into a temporary prefix, against the
session's real PostgreSQL (pgserver; the role creates the database and its roles there) with service
management off: this machine has no systemd, so the tests run each service from the unit file the role
wrote, with a real Mosquitto started from the configuration the role wrote.
"""

from __future__ import annotations

import shutil
import ssl
import stat
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa

from contract.codec import encode
from contract.payloads import Reading, TelemetryBatch, new_id
from contract.topics import Kind, gateway_topic
from maintainx.services import free_port, wait_for_port
from tests.integration.ansible.cloud_kit import (
    CLOUD_HOST,
    GATEWAY_IDS,
    INSTALL_TIMEOUT_S,
    Cloud,
    build_cloud_bundle,
    cloud_database,
    cloud_vars,
    get_json,
    machine_names,
    pgserver_psql,
    read_env_file,
    run_unit,
    schema_state,
    start_unit,
    ticket_columns,
    write_cloud_inventory,
    write_migration,
)
from tests.integration.ansible.kit import Bundle, PlaybookRun, copy_project, run_playbook

# The first test's setup builds the cloud bundle and converges a release, which the kit allows
# INSTALL_TIMEOUT_S for on a busy machine; the suite's 300 s default (pyproject) cut that short on a
# loaded machine, serially as well as on xdist workers, so this module's limit covers both steps.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(2 * INSTALL_TIMEOUT_S)]

RESTART_HANDLER = "RUNNING HANDLER [maintainx_cloud : Restart the cloud services]"
SERVICE_TIMEOUT_S = 60.0
# An installed release needs no bundle: the role must not even look for this one.
NO_BUNDLE = "/nonexistent/maintainx-cloud.tar.gz"


def _assert_ok(run: PlaybookRun) -> dict[str, int]:
    assert run.returncode == 0, run.output[-6000:]
    counts = run.counts(CLOUD_HOST)
    assert counts["failed"] == 0 and counts["unreachable"] == 0, counts
    return counts


@pytest.fixture(scope="module")
def cloud_bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    """The offline cloud bundle for this machine, built once per module."""
    return build_cloud_bundle(tmp_path_factory.mktemp("dist-cloud"))


@pytest.fixture(scope="module")
def cloud(
    tmp_path_factory: pytest.TempPathFactory, cloud_bundle: Bundle, pg_admin_url: str
) -> Iterator[Cloud]:
    """A cloud server converged once from the bundle, offline; its database and roles dropped after."""
    root = tmp_path_factory.mktemp("cloud")
    # The folder Debian's nginx package makes; the role writes into it (it installs no nginx here).
    (root / "etc" / "nginx").mkdir(parents=True)
    db = cloud_database(pg_admin_url)
    host_vars = cloud_vars(root, cloud_bundle, db, pgserver_psql())
    inventory = write_cloud_inventory(root / "inventory.yml", host_vars)
    yield Cloud(
        root,
        inventory,
        host_vars,
        db,
        run_playbook(inventory, playbook="cloud.yml", timeout=INSTALL_TIMEOUT_S),
    )
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)'))
        for role in db.roles.values():
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


@pytest.fixture(scope="module")
def second_run(cloud: Cloud) -> PlaybookRun:
    """The same converge again, right after the first."""
    _assert_ok(cloud.first_run)
    return cloud.playbook()


def test_first_converge_installs_the_release_migrates_and_provisions_the_broker(
    cloud: Cloud, cloud_bundle: Bundle
) -> None:
    assert _assert_ok(cloud.first_run)["changed"] > 0
    prefix = cloud.path("install_prefix")
    assert (prefix / "current").resolve() == prefix / "venvs" / cloud_bundle.version
    assert (prefix / "current" / "share" / "maintainx-dashboard" / "index.html").is_file()
    engine = sa.create_engine(cloud.url("owner"))
    with engine.connect() as conn:
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        owner = conn.execute(
            sa.text("SELECT tableowner FROM pg_tables WHERE tablename = 'maintenance_tickets'")
        ).scalar_one()
    engine.dispose()
    assert schema_state(cloud) == {"current": revision, "head": revision, "state": "current"}
    assert owner == cloud.db.roles["owner"]
    broker = cloud.path("broker_dir")
    logins = {p.stem for p in (broker / "gateways").glob("*.env")}
    assert logins == set(GATEWAY_IDS)
    assert {p.name for p in (broker / "services").glob("ingest-*.env")} == {"ingest-1.env", "ingest-2.env"}


def test_second_converge_changes_nothing(second_run: PlaybookRun) -> None:
    counts = _assert_ok(second_run)
    assert counts["changed"] == 0, second_run.output[-6000:]
    assert RESTART_HANDLER not in second_run.output


def test_nothing_the_role_writes_is_readable_by_others(cloud: Cloud) -> None:
    _assert_ok(cloud.first_run)
    for folder in (cloud.path("config_dir"), cloud.path("broker_dir")):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o007 == 0, folder
        for path in folder.rglob("*"):
            assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, f"{path} is open to others"
    for name in ("api.env", "ingest.env", "storage.env", "backup.env", "engine.env", "ingest-1.env"):
        assert stat.S_IMODE((cloud.path("config_dir") / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((cloud.path("config_dir") / "tls" / "server.key").stat().st_mode) == 0o640
    assert stat.S_IMODE((cloud.path("broker_dir") / "passwd").stat().st_mode) == 0o640
    assert stat.S_IMODE(cloud.path("data_dir").stat().st_mode) == 0o750
    # The database passwords appear nowhere in the playbook's output.
    for password in cloud.db.passwords.values():
        assert password not in cloud.first_run.output


def test_service_roles_have_least_privilege(cloud: Cloud) -> None:
    _assert_ok(cloud.first_run)
    for key in ("api", "ingest", "engine"):
        engine = sa.create_engine(cloud.url(key))
        with engine.connect() as conn, conn.begin() as tx:
            with pytest.raises(sa.exc.ProgrammingError, match="must be owner"):
                conn.execute(sa.text("DROP TABLE maintenance_tickets"))
            tx.rollback()
        engine.dispose()
    ingest = sa.create_engine(cloud.url("ingest"))
    with ingest.connect() as conn, conn.begin() as tx:
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            conn.execute(sa.text("DELETE FROM maintenance_tickets"))
        tx.rollback()
    ingest.dispose()


def test_units_are_valid_and_each_worker_has_a_stable_id(cloud: Cloud) -> None:
    _assert_ok(cloud.first_run)
    config = cloud.path("config_dir")
    ids = [read_env_file(config / f"ingest-{n}.env")["MAINTAINX_INGEST_WORKER_ID"] for n in (1, 2)]
    assert ids == ["localhost-1", "localhost-2"]
    api = cloud.unit("maintainx-api.service").read_text().splitlines()
    assert f"ExecStart={cloud.path('install_prefix')}/current/bin/python -I -m cloud api" in api
    assert "ProtectSystem=strict" in api and "Restart=on-failure" in api
    timer = cloud.unit("maintainx-storage.timer").read_text().splitlines()
    assert "OnCalendar=hourly" in timer and "Persistent=true" in timer
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed; the units' lines were checked above")
    # An instance of the template is verified through a copy named like the instance.
    instance = cloud.root / "maintainx-ingest@1.service"
    shutil.copy(cloud.unit("maintainx-ingest@.service"), instance)
    units = [
        str(cloud.unit(n))
        for n in (
            "maintainx-api.service",
            "maintainx-engine.service",
            "maintainx-storage.service",
            "maintainx-storage.timer",
            "maintainx-backup.service",
            "maintainx-backup.timer",
        )
    ]
    result = subprocess.run(
        [analyze, "verify", *units, str(instance)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_proxy_configuration_passes_nginx_check(cloud: Cloud) -> None:
    _assert_ok(cloud.first_run)
    conf = cloud.path("proxy_conf_file").read_text()
    assert "ssl_certificate_key" in conf and "return 301 https://" in conf
    nginx = shutil.which("nginx") or (shutil.which("nginx", path="/usr/sbin"))
    if nginx is None:
        pytest.skip("nginx is not installed; its configuration's lines were checked above")
    main = cloud.root / "nginx-test.conf"
    main.write_text(
        f"pid {cloud.root}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{ access_log off; include {cloud.path('proxy_conf_file')}; }}\n"
    )
    result = subprocess.run([nginx, "-t", "-c", str(main)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def running(cloud: Cloud, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The broker, the API and two ingestion workers started from the role's files; yields the log folder."""
    _assert_ok(cloud.first_run)
    logs = tmp_path_factory.mktemp("cloud-logs")
    conf = cloud.path("mosquitto_conf_file")
    procs = [
        subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ]
    try:
        wait_for_port(int(cloud.host_vars["maintainx_cloud_mqtt_local_port"]))
        wait_for_port(int(cloud.host_vars["maintainx_cloud_mqtts_port"]))
        procs.append(start_unit(cloud.unit("maintainx-api.service"), logs / "api.log"))
        for n in ("1", "2"):
            procs.append(start_unit(cloud.unit("maintainx-ingest@.service"), logs / f"ingest-{n}.log", n))
        wait_for_port(int(cloud.host_vars["maintainx_cloud_api_port"]), timeout=SERVICE_TIMEOUT_S)
        yield logs
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_installed_api_answers_liveness_and_readiness(cloud: Cloud, running: Path) -> None:
    base = f"http://127.0.0.1:{cloud.host_vars['maintainx_cloud_api_port']}/api/health"
    assert get_json(f"{base}/live") == (200, {"status": "alive"})
    assert get_json(f"{base}/ready") == (200, {"status": "ready"})
    status, body = get_json(base)
    assert status == 200 and set(body) == {"status"}


def test_gateway_publishes_over_tls_and_an_installed_worker_stores_it(cloud: Cloud, running: Path) -> None:
    gateway = GATEWAY_IDS[0]
    login = read_env_file(cloud.path("broker_dir") / "gateways" / f"{gateway}.env")
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=gateway)
    client.username_pw_set(login["MAINTAINX_AGENT_MQTT_USERNAME"], login["MAINTAINX_AGENT_MQTT_PASSWORD"])
    context = ssl.create_default_context(cafile=str(cloud.path("config_dir") / "tls" / "server.crt"))
    client.tls_set_context(context)
    client.connect("localhost", int(cloud.host_vars["maintainx_cloud_mqtts_port"]))
    client.loop_start()
    machine = new_id()
    readings = [
        Reading(
            id=new_id(),
            seq=i,
            machine_id=machine,
            ts=datetime.now(UTC),
            temperature=60.0,
            vibration=1.0,
            rpm=1500.0,
        )
        for i in range(1, 6)
    ]
    batch = TelemetryBatch(gateway_id=gateway, sent_at=datetime.now(UTC), readings=readings)
    try:
        client.publish(gateway_topic(gateway, Kind.TELEMETRY), encode(batch), qos=1).wait_for_publish(10)
        engine = sa.create_engine(cloud.url("owner"))
        deadline = time.monotonic() + SERVICE_TIMEOUT_S
        stored = 0
        while time.monotonic() < deadline and stored < len(readings):
            with engine.connect() as conn:
                stored = conn.execute(
                    sa.text("SELECT count(*) FROM sensor_data WHERE machine_id = :m"), {"m": machine}
                ).scalar_one()
            time.sleep(0.5)
        engine.dispose()
    finally:
        client.loop_stop()
        client.disconnect()
    logs = "\n".join(p.read_text()[-2000:] for p in sorted(running.glob("ingest-*.log")))
    assert stored == len(readings), logs


def test_storage_timer_service_runs_one_pass(cloud: Cloud) -> None:
    _assert_ok(cloud.first_run)
    result = run_unit(cloud.unit("maintainx-storage.service"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "storage maintenance" in result.stderr


# --- Upgrade, a failed upgrade, rollback ----------------------------------------------------------------
# Run after the tests above (module fixtures chain): release N is installed and has data; N+1 adds a
# migration; N+2's migration fails; then the role rolls back to N.


def _api_ready(cloud: Cloud, log: Path) -> tuple[int, dict[str, Any]]:
    """Start the API from its unit (whatever release is current), ask for readiness, stop it."""
    # The module's running API holds the configured port; this one listens on another.
    port = free_port()
    api = start_unit(cloud.unit("maintainx-api.service"), log, env={"MAINTAINX_API_PORT": str(port)})
    try:
        wait_for_port(port, timeout=SERVICE_TIMEOUT_S)
        return get_json(f"http://127.0.0.1:{port}/api/health/ready")
    finally:
        api.terminate()
        api.wait(timeout=30)


@dataclass(frozen=True)
class Upgrade:
    """Release N's schema head and the playbook run that upgraded to N+1."""

    old_head: str
    new_version: str
    run: PlaybookRun


@pytest.fixture(scope="module")
def upgraded(
    cloud: Cloud, running: Path, cloud_bundle: Bundle, tmp_path_factory: pytest.TempPathFactory
) -> Upgrade:
    """Data written on release N, then the role run with release N+1, whose bundle adds a migration."""
    _assert_ok(cloud.first_run)
    engine = sa.create_engine(cloud.url("api"))
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO machines (id, name, type) VALUES (:id, 'upgrade survivor', 'pump')"),
            {"id": new_id()},
        )
    engine.dispose()
    old_head = schema_state(cloud)["head"]
    version = f"{cloud_bundle.version}.post1"
    project = copy_project(tmp_path_factory.mktemp("cloud-next"), version)
    write_migration(project / "cloud" / "migrations" / "versions", "9001", old_head, "upgrade_note")
    bundle = build_cloud_bundle(tmp_path_factory.mktemp("dist-cloud-next"), "--project", str(project))
    run = cloud.playbook(f"maintainx_cloud_version={version}", f"maintainx_cloud_bundle_path={bundle.path}")
    return Upgrade(old_head, version, run)


def test_upgrade_migrates_then_switches_and_keeps_the_data(
    cloud: Cloud, upgraded: Upgrade, tmp_path: Path
) -> None:
    assert _assert_ok(upgraded.run)["changed"] > 0
    assert RESTART_HANDLER in upgraded.run.output
    prefix = cloud.path("install_prefix")
    assert (prefix / "current").resolve().name == upgraded.new_version
    assert (prefix / "previous").resolve().name == cloud.host_vars["maintainx_cloud_version"]
    assert schema_state(cloud) == {"current": "9001", "head": "9001", "state": "current"}
    assert "upgrade_note" in ticket_columns(cloud)
    assert "upgrade survivor" in machine_names(cloud)
    # The new column is granted like the rest: the API's role may write it.
    engine = sa.create_engine(cloud.url("api"))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE maintenance_tickets SET upgrade_note = 'x' WHERE false"))
    engine.dispose()
    assert _api_ready(cloud, tmp_path / "api.log") == (200, {"status": "ready"})


@pytest.fixture(scope="module")
def failed_upgrade(cloud: Cloud, upgraded: Upgrade) -> PlaybookRun:
    """The role run with release N+2, whose migration adds a column and then fails.

    N+2 is installed as a copy of N+1's virtual environment with the failing migration added (a venv run
    with ``python -m`` works from any folder), so the role finds it installed and goes straight to the
    migrations, as it would after the bundle install tested above.
    """
    _assert_ok(upgraded.run)
    venvs = cloud.path("install_prefix") / "venvs"
    version = f"{upgraded.new_version}.post2"
    shutil.copytree(venvs / upgraded.new_version, venvs / version, symlinks=True)
    (venvs / version / ".maintainx-installed").write_text(f"{version}\n")
    (versions,) = (venvs / version).glob("lib/python3*/site-packages/cloud/migrations/versions")
    write_migration(versions, "9002", "9001", "doomed_column", fail=True)
    return cloud.playbook(
        f"maintainx_cloud_version={version}", "maintainx_cloud_bundle_path=/nonexistent.tar.gz"
    )


def test_a_failing_migration_leaves_the_running_release_and_its_schema(
    cloud: Cloud, upgraded: Upgrade, failed_upgrade: PlaybookRun, tmp_path: Path
) -> None:
    assert failed_upgrade.returncode != 0
    assert "deliberately failing migration" in failed_upgrade.output
    assert RESTART_HANDLER not in failed_upgrade.output
    assert (cloud.path("install_prefix") / "current").resolve().name == upgraded.new_version
    assert schema_state(cloud) == {"current": "9001", "head": "9001", "state": "current"}
    assert "doomed_column" not in ticket_columns(cloud)
    assert _api_ready(cloud, tmp_path / "api.log") == (200, {"status": "ready"})


@pytest.fixture(scope="module")
def rolled_back(cloud: Cloud, upgraded: Upgrade, failed_upgrade: PlaybookRun) -> PlaybookRun:
    """The role set back to release N, with no bundle at hand."""
    assert failed_upgrade.returncode != 0
    return cloud.playbook(f"maintainx_cloud_bundle_path={NO_BUNDLE}")


def test_rollback_reverts_the_newer_migration_then_switches_back(
    cloud: Cloud, upgraded: Upgrade, rolled_back: PlaybookRun, tmp_path: Path
) -> None:
    assert _assert_ok(rolled_back)["changed"] > 0
    prefix = cloud.path("install_prefix")
    assert (prefix / "current").resolve().name == cloud.host_vars["maintainx_cloud_version"]
    assert (prefix / "previous").resolve().name == upgraded.new_version
    # The failed release is gone; the two kept are current and previous.
    assert sorted(p.name for p in (prefix / "venvs").iterdir()) == sorted(
        [cloud.host_vars["maintainx_cloud_version"], upgraded.new_version]
    )
    old = upgraded.old_head
    assert schema_state(cloud) == {"current": old, "head": old, "state": "current"}
    assert "upgrade_note" not in ticket_columns(cloud)
    assert "upgrade survivor" in machine_names(cloud)
    assert _api_ready(cloud, tmp_path / "api.log") == (200, {"status": "ready"})
