"""`create_app(settings)`: the FastAPI application, built from one settings object."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from spinewise import __version__
from spinewise.api import cds, fastpath, fhir, notes, ops, pages, rest
from spinewise.api.errors import validation_error_handler
from spinewise.api.limits import ContentTypes
from spinewise.assessor import Assessor
from spinewise.rulebook import Rulebook, default_rulebook
from spinewise.settings import Settings

__all__ = ["create_app"]

logger = logging.getLogger("spinewise.api")


def create_app(settings: Settings | None = None, rulebook: Rulebook | None = None) -> FastAPI:
    """The web page, the REST API and (later) CDS Hooks, on one rulebook and one decision log."""
    settings = settings or Settings()
    rulebook = rulebook or default_rulebook()
    rulebook.policy(settings.policy)  # an unknown default policy fails at start, not per request

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The decision log is opened per run of the app (uvicorn, a test client) and closed
        # when it stops.
        app.state.service = Assessor(settings, rulebook)
        # Everything loaded at start (rulebook, FHIR models, templates) lives as long as the
        # process: take it out of the garbage collector's scans, which shortens the pauses
        # that show in the latency tail.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            app.state.service.close()

    app = FastAPI(
        title="spinewise",
        version=__version__,
        summary="Clinical decision support for imaging in low back pain.",
        description=(
            "Red flags that mean image now and refer; conservative care only when every "
            f"red flag has been asked and is absent. Rulebook {rulebook.version}."
        ),
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
    )
    app.state.settings = settings
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.include_router(rest.build_router(rulebook, settings.policy))
    app.include_router(fhir.build_router(rulebook, settings.policy, settings.max_fhir_body_bytes))
    app.include_router(cds.build_router(settings))
    app.include_router(notes.build_router())
    app.include_router(pages.build_router(rulebook, settings.policy))
    app.mount("/static", StaticFiles(packages=[("spinewise.api", "static")]), name="static")
    # POST /api/v1/assess without FastAPI's parameter handling when the request is plain.
    if settings.lean_route:
        fastpath.install(app, frozenset(rulebook.policies), settings.policy)
    app.add_middleware(
        ContentTypes,
        accepted={
            "/api/v1/assess": ("application/json",),
            "/api/v1/assess/fhir": ("application/json", "application/fhir+json"),
            "/api/v1/extract": ("application/json",),
            "/note": ("application/x-www-form-urlencoded", "multipart/form-data"),
            "/cds-services/*": ("application/json",),
            "/": ("application/x-www-form-urlencoded", "multipart/form-data"),
        },
    )
    if settings.cds_auth == "off":
        logger.warning("SPINEWISE_CDS_AUTH=off: CDS Hooks calls are accepted without a token")
    elif not settings.cds_trusted_issuers:
        logger.warning("no SPINEWISE_CDS_TRUSTED_ISSUERS: every CDS Hooks call will be refused")
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Spinewise-Reference"],
        )
    # Last: readiness, metrics, the access log and the 503 for an unwritable decision log.
    ops.install(app, settings)
    return app
