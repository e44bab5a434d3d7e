"""Fixtures for real infrastructure: a private Mosquitto per test and a PostgreSQL database per test.

PostgreSQL is an embedded server (pgserver) in a temporary folder, started once per session, unless
``MAINTAINX_TEST_DATABASE_URL`` names a server to use instead (e.g. the machine's own PostgreSQL).
Each test gets a fresh database cloned from a template that has every migration applied.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from cloud.embedded_postgres import embedded_postgres
from maintainx.services import Broker

TEMPLATE_DB = "maintainx_test_template"
# Set to 1 (CI does, in .ci/run) and a missing public dataset fails its tests instead of skipping them.
REQUIRE_DATASETS_ENV = "MAINTAINX_REQUIRE_DATASETS"


@pytest.fixture(scope="session")
def dataset() -> Callable[[str], Path]:
    """Finds a public dataset (e.g. ``"nab"``, ``"ai4i2020/ai4i2020.csv"``) under the datasets folder.

    A clone without the datasets skips the tests that need one, naming the path it looked for; with
    ``MAINTAINX_REQUIRE_DATASETS=1`` they fail instead, so CI cannot skip them silently.
    """
    from maintainx.commands.datasets import datasets_dir
    from model_registry.evaluation.errors import DatasetNotFoundError

    def missing(why: str) -> None:
        if os.environ.get(REQUIRE_DATASETS_ENV) == "1":
            pytest.fail(f"{why} ({REQUIRE_DATASETS_ENV}=1 requires the datasets)", pytrace=False)
        pytest.skip(f"dataset missing: {why}")

    def find(relative: str) -> Path:
        try:
            root = datasets_dir()
        except DatasetNotFoundError as exc:
            missing(str(exc))
            raise  # unreachable: missing() skips or fails
        path = root / relative
        if not path.exists():
            missing(f"no {relative} at {path}")
        return path

    return find


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A private Mosquitto on a free port, stopped after the test."""
    b = Broker(tmp_path / "broker").start()
    yield b
    b.stop()


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of the ``postgres`` database on the test PostgreSQL server."""
    url = os.environ.get("MAINTAINX_TEST_DATABASE_URL")
    if url:
        return url
    return embedded_postgres(reachable_tmpdir("maintainx-test-pg-"), database="postgres")


def reachable_tmpdir(prefix: str) -> Path:
    """A fresh temporary folder that other users can enter.

    As root, pgserver runs PostgreSQL as its own ``pgserver`` user, which cannot enter pytest's
    0700 temporary folders; the folder is left for the OS to clean, like pytest's own.
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


@pytest.fixture(scope="session")
def _template_db(pg_admin_url: str) -> str:
    """A database with every migration applied, cloned by each test."""
    from cloud.db import upgrade_database

    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{TEMPLATE_DB}"'))
    admin.dispose()
    url = make_url(pg_admin_url).set(database=TEMPLATE_DB).render_as_string(hide_password=False)
    upgrade_database(url)
    sa.create_engine(url).dispose()
    return TEMPLATE_DB


@pytest.fixture
def database_url(pg_admin_url: str, _template_db: str) -> Iterator[str]:
    """A fresh, fully migrated database for one test; dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{_template_db}"'))
    yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def late_database(pg_admin_url: str, _template_db: str) -> Iterator[tuple[str, str]]:
    """(url, name) of a database that does not exist yet, for services started before it; dropped after.

    Create it with ``CREATE DATABASE "<name>" TEMPLATE "<_template_db>"`` to have it come up migrated.
    """
    name = f"late_{uuid.uuid4().hex[:10]}"
    yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False), name
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
