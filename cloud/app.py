"""The HTTP API and dashboard server: ``create_app(settings)`` wires routers, auth, errors and resources."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from cloud.api.dashboard import mount_dashboard
from cloud.api.deps import get_current_user
from cloud.api.docs import mount_docs
from cloud.api.errors import install_error_handlers
from cloud.api.limits import BodySizeLimit
from cloud.auth.ratelimit import LoginLimiter
from cloud.auth.router import router as auth_router
from cloud.config import Settings
from cloud.db import make_engine, session_factory
from cloud.engine.router import router as policy_router
from cloud.gateways.router import router as gateways_router
from cloud.health.router import router as health_router
from cloud.kpis.router import router as kpis_router
from cloud.machines.router import areas_router, lines_router, sites_router
from cloud.machines.router import router as machines_router
from cloud.metrics import RequestMetrics, metrics_response
from cloud.notifications.router import router as notifications_router
from cloud.notify import MqttCommandPublisher
from cloud.pm.router import router as pm_router
from cloud.predictions.router import router as predictions_router
from cloud.registry.router import blobs_router as registry_blobs_router
from cloud.registry.router import router as registry_router
from cloud.stream.broadcaster import Broadcaster
from cloud.stream.feed import ChangeFeed
from cloud.stream.router import router as stream_router
from cloud.telemetry.router import router as telemetry_router
from cloud.text import refuse_nul_in_url
from cloud.tickets.router import router as tickets_router
from cloud.users.router import router as users_router
from cloud.workdone.router import ATTACHMENT_UPLOAD_PATH, notices_router, parts_router
from cloud.workdone.router import router as workdone_router
from cloud.workdone.storage import make_store

logger = logging.getLogger(__name__)

API_PREFIX = "/api"


def _api_router() -> APIRouter:
    api = APIRouter(prefix=API_PREFIX)
    # Open: the health check and the auth routes (login is open; the others check their own role).
    api.include_router(health_router)
    api.include_router(auth_router)
    api.include_router(stream_router)  # authenticates itself: the token may come as a query parameter
    # Agents fetch model artifacts by hash without an API token: the signed manifest is what they trust.
    api.include_router(registry_blobs_router)
    # Everything else needs a valid token, whether or not the route itself asks who the caller is.
    protected = APIRouter(dependencies=[Depends(get_current_user)])
    for router in (
        users_router,
        sites_router,
        lines_router,
        areas_router,
        machines_router,
        telemetry_router,
        predictions_router,
        tickets_router,
        workdone_router,
        parts_router,
        notices_router,
        pm_router,
        gateways_router,
        registry_router,
        policy_router,
        kpis_router,
        notifications_router,
    ):
        protected.include_router(router)
    api.include_router(protected)
    return api


def create_app(settings: Settings) -> FastAPI:
    """The API with its routers under /api, auth, problem+json errors and the dashboard at /."""
    signing_key = settings.signing_key()  # refuse to start without a real secret (outside the demo)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.resolved_database_url())
        commands = MqttCommandPublisher(settings).start()
        sessions = session_factory(engine)
        broadcaster = Broadcaster(ChangeFeed(sessions), settings.stream_poll_s)
        app.state.settings = settings
        app.state.signing_key = signing_key
        app.state.session_factory = sessions
        app.state.commands = commands
        app.state.login_limiter = LoginLimiter(
            per_account=settings.login_max_failures_per_account,
            per_ip=settings.login_max_failures_per_ip,
            window_s=settings.login_window_s,
        )
        app.state.broadcaster = broadcaster
        app.state.blobs = make_store(settings)
        broadcaster.start()
        logger.info("API ready; dashboard from %s", settings.dashboard_dir)
        try:
            yield
        finally:
            await broadcaster.stop()
            commands.stop()
            engine.dispose()

    # Path and query strings reach SQL as text too; PostgreSQL cannot take NUL, so refuse it up front.
    app = FastAPI(
        title="MaintainX",
        version="2",
        lifespan=lifespan,
        dependencies=[Depends(refuse_nul_in_url)],
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(_api_router())
    # Prometheus scrapes the API directly; the reverse proxy does not pass /metrics on.
    app.add_api_route("/metrics", metrics_response, methods=["GET"], include_in_schema=False)
    app.add_middleware(RequestMetrics)
    mount_docs(app)  # before the dashboard, whose mount at / would answer /docs with the SPA
    mount_dashboard(app, settings.dashboard_dir)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type"],
        )
    # Added last, so it runs first: an oversized body is refused before anything reads it.
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        path_limits=[(ATTACHMENT_UPLOAD_PATH, settings.attachment_max_bytes)],
    )
    return app
