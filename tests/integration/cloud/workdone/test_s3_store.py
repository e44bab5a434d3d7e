"""The S3 blob store against a real S3-compatible server (moto's server mode, started as its own process on a
free port), and the API uploading to it when configured so."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient

from cloud.app import create_app
from cloud.config import Settings
from cloud.users.models import UserRole
from cloud.workdone.storage import BlobStoreError, S3Store, make_store
from maintainx.services import free_port, wait_for_port

pytestmark = pytest.mark.integration

BUCKET = "maintainx-attachments"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(32))
PASSWORD = "s3 test password, long enough"
KEY = "0190d6a4-0000-7000-8000-000000000001/0190d6a4-0000-7000-8000-000000000002"


@pytest.fixture
def s3_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private moto S3 server with one bucket; stopped after the test."""
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    assert server is not None, "moto[server] is a dev dependency: pip install -e '.[dev]'"
    port = free_port()
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(port, timeout=30)
        for name, value in {
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            monkeypatch.setenv(name, value)
        url = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=url).create_bucket(Bucket=BUCKET)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_objects_round_trip_through_a_real_s3_server_and_a_missing_one_is_a_clear_error(s3_url: str) -> None:
    store = S3Store(boto3.client("s3", endpoint_url=s3_url), BUCKET, "att/")
    store.put(KEY, PNG, "image/png")
    assert store.get(KEY) == PNG
    head = boto3.client("s3", endpoint_url=s3_url).head_object(Bucket=BUCKET, Key=f"att/{KEY}")
    assert head["ContentType"] == "image/png"
    store.delete(KEY)
    with pytest.raises(BlobStoreError, match="could not read"):
        store.get(KEY)
    with pytest.raises(BlobStoreError, match="not a blob key"):
        store.put("../../etc/passwd", b"x", "text/plain")


def test_the_api_keeps_attachments_in_s3_when_configured(s3_url: str, settings: Settings, seed: Any) -> None:
    s3 = settings.model_copy(
        update={
            "attachment_store": "s3",
            "attachment_s3_bucket": BUCKET,
            "attachment_s3_endpoint_url": s3_url,
        }
    )
    assert isinstance(make_store(s3), S3Store)
    ticket = seed.ticket(seed.machine("Pump 01"))
    with TestClient(create_app(s3)) as client:
        seed.user("Ada", role=UserRole.ADMIN, email="ada@example.com", password=PASSWORD)
        token = client.post("/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        sent = client.post(f"/api/tickets/{ticket}/attachments", params={"filename": "p.png"}, content=PNG)
        assert sent.status_code == 201, sent.text
        assert client.get(f"/api/tickets/{ticket}/attachments/{sent.json()['id']}").content == PNG
    listed = boto3.client("s3", endpoint_url=s3_url).list_objects_v2(Bucket=BUCKET)
    assert [o["Key"] for o in listed["Contents"]] == [f"attachments/{ticket}/{sent.json()['id']}"]
