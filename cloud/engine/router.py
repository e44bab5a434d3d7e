"""HTTP routes of the ticket policy: everyone signed in reads it, engineers and admins change it."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from cloud.api.deps import CurrentUser, EngineerUser, SessionDep, SettingsDep
from cloud.engine import knobs
from cloud.engine.schemas import KnobRead, PolicyRead, PolicyValues
from cloud.engine.settings import policy_config
from cloud.engine.store import read_policy, save_policy

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/policy", tags=["policy"])


@router.get("", response_model=PolicyRead)
def get_policy(db_session: SessionDep, settings: SettingsDep, user: CurrentUser) -> PolicyRead:
    """The ticket policy the engine applies, and whether it comes from the settings or the database."""
    return read_policy(db_session, policy_config(settings))


@router.get("/knobs", response_model=list[KnobRead])
def get_knobs(user: CurrentUser) -> list[KnobRead]:
    """Every knob with its unit and bounds, as the server declares them once (``cloud/engine/knobs.py``)."""
    return [KnobRead.of(knob) for knob in knobs.KNOBS]


@router.put("", response_model=PolicyRead)
def put_policy(
    values: PolicyValues, db_session: SessionDep, settings: SettingsDep, user: EngineerUser
) -> PolicyRead:
    """Replace the ticket policy (engineers and admins); the engine applies it within a few seconds."""
    values.check()
    save_policy(db_session, values, user.id)
    db_session.commit()
    logger.info("ticket policy changed by %s: %s", user.id, values.model_dump())
    return read_policy(db_session, policy_config(settings))
