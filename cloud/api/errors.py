"""RFC 9457 problem+json for every error the API returns, and the mapping from service errors to statuses."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cloud.auth.errors import NotAuthenticatedError, PermissionDeniedError, TooManyAttemptsError
from cloud.errors import ConflictError, InvalidRequestError, NotFoundError

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

_STATUS_OF: dict[type[Exception], int] = {
    NotFoundError: 404,
    ConflictError: 409,
    InvalidRequestError: 422,
    NotAuthenticatedError: 401,
    PermissionDeniedError: 403,
    TooManyAttemptsError: 429,
}


def problem(status: int, detail: str | None = None, **extra: Any) -> JSONResponse:
    """A problem+json response with the standard title of ``status``."""
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(err["loc"]), "msg": err["msg"]} for err in exc.errors()]
    where = ", ".join(".".join(str(p) for p in e["loc"]) + ": " + e["msg"] for e in errors)
    return problem(422, f"invalid request: {where}", errors=errors)


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    status = next(code for kind, code in _STATUS_OF.items() if isinstance(exc, kind))
    extra: dict[str, Any] = (
        {"errors": [{"loc": list(exc.loc), "msg": str(exc)}]} if isinstance(exc, InvalidRequestError) else {}
    )
    if isinstance(exc, TooManyAttemptsError):
        extra = {"retry_after": exc.retry_after_s}
    response = problem(status, str(exc), **extra)
    if isinstance(exc, NotAuthenticatedError):
        response.headers["WWW-Authenticate"] = "Bearer"
    elif isinstance(exc, TooManyAttemptsError):
        response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = problem(exc.status_code, exc.detail if isinstance(exc.detail, str) else None)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The details go to the log, never to the client: they can name tables, hosts or file paths.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, "the server hit an unexpected error; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error the app returns a problem+json document."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for kind in _STATUS_OF:
        app.add_exception_handler(kind, _service_error)
    app.add_exception_handler(Exception, _unexpected_error)
