"""CDS Hooks 2.0 endpoints: discovery, one service per hook, and feedback; every call signed.

The token's audience is the URL called under `SPINEWISE_PUBLIC_URL`, never derived from the
request's `Host`. A `fhirServer` is queried only when it is allow-listed for the token's issuer.
Nothing here logs a patient id, a token or a record: errors name fields and hosts only.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from spinewise.api.deps import AssessorDep
from spinewise.api.ehr import EhrRuntime
from spinewise.api.errors import field_errors
from spinewise.api.fhir import operation_outcome
from spinewise.cds.auth import TokenVerifier, Unauthorized
from spinewise.cds.hooks import (
    HOOKS,
    SERVICES,
    BadRequest,
    CallContext,
    PrefetchFailed,
    discovery,
    rate_orders,
)
from spinewise.cds.messages import CdsRequest, FeedbackRequest, Link
from spinewise.fhir.intake import FhirInputError, Intake, Problem
from spinewise.model import Assessment
from spinewise.outbound import base_url, parse_json
from spinewise.settings import Settings

__all__ = ["build_router"]

logger = logging.getLogger("spinewise.cds")


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
    400: {"description": "Not a valid CDS Hooks request (the field is named)"},
    401: {"description": "No valid signed JWT (no detail is given; see WWW-Authenticate)"},
    404: {"description": "No such service"},
    413: {"description": "Request body over the size limit"},
    415: {"description": "Content type other than application/json"},
    431: {"description": "Request headers (or the Authorization header) too large"},
}
CALL_RESPONSES: dict[int | str, dict[str, Any]] = {
    **RESPONSES,
    412: {"description": "Prefetch missing and the FHIR server could not (or may not) be queried"},
    422: {"description": "Malformed prefetch or draft order: an OperationOutcome naming it"},
}
REALM = 'Bearer realm="spinewise CDS Hooks"'


def _error(status: int, message: str | None = None) -> JSONResponse:
    return JSONResponse({"detail": message} if message else {}, status_code=status)


def _unauthorized(had_token: bool) -> JSONResponse:
    # RFC 6750: a bare challenge without a token, `invalid_token` with one; no other detail.
    challenge = REALM + (', error="invalid_token"' if had_token else "")
    return JSONResponse({}, status_code=401, headers={"WWW-Authenticate": challenge})


def _allowed_servers(settings: Settings, iss: str | None) -> set[str]:
    """The FHIR base URLs a call's `fhirServer` may name: its issuer's list (with auth off, any
    trusted issuer's), https only unless development allows http."""
    issuers = [iss] if iss is not None else list(settings.cds_trusted_issuers)
    servers = set()
    for name in issuers:
        trusted = settings.trusted_issuer(name)
        for url in trusted.fhir if trusted else []:
            if url.startswith("https://") or settings.dev_allow_http:
                servers.add(base_url(url))
    return servers


def build_router(settings: Settings, runtime: EhrRuntime) -> APIRouter:
    router = APIRouter(tags=["cds-hooks"])
    verifier = TokenVerifier(settings, runtime.replay, runtime.http)
    feedback_lock = asyncio.Lock()
    public = (settings.public_url or "").rstrip("/")

    async def authorised(request: Request) -> tuple[bool, str | None]:
        """(accepted, the token's issuer)."""
        if settings.cds_auth == "off":
            return True, None
        header = request.headers.get("authorization")
        try:
            if not public:
                raise Unauthorized("SPINEWISE_PUBLIC_URL is not set: no audience to check")
            claims = await verifier.verify(header, public + request.url.path)
        except Unauthorized:
            return False, None
        return True, str(claims["iss"])

    def page_link(request: Request) -> Any:
        origin = public or str(request.base_url).rstrip("/")
        words = request.app.state.service.rulebook.cds_cards.links

        def link(policy: str, found: Intake, assessment: Assessment) -> Link:
            if settings.smart_clients:
                context = {"assessment": assessment.assessment_id, "policy": policy}
                return Link(
                    label=words.page,
                    url=f"{origin}/smart/launch",
                    type="smart",
                    appContext=json.dumps(context),
                )
            params: dict[str, str] = {"policy": policy}
            if found.age is not None:
                params["age"] = f"{found.age:g}"
            params |= {fid: "yes" if value else "no" for fid, value in found.findings.items()}
            return Link(label=words.page, url=f"{origin}/?{urlencode(params)}", type="absolute")

        return link

    async def body(request: Request) -> Any:
        try:
            return parse_json(await request.body())
        except ValueError:
            return _NOT_JSON

    @router.get("/cds-services", summary="CDS Hooks discovery")
    async def cds_discovery() -> dict[str, Any]:
        return discovery()

    @router.post(
        "/cds-services/{service_id}",
        summary="Rate lumbar spine imaging orders (order-sign or order-select)",
        max_body_size=settings.max_fhir_body_bytes,
        openapi_extra=_body(CdsRequest),
        responses=CALL_RESPONSES,
    )
    async def cds_call(service_id: str, request: Request, service: AssessorDep) -> Response:
        if service_id not in SERVICES:
            return _error(404, f"no CDS service {service_id!r}")
        accepted, iss = await authorised(request)
        if not accepted:
            return _unauthorized("authorization" in request.headers)
        data = await body(request)
        if data is _NOT_JSON:
            return _error(400, "not valid JSON (or nested more than 200 levels deep)")
        try:
            call = CdsRequest.model_validate(data)
        except ValidationError as exc:
            fields = "; ".join(f"{p['field']}: {p['message']}" for p in field_errors(exc.errors()))
            return _error(400, f"not a CDS Hooks request: {fields}")
        if call.hook not in HOOKS:
            return JSONResponse({"cards": []})  # not an ordering hook: nothing to say
        if call.hook != SERVICES[service_id]:
            # The service's id says which ordering hook this is: the public CDS Hooks sandbox
            # labels every call with the hook of its current screen, whichever service it calls.
            call = call.model_copy(update={"hook": SERVICES[service_id]})
        allowed = call.fhirServer is not None and base_url(call.fhirServer) in _allowed_servers(
            settings, iss
        )
        context = CallContext(
            base_url=public or str(request.base_url).rstrip("/"),
            page_link=page_link(request),
            fhir_allowed=allowed,
            http=runtime.http(),
            limits=runtime.limits,
            sandbox_compat=settings.cds_sandbox_compat,
        )
        try:
            response, _ = await rate_orders(call, service, context)
        except BadRequest as exc:
            return _error(400, str(exc))
        except PrefetchFailed as exc:
            logger.warning("CDS Hooks prefetch failed: %s", exc)
            return operation_outcome(
                [Problem("prefetch", "fhirServer", f"could not be queried: {exc}")], status=412
            )
        except FhirInputError as exc:
            return operation_outcome(exc.problems)
        except ValidationError as exc:
            problems = [
                Problem("(record)", p["field"], p["message"]) for p in field_errors(exc.errors())
            ]
            return operation_outcome(problems)
        return JSONResponse(response)

    @router.post(
        "/cds-services/{service_id}/feedback",
        summary="Outcome of a card",
        openapi_extra=_body(FeedbackRequest),
        responses=RESPONSES,
    )
    async def cds_feedback(service_id: str, request: Request, service: AssessorDep) -> Response:
        if service_id not in SERVICES:
            return _error(404, f"no CDS service {service_id!r}")
        accepted, _ = await authorised(request)
        if not accepted:
            return _unauthorized("authorization" in request.headers)
        data = await body(request)
        if data is _NOT_JSON:
            return _error(400, "not valid JSON (or nested more than 200 levels deep)")
        try:
            feedback = FeedbackRequest.model_validate(data)
        except ValidationError as exc:
            fields = "; ".join(f"{p['field']}: {p['message']}" for p in field_errors(exc.errors()))
            return _error(400, f"not CDS Hooks feedback: {fields}")
        async with feedback_lock:  # idempotent per card and outcome, even when sent twice
            for item in feedback.feedback:
                key = f"{item.card}:{item.outcome}"
                if service.log.find("feedback", key) is not None:
                    continue
                details = item.stored(comments=settings.cds_feedback_comments) | {"key": key}
                await asyncio.wrap_future(
                    service.log.submit(kind="feedback", channel="cds-hooks", details=details)
                )
        return JSONResponse({})

    return router


_NOT_JSON = object()
