"""Registry operations: register a model folder, sign a version, move aliases, list, read run history.

Service functions are keyword-only and handed the session; they flush but leave committing to the caller.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from cloud.registry import signing
from cloud.registry.errors import ArtifactError, NotFoundError, RegistryError
from cloud.registry.models import GatewayModelRun, ModelAlias, ModelVersion
from cloud.registry.store import BlobStore
from contract.manifest import MANIFEST_FILE, ManifestError, ModelManifest, manifest_from_dict

logger = logging.getLogger(__name__)

ALIASES = ("champion", "challenger")


def read_model_dir(model_dir: Path) -> tuple[ModelManifest, dict[str, Any]]:
    """The manifest of a model folder, checked as an agent would; raise ArtifactError if it is not loadable.

    Returns the typed manifest and the JSON object as written: the registry stores and signs the latter,
    so fields this version does not know still reach the agents that do.
    """
    path = model_dir / MANIFEST_FILE
    try:
        raw = json.loads(path.read_text())
    except OSError as exc:
        raise ArtifactError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise ArtifactError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise ArtifactError(f"{path}: expected a JSON object")
    try:
        return manifest_from_dict(raw, source=str(path)), raw
    except ManifestError as exc:
        raise ArtifactError(exc.detail) from exc


def register(*, db_session: Session, store: BlobStore, model_dir: Path) -> ModelVersion:
    """Store the folder's model by content and record the version (the same version twice is a no-op)."""
    manifest, raw = read_model_dir(model_dir)
    model_path = model_dir / manifest.model_file
    if not model_path.is_file():
        raise ArtifactError(f"{model_path}: the manifest's model_file does not exist")
    sha256, size = store.put_file(model_path)
    if sha256 != manifest.sha256 or size != manifest.size:
        raise ArtifactError(
            f"{model_path}: sha256 {sha256} / {size} bytes, the manifest says {manifest.sha256} / "
            f"{manifest.size} bytes"
        )
    existing = db_session.scalar(sa.select(ModelVersion).where(ModelVersion.version == manifest.version))
    if existing is not None:
        if existing.sha256 != sha256:
            raise ArtifactError(f"version {manifest.version} is already registered with other bytes")
        return existing
    training = manifest.training_data
    row = ModelVersion(
        version=manifest.version,
        name=manifest.name,
        sha256=sha256,
        size=size,
        manifest=raw,
        metrics=manifest.metrics,
        parity=manifest.parity,
        training_data=training if isinstance(training, dict) else {"description": training},
        input_schema={
            "features": manifest.features,
            "window": manifest.window,
            **msgspec.to_builtins(manifest.input),
        },
        output_schema=msgspec.to_builtins(manifest.outputs),
    )
    db_session.add(row)
    db_session.flush()
    logger.info("registered model %s as serial %d", row.version, row.id)
    return row


def get_version(*, db_session: Session, ref: str) -> ModelVersion:
    """A version by its name or by an alias (``champion``); NotFoundError if neither."""
    row = db_session.scalar(sa.select(ModelVersion).where(ModelVersion.version == ref))
    if row is None:
        alias = db_session.get(ModelAlias, ref)
        row = db_session.get(ModelVersion, alias.version_id) if alias is not None else None
    if row is None:
        raise NotFoundError(f"no model version or alias {ref!r}")
    return row


def sign(
    *,
    db_session: Session,
    ref: str,
    key: Ed25519PrivateKey,
    validity: timedelta = signing.DEFAULT_VALIDITY,
    now: datetime | None = None,
) -> ModelVersion:
    """Sign a version's manifest with ``key`` (re-signing replaces the envelope, e.g. to extend expiry)."""
    row = get_version(db_session=db_session, ref=ref)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    row.envelope = signing.sign_manifest(row.manifest, serial=row.id, key=key, validity=validity, now=moment)
    row.key_id = signing.key_id(key)
    row.signed_at = moment
    row.expires_at = moment + validity
    db_session.flush()
    return row


def set_alias(*, db_session: Session, alias: str, ref: str) -> ModelVersion:
    """Point ``alias`` at a version (champion promotion); return the version."""
    if not alias or alias in {"latest"}:
        raise RegistryError(f"{alias!r} cannot be used as an alias")
    row = get_version(db_session=db_session, ref=ref)
    stmt = (
        pg_insert(ModelAlias)
        .values(alias=alias, version_id=row.id)
        .on_conflict_do_update(
            index_elements=["alias"], set_={"version_id": row.id, "updated_at": sa.func.now()}
        )
    )
    db_session.execute(stmt)
    logger.info("alias %s -> %s", alias, row.version)
    return row


def aliases(*, db_session: Session) -> dict[str, str]:
    """Every alias and the version it points at."""
    rows = db_session.execute(
        sa.select(ModelAlias.alias, ModelVersion.version).join(
            ModelVersion, ModelVersion.id == ModelAlias.version_id
        )
    )
    return {alias: version for alias, version in rows}


def list_versions(*, db_session: Session) -> list[ModelVersion]:
    """Every registered version, newest first."""
    return list(db_session.scalars(sa.select(ModelVersion).order_by(ModelVersion.id.desc())))


def runs(
    *, db_session: Session, gateway_id: str | None = None, version: str | None = None
) -> list[GatewayModelRun]:
    """Which version ran on which gateway and when, newest first, optionally for one gateway or version."""
    stmt = sa.select(GatewayModelRun).order_by(GatewayModelRun.started_at.desc(), GatewayModelRun.id.desc())
    if gateway_id is not None:
        stmt = stmt.where(GatewayModelRun.gateway_id == gateway_id)
    if version is not None:
        stmt = stmt.where(GatewayModelRun.version == version)
    return list(db_session.scalars(stmt))
