"""The artifact store: model files kept by content (``<root>/sha256/ab/abcdef…``), written once, never edited.

Content addressing makes a stored blob its own integrity check and lets two versions that share bytes
share a file. Writes go to a temporary file in the same folder, are fsynced and renamed into place, so a
reader never sees half a blob.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from cloud.registry.errors import ArtifactError, NotFoundError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


class BlobStore:
    """A folder of immutable blobs named by their sha256."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the blob ``sha256`` lives (whether or not it exists); refuses anything but a sha256."""
        if not _SHA256.match(sha256):
            raise NotFoundError(f"{sha256!r} is not a sha256 hex digest")
        return self.root / "sha256" / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        return self.path(sha256).is_file()

    def open_path(self, sha256: str) -> Path:
        """Path of a stored blob, or NotFoundError."""
        path = self.path(sha256)
        if not path.is_file():
            raise NotFoundError(f"no blob {sha256} in {self.root}")
        return path

    def put_file(self, source: str | Path) -> tuple[str, int]:
        """Copy ``source`` into the store; return its sha256 and size (a no-op when already stored)."""
        source = Path(source)
        digest = hashlib.sha256()
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".incoming.", dir=self.root)
        size = 0
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            target = self.path(sha256)
            if target.is_file():
                return sha256, size
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o444)  # blobs are immutable; the mode says so to anyone looking
            os.replace(tmp, target)
            return sha256, size
        except OSError as exc:
            raise ArtifactError(f"{source}: cannot store it: {exc.strerror or exc}") from exc
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


REGISTRY_SUBDIR = "registry"


def store_for(data_dir: Path) -> BlobStore:
    """The blob store under the cloud's data folder."""
    return BlobStore(Path(data_dir) / REGISTRY_SUBDIR)
