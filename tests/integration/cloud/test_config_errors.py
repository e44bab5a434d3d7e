"""Every cloud entry point answers a bad setting with one line naming the variable, exit 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
SECRET_IN_URL = "s3cr3t-in-the-url"
GOOD_SECRET = "config-test-signing-key-0123456789abcdef"


def _run(argv: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MAINTAINX_") and k not in ("DATABASE_URL", "MQTT_URL")
    }
    # The data folder is scratch: no case may get as far as starting an embedded database in it.
    clean["MAINTAINX_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, *argv], cwd=REPO, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def _assert_one_line(done: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    output = (done.stderr + done.stdout).strip()
    assert "Traceback" not in output
    lines = output.splitlines()
    assert len(lines) == 1, output
    for text in expected:
        assert text in lines[0], lines[0]
    assert SECRET_IN_URL not in lines[0]  # a URL's password is never repeated
    return lines[0]


CASES = [
    pytest.param(
        {"MQTT_URL": f"http://user:{SECRET_IN_URL}@broker:1883"},
        ("MQTT_URL", "mqtt://host:1883"),
        id="mqtt-scheme",
    ),
    pytest.param({"MQTT_URL": "mqtt://broker:notaport"}, ("MQTT_URL", "port 1-65535"), id="mqtt-port"),
    pytest.param(
        {"DATABASE_URL": f"mysql://user:{SECRET_IN_URL}@db/maintainx"},
        ("DATABASE_URL", "postgresql://user:password@host:5432/dbname"),
        id="database-not-postgres",
    ),
    pytest.param(
        {"DATABASE_URL": f"postgresql://user:{SECRET_IN_URL}@db:99999/maintainx"},
        ("DATABASE_URL", "postgresql://"),
        id="database-port",
    ),
    pytest.param(
        {"MAINTAINX_INGEST_BATCH_ROWS": "0"},
        ("MAINTAINX_INGEST_BATCH_ROWS=0", "greater than or equal to 1"),
        id="batch-rows-zero",
    ),
    pytest.param(
        {"MAINTAINX_INGEST_FLUSH_INTERVAL_S": "-1"},
        ("MAINTAINX_INGEST_FLUSH_INTERVAL_S=-1", "greater than 0"),
        id="flush-negative",
    ),
    pytest.param({"MAINTAINX_API_PORT": "70000"}, ("MAINTAINX_API_PORT=70000", "65535"), id="port-range"),
    pytest.param(
        {"MAINTAINX_ENGINE_REQUIRED": "many"}, ("MAINTAINX_ENGINE_REQUIRED=many", "integer"), id="not-int"
    ),
    pytest.param({"MAINTAINX_LOG_LEVEL": "loud"}, ("MAINTAINX_LOG_LEVEL", "DEBUG, INFO"), id="log-level"),
    pytest.param(
        {"MAINTAINX_CORS_ORIGINS": "https://a"}, ("MAINTAINX_CORS_ORIGINS", "JSON"), id="cors-not-json"
    ),
    pytest.param(
        {"MAINTAINX_AUTH_SECRET": "too-short"}, ("MAINTAINX_AUTH_SECRET", "at least 32"), id="secret-short"
    ),
]


@pytest.mark.parametrize(("env", "expected"), CASES)
def test_a_bad_setting_stops_the_ingestion_worker_with_one_line(
    env: dict[str, str], expected: tuple[str, ...], tmp_path: Path
) -> None:
    _assert_one_line(_run(["-m", "cloud", "ingest"], tmp_path, **env), *expected)


@pytest.mark.parametrize(
    "argv",
    [
        ["-m", "cloud", "api"],
        ["-m", "cloud", "engine"],
        ["-m", "cloud", "storage"],
        ["-m", "cloud", "migrate"],
        ["-m", "cloud.ingestion"],
        ["-m", "maintainx", "model", "history"],
    ],
    ids=lambda argv: " ".join(argv[1:]),
)
def test_every_entry_point_refuses_a_bad_database_url_and_a_zero_bound(
    argv: list[str], tmp_path: Path
) -> None:
    line = _assert_one_line(
        _run(
            argv, tmp_path, DATABASE_URL=f"mysql://u:{SECRET_IN_URL}@db/x", MAINTAINX_AUTH_SECRET=GOOD_SECRET
        ),
        "DATABASE_URL",
    )
    assert "postgresql://" in line
    _assert_one_line(_run(argv, tmp_path, MAINTAINX_INGEST_BATCH_ROWS="0"), "MAINTAINX_INGEST_BATCH_ROWS=0")


@pytest.mark.parametrize("secret", [None, "", "changeme"])
def test_the_api_refuses_to_start_without_a_real_signing_secret_outside_the_demo(
    secret: str | None, tmp_path: Path
) -> None:
    env = {} if secret is None else {"MAINTAINX_AUTH_SECRET": secret}
    _assert_one_line(_run(["-m", "cloud", "api"], tmp_path, **env), "MAINTAINX_AUTH_SECRET", "32")
