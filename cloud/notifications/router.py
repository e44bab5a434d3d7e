"""HTTP routes of notifications: engineers manage channels and rules; everyone sets their own switches."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from cloud.api.deps import CurrentUser, EngineerUser, SessionDep
from cloud.notifications import service
from cloud.notifications.models import DeliveryStatus
from cloud.notifications.schemas import (
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
    DeliveryRead,
    PreferenceRead,
    PreferenceUpdate,
    RuleCreate,
    RuleRead,
    TestSent,
)

router = APIRouter(prefix="/notifications", tags=["notifications"])
MAX_DELIVERIES = 200


@router.get("/channels", response_model=list[ChannelRead])
def list_channels(db_session: SessionDep, user: EngineerUser) -> list[ChannelRead]:
    """Every channel (secrets are never shown)."""
    return service.list_channels(db_session=db_session)


@router.post("/channels", response_model=ChannelRead, status_code=status.HTTP_201_CREATED)
def create_channel(body: ChannelCreate, db_session: SessionDep, user: EngineerUser) -> ChannelRead:
    """Add an e-mail or webhook channel."""
    return service.create_channel(db_session=db_session, channel_in=body)


@router.patch("/channels/{channel_id}", response_model=ChannelRead)
def update_channel(
    channel_id: uuid.UUID, body: ChannelUpdate, db_session: SessionDep, user: EngineerUser
) -> ChannelRead:
    """Rename, re-point, re-sign, switch on or off."""
    return service.update_channel(db_session=db_session, channel_id=channel_id, changes=body)


@router.delete("/channels/{channel_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_channel(channel_id: uuid.UUID, db_session: SessionDep, user: EngineerUser) -> None:
    """Remove a channel with its rules and deliveries."""
    service.delete_channel(db_session=db_session, channel_id=channel_id)


@router.post("/channels/{channel_id}/test", response_model=TestSent, status_code=status.HTTP_202_ACCEPTED)
def send_test(channel_id: uuid.UUID, db_session: SessionDep, user: EngineerUser) -> TestSent:
    """Enqueue a test message (e-mail goes to the caller); follow it in the deliveries."""
    return TestSent(delivery_id=service.send_test(db_session=db_session, channel_id=channel_id, actor=user))


@router.get("/rules", response_model=list[RuleRead])
def list_rules(db_session: SessionDep, user: EngineerUser) -> list[RuleRead]:
    """Every rule."""
    return service.list_rules(db_session=db_session)


@router.post("/rules", response_model=RuleRead, status_code=status.HTTP_201_CREATED)
def create_rule(body: RuleCreate, db_session: SessionDep, user: EngineerUser) -> RuleRead:
    """Add a rule."""
    return service.create_rule(db_session=db_session, rule_in=body)


@router.put("/rules/{rule_id}", response_model=RuleRead)
def replace_rule(
    rule_id: uuid.UUID, body: RuleCreate, db_session: SessionDep, user: EngineerUser
) -> RuleRead:
    """Replace a rule."""
    return service.replace_rule(db_session=db_session, rule_id=rule_id, rule_in=body)


@router.delete("/rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_rule(rule_id: uuid.UUID, db_session: SessionDep, user: EngineerUser) -> None:
    """Remove a rule."""
    service.delete_rule(db_session=db_session, rule_id=rule_id)


@router.get("/deliveries", response_model=list[DeliveryRead])
def list_deliveries(
    db_session: SessionDep,
    user: EngineerUser,
    channel_id: uuid.UUID | None = None,
    ticket_id: uuid.UUID | None = None,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_DELIVERIES)] = 50,
) -> list[DeliveryRead]:
    """The newest deliveries with every try, for troubleshooting."""
    return service.list_deliveries(
        db_session=db_session, channel_id=channel_id, ticket_id=ticket_id, status=status, limit=limit
    )


@router.get("/preferences", response_model=list[PreferenceRead])
def my_preferences(db_session: SessionDep, user: CurrentUser) -> list[PreferenceRead]:
    """The channels that reach the caller personally, on or off."""
    return service.my_preferences(db_session=db_session, user=user)


@router.put("/preferences/{channel_id}", response_model=PreferenceRead)
def set_preference(
    channel_id: uuid.UUID, body: PreferenceUpdate, db_session: SessionDep, user: CurrentUser
) -> PreferenceRead:
    """Switch a channel on or off for oneself."""
    return service.set_preference(
        db_session=db_session, user=user, channel_id=channel_id, enabled=body.enabled
    )
