"""API shapes of registry rows that more than the router needs (the ``maintainx registry`` command prints
the same rollout status the API returns), kept out of the router so the command never imports FastAPI routes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cloud.registry import rollout
from cloud.registry.models import ModelVersion, Rollout
from cloud.registry.schemas import RolloutOut, RolloutTargetOut


def target_text(row: Rollout) -> str:
    """How a rollout's target reads: "all", or "key=value"."""
    return row.target_key if row.target_key == "all" else f"{row.target_key}={row.target_value}"


def rollout_out(db_session: Session, row: rollout.Rollout) -> RolloutOut:
    """The API shape of a rollout (shared with the CLI's status output)."""
    version = db_session.get(ModelVersion, row.version_id)
    targets = rollout.targets(db_session=db_session, rollout_id=row.id)
    return RolloutOut(
        id=row.id,
        version=version.version if version else "?",
        mode=row.mode,
        target=target_text(row),
        stages=list(row.stages),
        stage=row.stage,
        state=row.state,
        created_at=row.created_at,
        gateways=[RolloutTargetOut.model_validate(t) for t in targets],
    )
