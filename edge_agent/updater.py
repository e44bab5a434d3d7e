"""Fetching and installing model updates: HTTP Range resume, hash check, atomic swap, last good kept.

On disk, under ``<data_dir>/models``::

    staging/<sha256>.part      bytes downloaded so far (a killed agent resumes from here)
    versions/<version>/        model.onnx, manifest.json (the signed one), signed.json (the envelope)
    current -> versions/<v>    the model that serves; replaced by an atomic rename of a new symlink
    previous -> versions/<v>   the last good model, restored when the current one fails
    failed/<version>           versions that failed here; not installed again unless an operator pins them

A version folder is assembled under a temporary name and renamed into place, and ``current`` only ever
points at a complete, verified folder, so no crash at any point can leave a half-written model serving.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from contract.manifest import MANIFEST_FILE
from edge_agent import trust
from edge_agent.errors import ModelError

logger = logging.getLogger(__name__)

MODEL_FILE = "model.onnx"
ENVELOPE_FILE = "signed.json"
# Bytes read from the network per write: small enough to lose little to a kill, large enough to be cheap.
DOWNLOAD_CHUNK = 64 * 1024
HTTP_TIMEOUT_S = 30.0
# Bigger than any model a gateway should run; a manifest promising more is refused before downloading.
MAX_MODEL_BYTES = 512 * 1024 * 1024


class DownloadError(ModelError):
    """The artifact could not be fetched (network, HTTP status); the partial file is kept for resuming."""


class ModelStore:
    """The agent's folder of installed model versions and the ``current`` / ``previous`` pointers."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        for sub in ("staging", "versions", "failed"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def pointer(self, name: str) -> Path | None:
        """The version folder ``current`` or ``previous`` points at, or None."""
        link = self.root / name
        if not link.is_symlink():
            return None
        target = link.resolve()
        return target if target.is_dir() else None

    def version_dir(self, version: str) -> Path:
        """Where an installed version lives; refuses names that would leave the store."""
        if not version or "/" in version or version.startswith(".") or "\x00" in version:
            raise ModelError(f"version {version!r} cannot name a folder")
        return self.root / "versions" / version

    def part_path(self, sha256: str) -> Path:
        """The partial download of the blob ``sha256``."""
        return self.root / "staging" / f"{sha256}.part"

    def serial(self, folder: Path | None) -> int | None:
        """The signed serial of an installed version (read, not re-verified: it was verified on install)."""
        if folder is None or not (folder / ENVELOPE_FILE).is_file():
            return None
        try:
            envelope = json.loads((folder / ENVELOPE_FILE).read_text())
            return int(json.loads(envelope["payload"])["serial"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def install(self, payload: trust.SignedPayload, envelope: str, part: Path) -> Path:
        """Move a verified download into ``versions/<version>`` beside its signed manifest; return it."""
        folder = self.version_dir(payload.version)
        if folder.is_dir():
            trust.verify_file(folder / MODEL_FILE, payload)  # installed before: it must be these bytes
            return folder
        tmp = Path(tempfile.mkdtemp(prefix=f".{payload.version}.", dir=self.root / "versions"))
        manifest = {**payload.manifest, "model_file": MODEL_FILE}
        (tmp / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2))
        (tmp / ENVELOPE_FILE).write_text(envelope)
        os.replace(part, tmp / MODEL_FILE)
        _fsync_dir(tmp)
        os.replace(tmp, folder)
        _fsync_dir(folder.parent)
        return folder

    def activate(self, folder: Path) -> None:
        """Make ``folder`` current and the old current the previous one, each by one atomic rename."""
        old = self.pointer("current")
        if old is not None and old != folder.resolve():
            self._point("previous", old)
        self._point("current", folder)

    def set_previous(self, folder: Path) -> None:
        """Name ``folder`` (e.g. the model installed with the agent) the last good model."""
        self._point("previous", folder)

    def revert(self) -> Path | None:
        """Point ``current`` back at ``previous``; return it (None when there is nothing to go back to)."""
        previous = self.pointer("previous")
        if previous is None:
            return None
        self._point("current", previous)
        return previous

    def mark_failed(self, version: str, reason: str) -> None:
        """Remember that ``version`` failed here, so a re-sent update does not reinstall it."""
        (self.root / "failed" / self.version_dir(version).name).write_text(reason + "\n")

    def failed(self, version: str) -> str | None:
        """Why ``version`` failed here, or None."""
        path = self.root / "failed" / self.version_dir(version).name
        return path.read_text().strip() if path.is_file() else None

    def clear_failed(self, version: str) -> None:
        """Forget a failure (an operator pinned the version explicitly)."""
        (self.root / "failed" / self.version_dir(version).name).unlink(missing_ok=True)

    def prune(self, keep: int = 3) -> None:
        """Delete installed versions beyond the newest ``keep``, never current or previous."""
        pinned = {self.pointer("current"), self.pointer("previous")}
        folders = sorted(
            (p for p in (self.root / "versions").iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for folder in folders[keep:]:
            if folder.resolve() not in pinned:
                shutil.rmtree(folder, ignore_errors=True)

    def _point(self, name: str, folder: Path) -> None:
        link = self.root / name
        if link.exists() and not link.is_symlink():
            raise ModelError(f"{link} is a folder, not a link to a version folder: cannot swap models there")
        tmp = self.root / f".{name}.tmp"
        tmp.unlink(missing_ok=True)
        # Relative target: the store can be moved or mounted elsewhere without breaking its links.
        tmp.symlink_to(os.path.relpath(folder.resolve(), self.root))
        os.replace(tmp, self.root / name)
        _fsync_dir(self.root)


def download(url: str, part: Path, payload: trust.SignedPayload, *, timeout: float = HTTP_TIMEOUT_S) -> Path:
    """Fetch ``url`` into ``part``, resuming what is there, and verify it against the signed hash.

    Returns ``part`` once it holds exactly the signed bytes. A server that ignores the Range header (200
    instead of 206) gets the download restarted from zero; bytes that fail the hash are deleted.
    """
    # Imported here: only the update helper process downloads, the agent itself never needs them.
    import http.client
    import urllib.error
    import urllib.request

    if payload.size > MAX_MODEL_BYTES:
        raise trust.TamperedError(f"{payload.version}: {payload.size} bytes is more than a model may be")
    have = part.stat().st_size if part.exists() else 0
    if have > payload.size:
        part.unlink()
        have = 0
    if have < payload.size:
        request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if have and response.status != 206:
                    logger.info("server ignored the range request for %s: downloading from the start", url)
                    have = 0
                with part.open("r+b" if have else "wb") as out:
                    out.seek(have)
                    out.truncate()
                    # read1: whatever has arrived, so a stalled transfer still leaves its bytes on disk.
                    while chunk := response.read1(DOWNLOAD_CHUNK):
                        out.write(chunk)
                        out.flush()
                        have += len(chunk)
                        if have > payload.size:
                            break
                    out.flush()
                    os.fsync(out.fileno())
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise DownloadError(f"{url}: download stopped at {have} of {payload.size} bytes: {exc}") from exc
        if have < payload.size:
            # The connection closed early; what arrived is kept, and the next attempt asks for the rest.
            raise DownloadError(f"{url}: connection closed at {have} of {payload.size} bytes")
    try:
        trust.verify_file(part, payload)
    except trust.TamperedError:
        part.unlink(missing_ok=True)  # bad bytes are never resumed from
        raise
    return part


def _fsync_dir(folder: Path) -> None:
    """Persist a rename: the directory entry, not only the file, must reach the disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
