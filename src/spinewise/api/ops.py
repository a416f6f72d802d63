"""What operators need: `GET /readyz` (the decision log can be written), `GET /metrics`
(Prometheus), request metrics and the JSON access log, and a 503, never a 500, when the
decision log cannot record an assessment."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from spinewise import metrics
from spinewise.api.deps import AssessorDep
from spinewise.api.observe import Observe, json_access_log
from spinewise.decision_log import LogError
from spinewise.settings import Settings

__all__ = ["install", "log_unavailable"]

logger = logging.getLogger("spinewise.api")

#: Seconds a client is asked to wait before trying again when the log is unavailable.
RETRY_AFTER = "5"


def install(app: FastAPI, settings: Settings) -> Callable[[ASGIApp], ASGIApp]:
    """Add the routes and the 503 handler; returns the wrapper that counts, times and logs
    every request, to go outermost (outside FastAPI's own middleware too)."""
    app.include_router(_router(settings))
    app.add_exception_handler(LogError, _log_unavailable)
    access_log = json_access_log() if settings.access_log == "json" else None
    return functools.partial(Observe, routes=app.router.routes, access_log=access_log)


def _router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get(
        "/readyz",
        summary="Readiness: the decision log can be written now",
        responses={503: {"description": "The decision log cannot be written"}},
    )
    async def readyz(service: AssessorDep) -> JSONResponse:
        try:
            await run_in_threadpool(service.log.check_writable)
        except LogError as exc:
            logger.warning("not ready: %s", exc)
            return JSONResponse(
                {"status": "unavailable", "detail": "the decision log cannot be written"},
                status_code=503,
                headers={"Retry-After": RETRY_AFTER},
            )
        return JSONResponse({"status": "ready"})

    if settings.metrics:

        @router.get("/metrics", include_in_schema=False)
        async def metrics_endpoint() -> Response:
            return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

    return router


def log_unavailable(exc: Exception) -> JSONResponse:
    """Log why the decision log could not record an assessment, and the answer to give."""
    # The message names the log (a path, or a URL without its password) and the database's
    # error; nothing of the request.
    logger.error("%s", exc)
    return JSONResponse(
        {"detail": "the decision log is unavailable: nothing was recorded; try again"},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER},
    )


async def _log_unavailable(request: Request, exc: Exception) -> JSONResponse:
    return log_unavailable(exc)
