"""Rollouts: a signed version goes to the gateways a group or tag selects, in stages (canary share → all).

Which gateways form the canary is decided by hashing rollout id and gateway id, so it is stable for one
rollout (advancing only adds gateways) and differs between rollouts (not always the same unlucky ones).
Advancing can be gated on what the current stage reported: no gateway refused or rolled back the model,
every reached gateway runs it (or, for a shadow rollout, reported agreement and latency good enough).
"""

from __future__ import annotations

import hashlib
import logging
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cloud.registry import service
from cloud.registry.errors import NotFoundError, RolloutError
from cloud.registry.models import GatewayLabel, ModelVersion, Rollout, RolloutTarget
from cloud.registry.publisher import UpdatePublisher
from contract.payloads import ModelUpdateCommand

logger = logging.getLogger(__name__)

DEFAULT_STAGES = (0.1, 0.5, 1.0)
DEFAULT_LATENCY_BUDGET_MS = 250.0
TARGET_KEYS = ("group", "tag", "all")
# States a gateway reports that stop a rollout from advancing until an operator looks.
BAD_STATES = {"rejected", "rolled_back", "failed"}


@dataclass(frozen=True)
class Gate:
    """What the current stage must show before the next one starts."""

    min_agreement: float = 0.95
    max_latency_ms: float | None = None
    max_abs_score_drift: float | None = None
    # Gateways of the stage that must have reported (share of those reached); 1.0 = all of them.
    min_reported: float = 1.0


def artifact_url(base_url: str, sha256: str) -> str:
    """Where agents fetch a version's bytes from the registry's router."""
    return f"{base_url.rstrip('/')}/api/registry/blobs/{sha256}"


def select_gateways(*, db_session: Session, target_key: str, target_value: str | None) -> list[str]:
    """Ids of the gateways a target selects, sorted."""
    if target_key == "all":
        from cloud.gateways.models import Gateway

        labelled = sa.select(GatewayLabel.gateway_id)
        known = sa.select(Gateway.id)
        return sorted(set(db_session.scalars(known)) | set(db_session.scalars(labelled)))
    if target_key not in TARGET_KEYS or not target_value:
        raise RolloutError(f"target must be group=<name>, tag=<name> or all, got {target_key}={target_value}")
    stmt = sa.select(GatewayLabel.gateway_id).where(
        GatewayLabel.key == target_key, GatewayLabel.value == target_value
    )
    return sorted(set(db_session.scalars(stmt)))


def canary_order(rollout_id: uuid.UUID, gateways: list[str]) -> list[str]:
    """The order in which a rollout reaches gateways: stable per rollout, different across rollouts."""
    return sorted(gateways, key=lambda gw: hashlib.sha256(f"{rollout_id}:{gw}".encode()).hexdigest())


def stage_count(share: float, total: int) -> int:
    """Gateways a stage of ``share`` covers: rounded up, at least one when there are any."""
    return min(total, max(1, math.ceil(share * total))) if total else 0


def start(
    *,
    db_session: Session,
    publisher: UpdatePublisher,
    ref: str,
    base_url: str,
    target_key: str,
    target_value: str | None = None,
    stages: tuple[float, ...] = DEFAULT_STAGES,
    mode: str = "deploy",
    pinned: bool = False,
    latency_budget_ms: float = DEFAULT_LATENCY_BUDGET_MS,
) -> Rollout:
    """Create a rollout of a signed version and send it to the first stage's gateways."""
    if not stages or any(not 0 < s <= 1 for s in stages) or list(stages) != sorted(stages) or stages[-1] != 1:
        raise RolloutError(f"stages must rise within (0, 1] and end at 1, got {list(stages)}")
    if mode not in ("deploy", "shadow"):
        raise RolloutError(f"mode must be deploy or shadow, got {mode!r}")
    version = service.get_version(db_session=db_session, ref=ref)
    if version.envelope is None:
        raise RolloutError(
            f"{version.version} is not signed: run 'maintainx model sign {version.version}' first"
        )
    gateways = select_gateways(db_session=db_session, target_key=target_key, target_value=target_value)
    if not gateways:
        raise RolloutError(f"no gateway has {target_key}={target_value}")
    rollout = Rollout(
        id=uuid.uuid4(),
        version_id=version.id,
        mode=mode,
        target_key=target_key,
        target_value=target_value,
        stages=list(stages),
        stage=0,
        state="active",
        pinned=pinned,
        latency_budget_ms=latency_budget_ms,
    )
    db_session.add(rollout)
    db_session.flush()
    _reach(db_session=db_session, publisher=publisher, rollout=rollout, version=version, base_url=base_url)
    return rollout


