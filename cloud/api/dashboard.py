"""Serving the built dashboard: its files at /, and index.html for client-side routes (SPA fallback)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

NOT_BUILT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MaintainX</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>MaintainX</h1>
<p>The API is running, but the dashboard has not been built. Build it with <code>make dashboard</code>
(or <code>cd dashboard &amp;&amp; npm ci &amp;&amp; npm run build</code>) and reload this page.</p>
<p>The API itself is at <a href="/api/health">/api/health</a>; its schema at <a href="/docs">/docs</a>.</p>
</body></html>
"""


def _refuse_api_path(path: str) -> None:
    """An /api path no route serves is a problem+json 404, never the dashboard's index.html."""
    if path == "api" or path.startswith("api/"):
        raise HTTPException(404, f"there is no API endpoint at /{path}")


class SpaStaticFiles(StaticFiles):
    """Static files that answer index.html for any path that is not a file (a client-side route)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file at ``path``, or index.html when there is none."""
        if scope["method"] in ("GET", "HEAD"):  # other methods get StaticFiles' 405
            _refuse_api_path(path)
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            return await super().get_response("index.html", scope)


def mount_dashboard(app: FastAPI, dashboard_dir: Path) -> None:
    """Serve ``dashboard_dir`` at /; without a build there, a page saying how to build it."""
    if (dashboard_dir / "index.html").is_file():
        app.mount("/", SpaStaticFiles(directory=dashboard_dir, html=True), name="dashboard")
        return

    @app.get("/{path:path}", include_in_schema=False)
    def dashboard_not_built(path: str) -> HTMLResponse:
        """Tell whoever opens the dashboard how to build it."""
        _refuse_api_path(path)
        return HTMLResponse(NOT_BUILT_PAGE)
