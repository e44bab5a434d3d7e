"""The registry's HTTP API: ``blobs_router`` serves artifacts to agents, ``router`` the rest to users.

Blobs are served without a user token: agents hold no API credentials, a blob is only reachable by its
sha256 (which an agent learns from a signed manifest), and the agent verifies every byte against that
signature. Range requests are answered (Starlette's FileResponse), so an interrupted download resumes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, TypeVar

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse

from cloud.api.deps import EngineerUser, SessionDep, SettingsDep
from cloud.registry import rollout, service
from cloud.registry.errors import NotFoundError, RegistryError, RolloutError
from cloud.registry.models import ModelVersion, Rollout, RolloutTarget
from cloud.registry.publisher import MqttUpdatePublisher, UpdatePublisher
from cloud.registry.schemas import (
    AdvanceIn,
    AliasIn,
    DeploymentOut,
    ModelRunOut,
    ModelVersionOut,
    RollbackIn,
    RolloutIn,
    RolloutOut,
    RolloutPage,
    RolloutSummaryOut,
    RolloutTargetOut,
)
from cloud.registry.store import store_for
from cloud.registry.views import rollout_out, target_text

DEFAULT_PAGE = 20
MAX_PAGE = 100  # page size cap: a list is for people to read, not for bulk export
T = TypeVar("T")
router = APIRouter(prefix="/registry", tags=["registry"])
blobs_router = APIRouter(prefix="/registry", tags=["registry"])


def _version_out(row: ModelVersion, aliases: dict[str, str]) -> ModelVersionOut:
    out = ModelVersionOut.model_validate(
        {
            **{c.key: getattr(row, c.key) for c in sa.inspect(ModelVersion).columns},
            "signed": row.envelope is not None,
        }
    )
    out.aliases = sorted(a for a, v in aliases.items() if v == row.version)
    return out


@blobs_router.get("/blobs/{sha256}", response_class=FileResponse)
def get_blob(sha256: str, settings: SettingsDep) -> FileResponse:
    """The bytes of a model artifact by sha256 (supports HTTP Range)."""
    try:
        path = store_for(settings.data_dir).open_path(sha256)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return FileResponse(path, media_type="application/octet-stream")


@router.get("/models", response_model=list[ModelVersionOut])
def list_models(db_session: SessionDep) -> list[ModelVersionOut]:
    """Every registered version, newest first, with the aliases pointing at it."""
    aliases = service.aliases(db_session=db_session)
    return [_version_out(row, aliases) for row in service.list_versions(db_session=db_session)]


@router.get("/models/{ref}", response_model=ModelVersionOut)
def get_model(ref: str, db_session: SessionDep) -> ModelVersionOut:
    """One version, by name or alias."""
    try:
        row = service.get_version(db_session=db_session, ref=ref)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return _version_out(row, service.aliases(db_session=db_session))


@router.put("/aliases/{alias}", response_model=ModelVersionOut)
def put_alias(alias: str, body: AliasIn, db_session: SessionDep, _user: EngineerUser) -> ModelVersionOut:
    """Point an alias (champion, challenger) at a version; engineers and admins only."""
    try:
        row = service.set_alias(db_session=db_session, alias=alias, ref=body.version)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except RegistryError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    db_session.commit()
    return _version_out(row, service.aliases(db_session=db_session))


@router.get("/rollouts", response_model=RolloutPage)
def list_rollouts(
    db_session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    # PostgreSQL's OFFSET is a bigint; bounded like the tickets list so a huge value is a 422, not a 500.
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> RolloutPage:
    """Rollouts newest first, with how many gateways report each state."""
    rows, total = rollout.list_rollouts(db_session=db_session, limit=limit, offset=offset)
    items = [
        RolloutSummaryOut(
            id=r.id,
            version=version,
            mode=r.mode,
            target=target_text(r),
            stages=list(r.stages),
            stage=r.stage,
            state=r.state,
            created_at=r.created_at,
            counts=counts,
        )
        for r, version, counts in rows
    ]
    return RolloutPage(items=items, total=total, limit=limit, offset=offset)


def _publishing(settings: SettingsDep, act: Callable[[UpdatePublisher], T]) -> T:
    """Run ``act`` with a connected publisher; 503 if the broker is unreachable, 409 for a refused move."""
    publisher = MqttUpdatePublisher.from_settings(settings)
    try:
        publisher.__enter__()
    except RolloutError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc
    try:
        return act(publisher)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except RegistryError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    finally:
        publisher.__exit__()


def _base_url(request: Request) -> str:
    # rollout.artifact_url appends /api/registry/blobs/<sha256> to this.
    return str(request.base_url).rstrip("/")


@router.post("/rollouts", response_model=RolloutOut, status_code=201)
def start_rollout(
    body: RolloutIn, request: Request, db_session: SessionDep, settings: SettingsDep, _user: EngineerUser
) -> RolloutOut:
    """Start a rollout of a signed version to a group, a tag or every gateway; engineers and admins only."""
    options: dict[str, object] = {}
    if body.stages is not None:
        options["stages"] = tuple(body.stages)
    if body.latency_budget_ms is not None:
        options["latency_budget_ms"] = body.latency_budget_ms
    row = _publishing(
        settings,
        lambda publisher: rollout.start(
            db_session=db_session,
            publisher=publisher,
            ref=body.ref,
            base_url=_base_url(request),
            target_key=body.target.key,
            target_value=body.target.value,
            mode=body.mode,
            **options,  # type: ignore[arg-type]
        ),
    )
    db_session.commit()
    return rollout_out(db_session, row)


@router.post("/rollouts/{rollout_id}/advance", response_model=RolloutOut)
def advance_rollout(
    rollout_id: uuid.UUID,
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    _user: EngineerUser,
    body: AdvanceIn | None = None,
) -> RolloutOut:
    """Move a rollout to its next stage if its gate passes (409 with the reason if not); engineers only."""
    force = body.force if body else False
    row = _publishing(
        settings,
        lambda publisher: rollout.advance(
            db_session=db_session,
            publisher=publisher,
            rollout_id=rollout_id,
            base_url=_base_url(request),
            gate=None if force else rollout.Gate(),
        ),
    )
    db_session.commit()
    return rollout_out(db_session, row)


@router.post("/rollouts/{rollout_id}/rollback", response_model=RolloutOut)
def rollback_rollout(
    rollout_id: uuid.UUID,
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    _user: EngineerUser,
    body: RollbackIn | None = None,
) -> RolloutOut:
    """Stop a rollout and pin its gateways to ``to`` (default the champion); engineers and admins only."""
    try:
        current = rollout.get(db_session=db_session, rollout_id=rollout_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    if current.state == "rolled_back":
        raise HTTPException(status_code=409, detail=f"rollout {rollout_id} is already rolled back")
    to_ref = body.to if body and body.to else "champion"
    try:
        back = service.get_version(db_session=db_session, ref=to_ref)
    except NotFoundError as exc:
        detail = f"cannot roll back: {exc}; name a version in 'to'"
        raise HTTPException(status_code=409, detail=detail) from exc
    if back.id == current.version_id:
        raise HTTPException(
            status_code=409, detail=f"{back.version} is the version this rollout sends; name another in 'to'"
        )
    row = _publishing(
        settings,
        lambda publisher: rollout.rollback(
            db_session=db_session,
            publisher=publisher,
            rollout_id=rollout_id,
            to_ref=back.version,
            base_url=_base_url(request),
        ),
    )
    db_session.commit()
    return rollout_out(db_session, row)


@router.get("/rollouts/{rollout_id}", response_model=RolloutOut)
def get_rollout(rollout_id: uuid.UUID, db_session: SessionDep) -> RolloutOut:
    """A rollout with the state every gateway it reached reported."""
    try:
        row = rollout.get(db_session=db_session, rollout_id=rollout_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return rollout_out(db_session, row)


@router.get("/gateways/{gateway_id}/runs", response_model=list[ModelRunOut])
def gateway_runs(gateway_id: str, db_session: SessionDep) -> list[ModelRunOut]:
    """Which model versions ran on a gateway and when, newest first."""
    return [ModelRunOut.model_validate(r) for r in service.runs(db_session=db_session, gateway_id=gateway_id)]


@router.get("/gateways/{gateway_id}/deployments", response_model=list[DeploymentOut])
def gateway_deployments(gateway_id: str, db_session: SessionDep) -> list[DeploymentOut]:
    """Every rollout that reached a gateway and the state it reported, newest first."""
    rows = db_session.execute(
        sa.select(RolloutTarget, Rollout, ModelVersion.version)
        .join(Rollout, Rollout.id == RolloutTarget.rollout_id)
        .join(ModelVersion, ModelVersion.id == Rollout.version_id)
        .where(RolloutTarget.gateway_id == gateway_id)
        .order_by(RolloutTarget.updated_at.desc())
    )
    return [
        DeploymentOut(
            rollout_id=r.id,
            version=version,
            mode=r.mode,
            rollout_state=r.state,
            **RolloutTargetOut.model_validate(t).model_dump(),
        )
        for t, r, version in rows
    ]
