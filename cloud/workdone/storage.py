"""Where attachment bytes live: a small ``BlobStore`` interface with a local-disk and an S3 implementation.

Keys are made by the service (``<ticket id>/<attachment id>``), never from a client's file name; the disk
store still refuses any key that could leave its folder.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol

from cloud.config import Settings
from cloud.errors import CloudError

_KEY = re.compile(r"^[0-9a-f-]{36}/[0-9a-f-]{36}$")


class BlobStoreError(CloudError):
    """The store could not keep or give back an object."""


class BlobStore(Protocol):
    """Keeps bytes under a key."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key`` (replacing any object there)."""

    def get(self, key: str) -> bytes:
        """The bytes under ``key``; BlobStoreError when there are none."""

    def delete(self, key: str) -> None:
        """Remove ``key`` (no error when it is gone already)."""


def _checked(key: str) -> str:
    if not _KEY.match(key):
        raise BlobStoreError(f"not a blob key: {key!r}")
    return key


class DiskStore:
    """Files under ``root``, written to a temporary file and renamed into place (never half-written)."""

    def __init__(self, root: Path) -> None:
        """``root`` is created on the first write."""
        self.root = root

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write ``data`` atomically."""
        path = self.root / _checked(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """Read the file."""
        try:
            return (self.root / _checked(key)).read_bytes()
        except FileNotFoundError as exc:
            raise BlobStoreError(f"blob {key} is missing from {self.root}") from exc

    def delete(self, key: str) -> None:
        """Remove the file."""
        (self.root / _checked(key)).unlink(missing_ok=True)


class S3Store:
    """Objects in an S3-compatible bucket (AWS, MinIO, Ceph, ...), through boto3."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        """``client``: a boto3 S3 client (its endpoint and credentials say which store)."""
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload the object."""
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self.prefix + _checked(key), Body=data, ContentType=content_type
            )
        except Exception as exc:  # botocore raises many kinds; the caller needs one
            raise BlobStoreError(f"could not store {key} in bucket {self.bucket}: {exc}") from exc

    def get(self, key: str) -> bytes:
        """Download the object."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.prefix + _checked(key))["Body"]
            return bytes(body.read())
        except Exception as exc:
            raise BlobStoreError(f"could not read {key} from bucket {self.bucket}: {exc}") from exc

    def delete(self, key: str) -> None:
        """Delete the object."""
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.prefix + _checked(key))
        except Exception as exc:
            raise BlobStoreError(f"could not delete {key} from bucket {self.bucket}: {exc}") from exc


def make_store(settings: Settings) -> BlobStore:
    """The store the settings name."""
    if settings.attachment_store == "s3":
        if not settings.attachment_s3_bucket:
            raise ValueError("MAINTAINX_ATTACHMENT_STORE=s3 needs MAINTAINX_ATTACHMENT_S3_BUCKET")
        import boto3  # only an S3 install needs it

        client = boto3.client("s3", endpoint_url=settings.attachment_s3_endpoint_url)
        return S3Store(client, settings.attachment_s3_bucket, settings.attachment_s3_prefix)
    return DiskStore(settings.attachments_dir or settings.data_dir / "attachments")