def _reach(
    *, db_session: Session, publisher: UpdatePublisher, rollout: Rollout, version: ModelVersion, base_url: str
) -> list[str]:
    """Send the update to the gateways the rollout's current stage adds; return them."""
    gateways = select_gateways(
        db_session=db_session, target_key=rollout.target_key, target_value=rollout.target_value
    )
    wanted = canary_order(rollout.id, gateways)[: stage_count(rollout.stages[rollout.stage], len(gateways))]
    reached = set(
        db_session.scalars(sa.select(RolloutTarget.gateway_id).where(RolloutTarget.rollout_id == rollout.id))
    )
    new = [gw for gw in wanted if gw not in reached]
    assert version.envelope is not None  # checked by start()
    for gw in new:
        command = ModelUpdateCommand(
            rollout_id=rollout.id,
            version=version.version,
            url=artifact_url(base_url, version.sha256),
            envelope=version.envelope,
            ts=datetime.now(UTC),
            mode="shadow" if rollout.mode == "shadow" else "deploy",
            pinned=rollout.pinned,
            latency_budget_ms=rollout.latency_budget_ms,
        )
        publisher.publish_update(gw, command)
        db_session.add(
            RolloutTarget(rollout_id=rollout.id, gateway_id=gw, stage=rollout.stage, state="notified")
        )
    db_session.flush()
    logger.info("rollout %s stage %d: %d new gateways", rollout.id, rollout.stage, len(new))
    return new


def get(*, db_session: Session, rollout_id: uuid.UUID) -> Rollout:
    """A rollout by id, or NotFoundError."""
    rollout = db_session.get(Rollout, rollout_id)
    if rollout is None:
        raise NotFoundError(f"no rollout {rollout_id}")
    return rollout


def targets(*, db_session: Session, rollout_id: uuid.UUID) -> list[RolloutTarget]:
    """Every gateway a rollout reached, with its reported state."""
    stmt = (
        sa.select(RolloutTarget)
        .where(RolloutTarget.rollout_id == rollout_id)
        .order_by(RolloutTarget.gateway_id)
    )
    return list(db_session.scalars(stmt))


def gate_failures(rollout: Rollout, reached: list[RolloutTarget], gate: Gate) -> list[str]:
    """Why the rollout may not advance yet (empty when it may)."""
    problems = [
        f"{t.gateway_id}: {t.state} ({t.detail or 'no detail'})" for t in reached if t.state in BAD_STATES
    ]
    good = "shadow" if rollout.mode == "shadow" else "active"
    done = [t for t in reached if t.state == good]
    if reached and len(done) < gate.min_reported * len(reached):
        problems.append(f"{len(done)} of {len(reached)} gateways report {good}")
    if rollout.mode == "shadow":
        for t in done:
            stats = t.shadow or {}
            if not stats.get("windows"):
                problems.append(f"{t.gateway_id}: no shadow figures yet")
                continue
            if stats["agreement"] < gate.min_agreement:
                problems.append(f"{t.gateway_id}: agreement {stats['agreement']:.3f} < {gate.min_agreement}")
            if gate.max_latency_ms is not None and stats["challenger_latency_ms_p95"] > gate.max_latency_ms:
                problems.append(f"{t.gateway_id}: p95 latency {stats['challenger_latency_ms_p95']:.1f} ms")
            if gate.max_abs_score_drift is not None and abs(stats["score_drift"]) > gate.max_abs_score_drift:
                problems.append(f"{t.gateway_id}: score drift {stats['score_drift']:+.3f}")
    return problems


