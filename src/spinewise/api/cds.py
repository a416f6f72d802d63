"""CDS Hooks 2.0 endpoints: discovery, the service, and feedback; every call signed."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from spinewise import metrics
from spinewise.api.deps import AssessorDep
from spinewise.cds.auth import TokenVerifier, Unauthorized
from spinewise.cds.hooks import SERVICE_ID, PrefetchFailed, discovery, rate_orders
from spinewise.cds.messages import CdsRequest, FeedbackRequest
from spinewise.settings import Settings

__all__ = ["build_router"]


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A model's JSON schema with its `$defs` written in place (for `openapi_extra`)."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def _body(model: type[Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline(model.model_json_schema())}},
        }
    }


RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Not a valid CDS Hooks request"},
    401: {"description": "No valid signed JWT (no detail is given)"},
    413: {"description": "Request body over the size limit"},
    415: {"description": "Content type other than application/json"},
}


def _error(status: int, message: str | None = None) -> JSONResponse:
    return JSONResponse({"detail": message} if message else {}, status_code=status)


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["cds-hooks"])
    verifier = TokenVerifier(settings.cds_trusted_issuers)
    feedback_lock = asyncio.Lock()

    def called_url(request: Request) -> str:
        # `aud` must be exactly the URL called; behind a proxy the public base URL says it.
        if settings.public_url:
            return settings.public_url.rstrip("/") + request.url.path
        return str(request.url.replace(query=""))

    def base_url(request: Request) -> str:
        return (settings.public_url or str(request.base_url)).rstrip("/")

    async def authorised(request: Request) -> bool:
        if settings.cds_auth == "off":
            return True
        try:
            await run_in_threadpool(
                verifier.verify, request.headers.get("authorization"), called_url(request)
            )
        except Unauthorized:
            return False
        return True

    async def body(request: Request) -> Any:
        try:
            return json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return None

    @router.get("/cds-services", summary="CDS Hooks discovery")
    async def cds_discovery() -> dict[str, Any]:
        return discovery()

    @router.post(
        f"/cds-services/{SERVICE_ID}",
        summary="Rate lumbar spine imaging orders",
        max_body_size=settings.max_fhir_body_bytes,
        openapi_extra=_body(CdsRequest),
        responses={**RESPONSES, 412: {"description": "The FHIR server could not be queried"}},
    )
    async def cds_call(request: Request, service: AssessorDep) -> Response:
        if not await authorised(request):
            return _error(401)
        data = await body(request)
        try:
            call = CdsRequest.model_validate(data)
        except ValidationError as exc:
            fields = "; ".join(".".join(map(str, e["loc"])) + ": " + e["msg"] for e in exc.errors())
            return _error(400, f"not a CDS Hooks request: {fields}")
        try:
            response, _ = await rate_orders(
                call,
                service,
                base_url=base_url(request),
                sandbox_compat=settings.cds_sandbox_compat,
            )
        except PrefetchFailed:
            return _error(412, "the FHIR server could not be queried for the record")
        metrics.cds_cards(call.hook, response.get("cards", []))
        return JSONResponse(response)

    @router.post(
        f"/cds-services/{SERVICE_ID}/feedback",
        summary="Outcome of a card",
        openapi_extra=_body(FeedbackRequest),
        responses=RESPONSES,
    )
    async def cds_feedback(request: Request, service: AssessorDep) -> Response:
        if not await authorised(request):
            return _error(401)
        try:
            feedback = FeedbackRequest.model_validate(await body(request))
        except ValidationError as exc:
            fields = "; ".join(".".join(map(str, e["loc"])) + ": " + e["msg"] for e in exc.errors())
            return _error(400, f"not CDS Hooks feedback: {fields}")
        async with feedback_lock:  # idempotent per card and outcome, even when sent twice
            for item in feedback.feedback:
                key = f"{item.card}:{item.outcome}"
                if service.log.find("feedback", key) is not None:
                    continue
                details = item.model_dump(mode="json", exclude_none=True) | {"key": key}
                await asyncio.wrap_future(
                    service.log.submit(kind="feedback", channel="cds-hooks", details=details)
                )
                metrics.cds_feedback(item.outcome)
        return JSONResponse({})

    return router
