"""`create_app(settings)`: the FastAPI application, built from one settings object."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from spinewise import __version__
from spinewise.api import cds, fastpath, fhir, notes, ops, pages, rest, smart
from spinewise.api.ehr import EhrRuntime
from spinewise.api.errors import validation_error_handler
from spinewise.api.limits import ContentTypes, HeaderLimits
from spinewise.assessor import Assessor
from spinewise.rulebook import Rulebook, default_rulebook
from spinewise.settings import Settings

__all__ = ["App", "ConfigurationError", "create_app"]

logger = logging.getLogger("spinewise.api")


class App(FastAPI):
    """FastAPI with wrappers outside its own middleware stack (`outer`, innermost first): the
    request metrics, which then time everything, and the lean path for plain assessments,
    which then skips the stack (fastpath.py)."""

    outer: list[Callable[[ASGIApp], ASGIApp]]

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for wrap in getattr(self, "outer", []):
            app = wrap(app)
        return app


class ConfigurationError(ValueError):
    """Settings that cannot work together; the message is one line naming the setting."""


def check_settings(settings: Settings) -> None:
    """Fail at start, not per request: the CDS Hooks audience and the SMART redirect URI are
    the public URL, never guessed from a request's `Host`."""
    if settings.cds_auth == "on" and settings.cds_trusted_issuers and not settings.public_url:
        raise ConfigurationError(
            "SPINEWISE_PUBLIC_URL is required when CDS Hooks auth is on (it is the `aud` every "
            "token must carry)"
        )
    if settings.smart_clients and not settings.public_url:
        raise ConfigurationError(
            "SPINEWISE_PUBLIC_URL is required with SPINEWISE_SMART_CLIENTS (the redirect URI "
            "is under it)"
        )
    insecure = [
        url
        for url in [*settings.smart_clients, settings.public_url or ""]
        if url.startswith("http://") and not settings.dev_allow_http
    ]
    if settings.smart_clients and insecure:
        raise ConfigurationError(
            f"SPINEWISE_SMART_CLIENTS: {insecure[0]} is not https (set "
            "SPINEWISE_DEV_ALLOW_HTTP=true for loopback testing only)"
        )


def create_app(settings: Settings | None = None, rulebook: Rulebook | None = None) -> FastAPI:
    """The web page, the REST API, CDS Hooks and the SMART launch, on one rulebook and one
    decision log. Raises `ConfigurationError` for settings that cannot work."""
    settings = settings or Settings()
    rulebook = rulebook or default_rulebook()
    rulebook.policy(settings.policy)  # an unknown default policy fails at start, not per request
    check_settings(settings)
    runtime = EhrRuntime(settings)

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
            await runtime.aclose()
            app.state.service.close()

    app = App(
        title="spinewise",
        version=__version__,
        summary="Clinical decision support for imaging in low back pain.",
        description=(
            "Red flags that mean image now and refer; conservative care only when every "
            f"red flag has been asked and is absent. Rulebook {rulebook.version}."
        ),
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
        # Served below from the app's own files: /docs and /redoc work offline (no CDN).
        docs_url=None,
        redoc_url=None,
        # Our metrics are Prometheus' (/metrics). FastAPI's OpenTelemetry, off: it asked the
        # environment for a tracer provider on every request (3% of the server's CPU).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.ehr = runtime
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.include_router(rest.build_router(rulebook, settings.policy))
    app.include_router(fhir.build_router(rulebook, settings.policy, settings.max_fhir_body_bytes))
    app.include_router(cds.build_router(settings, runtime))
    app.include_router(smart.build_router(settings, runtime, rulebook))
    app.include_router(notes.build_router())
    app.include_router(pages.build_router(rulebook, settings.policy))
    app.mount("/static", StaticFiles(packages=[("spinewise.api", "static")]), name="static")
    _offline_docs(app)
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
    app.add_middleware(HeaderLimits, max_bytes=settings.max_header_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Spinewise-Reference"],
        )
    # Last: readiness, metrics, the access log and the 503 for an unwritable decision log.
    observe = ops.install(app, settings)
    # POST /api/v1/assess past FastAPI's stack when the request is plain; inside the metrics.
    lean = settings.lean_route and fastpath.install(
        app,
        frozenset(rulebook.policies),
        settings.policy,
        max_body_bytes=settings.max_body_bytes,
        max_header_bytes=settings.max_header_bytes,
        cors=bool(settings.cors_origins),
        unavailable=ops.log_unavailable,
    )
    app.outer = [lean, observe] if lean else [observe]
    return app


def _offline_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc from the assets of `fastapi-offline` (a dependency), not a CDN."""
    app.mount(
        "/docs-static", StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-static"
    )

    @app.get("/docs", include_in_schema=False)
    async def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title}: API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title=f"{app.title}: API",
            redoc_js_url="/docs-static/redoc.standalone.js",
            redoc_favicon_url="/docs-static/favicon.png",
            with_google_fonts=False,
        )
