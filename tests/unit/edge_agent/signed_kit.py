"""Helpers for the model-update tests: signing keys, signed tiny models, and a blob server with Range."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cloud.registry.signing import generate_key, load_private_key, sign_manifest
from contract.payloads import ModelUpdateCommand
from tests.support.tiny_model import tiny_onnx_bytes, write_model_dir

WINDOW = 10


def make_key(folder: Path, name: str = "release") -> Ed25519PrivateKey:
    """A new key pair: private key in ``folder``, public key in ``folder/keys`` (the agent's keys dir)."""
    generate_key(folder / f"{name}.key", folder / "keys" / f"{name}.pub")
    return load_private_key(folder / f"{name}.key")


def signed_model(
    folder: Path,
    key: Ed25519PrivateKey,
    *,
    version: str,
    serial: int,
    onnx: bytes | None = None,
    validity: timedelta = timedelta(days=1),
    now: datetime | None = None,
) -> tuple[bytes, str]:
    """A tiny model's bytes and its signed envelope (the manifest as the registry would sign it)."""
    model_dir = write_model_dir(folder / version, version=version, window=WINDOW, onnx_bytes=onnx)
    manifest = json.loads((model_dir / "manifest.json").read_text())
    envelope = sign_manifest(manifest, serial=serial, key=key, validity=validity, now=now)
    return (model_dir / "model.onnx").read_bytes(), envelope


def nan_onnx() -> bytes:
    """A model that loads and verifies but scores NaN."""
    return tiny_onnx_bytes(failure_bias=float("nan"))


def update(url: str, envelope: str, version: str, **fields: object) -> ModelUpdateCommand:
    """A model-update command as a rollout sends it."""
    return ModelUpdateCommand(
        rollout_id=uuid.uuid4(), version=version, url=url, envelope=envelope, ts=datetime.now(UTC), **fields
    )


class BlobServer:
    """Serves blobs by sha256 with HTTP Range; can cut the next response short or flip a byte."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.ranges: list[str | None] = []
        # Bytes of the next response before it stalls (until ``release``) and then drops the connection.
        self.cut_after: int | None = None
        self.corrupt = False
        self.stalled = threading.Event()  # set once a cut response has sent its bytes
        self.release = threading.Event()  # set to end the stall (the connection then closes)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                data = server.blobs.get(self.path.rsplit("/", 1)[-1])
                rng = self.headers.get("Range")
                server.ranges.append(rng)
                if data is None:
                    self.send_error(404)
                    return
                if server.corrupt:
                    data = bytes([data[0] ^ 0xFF]) + data[1:]
                start = int(rng.removeprefix("bytes=").split("-")[0]) if rng else 0
                self.send_response(206 if rng else 200)
                if rng:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                body = data[start:]
                if server.cut_after is not None:
                    body, server.cut_after = body[: server.cut_after], None
                    self.wfile.write(body)
                    self.wfile.flush()
                    server.stalled.set()
                    server.release.wait(60)  # a stalled transfer, until the test lets go
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def add(self, data: bytes) -> str:
        """Serve ``data``; return its URL."""
        sha = hashlib.sha256(data).hexdigest()
        self.blobs[sha] = data
        return f"{self.base}/blobs/{sha}"


@contextmanager
def blob_server() -> Iterator[BlobServer]:
    """A running BlobServer, shut down afterwards."""
    server = BlobServer()
    thread = threading.Thread(target=server._httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server._httpd.shutdown()
        server._httpd.server_close()
