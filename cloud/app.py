"""The HTTP API and dashboard server: ``create_app(settings)`` wires routers, errors and resources."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from cloud.api.dashboard import mount_dashboard
from cloud.api.errors import install_error_handlers
from cloud.config import Settings
from cloud.db import make_engine, session_factory
from cloud.gateways.router import router as gateways_router
from cloud.health.router import router as health_router
from cloud.machines.router import router as machines_router
from cloud.notify import MqttCommandPublisher
from cloud.predictions.router import router as predictions_router
from cloud.telemetry.router import router as telemetry_router
from cloud.tickets.router import router as tickets_router

logger = logging.getLogger(__name__)

API_PREFIX = "/api"


def _api_router() -> APIRouter:
    api = APIRouter(prefix=API_PREFIX)
    for router in (
        health_router,
        machines_router,
        telemetry_router,
        predictions_router,
        tickets_router,
        gateways_router,
    ):
        api.include_router(router)
    return api


def create_app(settings: Settings) -> FastAPI:
    """The API with its routers under /api, problem+json errors and the dashboard at /."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.resolved_database_url())
        commands = MqttCommandPublisher(settings).start()
        app.state.settings = settings
        app.state.session_factory = session_factory(engine)
        app.state.commands = commands
        logger.info("API ready; dashboard from %s", settings.dashboard_dir)
        try:
            yield
        finally:
            commands.stop()
            engine.dispose()

    app = FastAPI(title="MaintainX", version="1", lifespan=lifespan)
    install_error_handlers(app)
    app.include_router(_api_router())
    mount_dashboard(app, settings.dashboard_dir)
    return app
