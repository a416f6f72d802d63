"""What operators need: `GET /readyz` (the decision log can be written), `GET /metrics`
(Prometheus), request metrics and the JSON access log, and a 503, never a 500, when the
decision log cannot record an assessment."""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from spinewise import metrics
from spinewise.api.deps import AssessorDep
from spinewise.api.observe import Observe, json_access_log
from spinewise.decision_log import LogError
from spinewise.settings import Settings

__all__ = ["install"]

logger = logging.getLogger("spinewise.api")

#: Seconds a client is asked to wait before trying again when the log is unavailable.
RETRY_AFTER = "5"


def install(app: FastAPI, settings: Settings) -> None:
    """Add the routes, the 503 handler and (outermost, so that it times everything) the
    request middleware. Call last in `create_app`."""
    app.include_router(_router(settings))
    app.add_exception_handler(LogError, _log_unavailable)
    access_log = json_access_log() if settings.access_log == "json" else None
    app.add_middleware(Observe, routes=app.router.routes, access_log=access_log)


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


async def _log_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # The message names the log (a path, or a URL without its password) and the database's
    # error; nothing of the request.
    logger.error("%s", exc)
    return JSONResponse(
        {"detail": "the decision log is unavailable: nothing was recorded; try again"},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER},
    )