def advance(
    *,
    db_session: Session,
    publisher: UpdatePublisher,
    rollout_id: uuid.UUID,
    base_url: str,
    gate: Gate | None = Gate(),
) -> Rollout:
    """Next stage if the gate passes (``gate=None`` forces it); completing a deploy makes it champion."""
    rollout = get(db_session=db_session, rollout_id=rollout_id)
    if rollout.state != "active":
        raise RolloutError(f"rollout {rollout.id} is {rollout.state}, not active")
    if gate is not None:
        problems = gate_failures(rollout, targets(db_session=db_session, rollout_id=rollout.id), gate)
        if problems:
            raise RolloutError("gate not met: " + "; ".join(problems))
    version = db_session.get(ModelVersion, rollout.version_id)
    assert version is not None  # foreign key
    if rollout.stage + 1 >= len(rollout.stages):
        rollout.state = "completed"
        if rollout.mode == "deploy":
            service.set_alias(db_session=db_session, alias="champion", ref=version.version)
    else:
        rollout.stage += 1
        _reach(
            db_session=db_session, publisher=publisher, rollout=rollout, version=version, base_url=base_url
        )
    rollout.updated_at = datetime.now(UTC)
    db_session.flush()
    return rollout


def rollback(
    *, db_session: Session, publisher: UpdatePublisher, rollout_id: uuid.UUID, to_ref: str, base_url: str
) -> Rollout:
    """Stop a rollout and send every gateway it reached an operator-pinned update to ``to_ref``."""
    rollout = get(db_session=db_session, rollout_id=rollout_id)
    back = service.get_version(db_session=db_session, ref=to_ref)
    if back.envelope is None:
        raise RolloutError(f"{back.version} is not signed; sign it before rolling back to it")
    for target in targets(db_session=db_session, rollout_id=rollout.id):
        publisher.publish_update(
            target.gateway_id,
            ModelUpdateCommand(
                rollout_id=rollout.id,
                version=back.version,
                url=artifact_url(base_url, back.sha256),
                envelope=back.envelope,
                ts=datetime.now(UTC),
                pinned=True,  # the operator asked for this older model explicitly
                latency_budget_ms=rollout.latency_budget_ms,
            ),
        )
    rollout.state = "rolled_back"
    rollout.updated_at = datetime.now(UTC)
    db_session.flush()
    return rollout


def label(*, db_session: Session, gateway_id: str, key: str, value: str) -> None:
    """Give a gateway a group (replacing its old one) or add a tag."""
    if key not in ("group", "tag"):
        raise RolloutError(f"label key must be group or tag, got {key!r}")
    if key == "group":
        db_session.execute(
            sa.delete(GatewayLabel).where(GatewayLabel.gateway_id == gateway_id, GatewayLabel.key == "group")
        )
    db_session.merge(GatewayLabel(gateway_id=gateway_id, key=key, value=value))
    db_session.flush()


def list_rollouts(
    *, db_session: Session, limit: int, offset: int
) -> tuple[list[tuple[Rollout, str, dict[str, int]]], int]:
    """A page of rollouts newest first, each with its version and per-state gateway counts; and the total."""
    total = db_session.scalar(sa.select(sa.func.count()).select_from(Rollout)) or 0
    rows = db_session.execute(
        sa.select(Rollout, ModelVersion.version)
        .join(ModelVersion, ModelVersion.id == Rollout.version_id)
        .order_by(Rollout.created_at.desc(), Rollout.id)
        .limit(limit)
        .offset(offset)
    ).all()
    counts: dict[uuid.UUID, dict[str, int]] = {r.id: {} for r, _ in rows}
    tallies = db_session.execute(
        sa.select(RolloutTarget.rollout_id, RolloutTarget.state, sa.func.count())
        .where(RolloutTarget.rollout_id.in_(counts))
        .group_by(RolloutTarget.rollout_id, RolloutTarget.state)
    )
    for rollout_id, state, n in tallies:
        counts[rollout_id][state] = n
    return [(r, version, counts[r.id]) for r, version in rows], total
