"""FastAPI dependencies: the settings, a database session per request and the command sink, as aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from cloud.config import Settings
from cloud.notify import CommandSink


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session for one request; rolled back if the request fails before it commits."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        yield session


def get_commands(request: Request) -> CommandSink:
    """Where commands for gateways go."""
    commands: CommandSink = request.app.state.commands
    return commands


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
CommandsDep = Annotated[CommandSink, Depends(get_commands)]
