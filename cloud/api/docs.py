"""The API's documentation page (/docs, Swagger UI) with every asset served by us, so it works offline.

FastAPI's own pages load Swagger UI and ReDoc from a CDN: on a plant network without Internet access they
stay blank. Swagger UI's files come from the ``fastapi-offline`` wheel (Swagger UI 5, which reads OpenAPI
3.1) and are mounted under :data:`ASSETS_URL`. No ReDoc page: its sidebar loads a logo from Redocly's CDN.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs-assets"
DOCS_URL = "/docs"
# Swagger UI otherwise sends the schema to validator.swagger.io for a badge: nothing may leave the plant.
SWAGGER_PARAMETERS = {"validatorUrl": None}


def mount_docs(app: FastAPI) -> None:
    """Serve Swagger UI at /docs from local assets (the app is created with docs off)."""
    if app.docs_url or app.redoc_url:
        raise ValueError(
            "create the FastAPI app with docs_url=None and redoc_url=None; mount_docs serves them"
        )
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        """Swagger UI for the API's schema."""
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} API",
            oauth2_redirect_url=oauth2_redirect,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        """Swagger UI's OAuth2 redirect page."""
        return get_swagger_ui_oauth2_redirect_html()
