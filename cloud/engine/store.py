"""Reading and writing the ticket policy kept in ``engine_policy`` (no row = the settings' defaults)."""

from __future__ import annotations

import logging
import uuid

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from cloud.engine.models import POLICY_ROW_ID, EnginePolicy
from cloud.engine.policy import PolicyConfig
from cloud.engine.schemas import PolicyRead, PolicyValues

logger = logging.getLogger(__name__)


def read_policy(session: Session, defaults: PolicyConfig) -> PolicyRead:
    """The effective policy: the stored one, or ``defaults`` when none is stored (or it no longer parses)."""
    row = session.get(EnginePolicy, POLICY_ROW_ID)
    if row is not None:
        try:
            values = PolicyValues.model_validate(row.config)
            values.to_config()  # the engine's own checks, in case the stored row predates a rule
        except (ValidationError, ValueError) as exc:
            logger.error("stored ticket policy is unusable, using the settings' defaults: %s", exc)
        else:
            return PolicyRead(
                **values.model_dump(), source="database", updated_at=row.updated_at, updated_by=row.updated_by
            )
    return PolicyRead(**PolicyValues.from_config(defaults).model_dump(), source="settings")


def effective_config(session: Session, defaults: PolicyConfig) -> PolicyConfig:
    """The ``PolicyConfig`` the engine should apply now."""
    read = read_policy(session, defaults)
    return PolicyValues.model_validate(
        read.model_dump(exclude={"source", "updated_at", "updated_by"})
    ).to_config()


def save_policy(session: Session, values: PolicyValues, user_id: uuid.UUID | None) -> None:
    """Store ``values`` (already checked) as the policy, stamped with who and when; flushes, no commit."""
    statement = insert(EnginePolicy).values(
        id=POLICY_ROW_ID, config=values.model_dump(), updated_at=sa.func.now(), updated_by=user_id
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[EnginePolicy.id],
            set_={
                "config": statement.excluded.config,
                "updated_at": statement.excluded.updated_at,
                "updated_by": statement.excluded.updated_by,
            },
        )
    )
