"""SMART App Launch 2.x endpoints: `GET /smart/launch` (EHR launch, or standalone without
`launch`), `GET /smart/callback`, and `GET /smart/patient`, the clinician's page pre-filled from
the chart with the evidence beside each answer. Nothing is assessed until the clinician presses
Assess (the page's ordinary form). Tokens stay in the server-side session; the browser holds an
HttpOnly, SameSite cookie with a random session id, valid for `SPINEWISE_SMART_SESSION_MINUTES`.
"""

from __future__ import annotations

import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from spinewise.api.ehr import EhrRuntime
from spinewise.api.pages import SETTINGS, question_groups, templates
from spinewise.fhir.intake import FhirInputError
from spinewise.outbound import OutboundError
from spinewise.rulebook import Rulebook
from spinewise.settings import Settings
from spinewise.smart.chart import read_chart
from spinewise.smart.launch import (
    SmartConfiguration,
    SmartError,
    authorization_url,
    client_for,
    discover,
    exchange,
)

__all__ = ["COOKIE", "build_router"]

# Only outcomes and reasons are logged here: never a token, a code, a patient id or a name.
logger = logging.getLogger("spinewise.smart")

COOKIE = "spinewise_smart"
#: The scope of a standalone launch (no `launch` from an EHR): ask for the patient to be chosen.
STANDALONE_SCOPE = "launch/patient openid fhirUser patient/*.rs"


def build_router(settings: Settings, runtime: EhrRuntime, rulebook: Rulebook) -> APIRouter:
    # Browser endpoints (HTML and redirects), like the page: not part of the JSON API schema.
    router = APIRouter(prefix="/smart", include_in_schema=False)
    public = (settings.public_url or "").rstrip("/")
    redirect_uri = f"{public}/smart/callback"
    secure = public.startswith("https://")

    def message(request: Request, status: int, text: str) -> HTMLResponse:
        return templates.TemplateResponse(
            request, "message.html", {"text": text, "link": "/", "rb": rulebook}, status_code=status
        )

    def with_cookie(response: Response, session_id: str) -> Response:
        response.set_cookie(
            COOKIE,
            session_id,
            max_age=settings.smart_session_minutes * 60,
            path="/smart",
            httponly=True,
            secure=secure or settings.smart_cookie_samesite == "none",
            samesite=settings.smart_cookie_samesite,
        )
        return response

    @router.get("/launch", summary="SMART App Launch: start (EHR launch with iss and launch)")
    async def launch(request: Request, iss: str = "", launch: str | None = None) -> Response:
        registered = client_for(settings, iss) if iss else None
        if registered is None:
            # No outbound call for an issuer nobody registered.
            return message(
                request, 400,
                "This EHR is not registered with spinewise (unknown iss). Ask the administrator "
                "to add its FHIR base URL to SPINEWISE_SMART_CLIENTS.",
            )  # fmt: skip
        name, client = registered
        try:
            config = await discover(runtime.http(), name, settings, runtime.limits)
        except SmartError as exc:
            logger.warning("SMART launch failed: %s", exc)
            return message(request, 502, f"The launch could not start: {exc}.")
        scope = client.scope or (settings.smart_scope if launch else STANDALONE_SCOPE)
        url, state, verifier = authorization_url(
            config, client, redirect_uri=redirect_uri, scope=scope, launch=launch,
            limits=runtime.limits,
        )  # fmt: skip
        session_id = runtime.sessions.create(
            {
                "stage": "authorizing",
                "iss": name,
                "authorization_endpoint": config.authorization_endpoint,
                "token_endpoint": config.token_endpoint,
                "scope": scope,
                "state": state,
                "verifier": verifier,
            }
        )
        return with_cookie(RedirectResponse(url, status_code=302), session_id)

    @router.get("/callback", summary="SMART App Launch: the authorization server's redirect")
    async def callback(
        request: Request,
        code: str | None = None,
        state: str | None = None,
        error: str | None = None,
    ) -> Response:
        session_id = request.cookies.get(COOKIE)
        session = runtime.sessions.get(session_id)
        if session is None or session_id is None or session.get("stage") != "authorizing":
            return message(request, 400, "No launch in progress (or it expired): launch again.")
        if not state or not hmac.compare_digest(str(session["state"]), state):
            return message(request, 400, "The launch's state does not match: launch again.")
        if error or not code:
            runtime.sessions.delete(session_id)
            reason = (error or "no code")[:64]
            return message(request, 400, f"The EHR did not authorize spinewise ({reason}).")
        registered = client_for(settings, str(session["iss"]))
        if registered is None:
            return message(request, 400, "This EHR is no longer registered with spinewise.")
        config = SmartConfiguration(
            str(session["iss"]), str(session["authorization_endpoint"]),
            str(session["token_endpoint"]),
        )  # fmt: skip
        try:
            token = await exchange(
                config, registered[1], code=code, redirect_uri=redirect_uri,
                scope=str(session["scope"]), verifier=str(session["verifier"]),
                limits=runtime.limits,
            )  # fmt: skip
        except SmartError as exc:
            runtime.sessions.delete(session_id)
            logger.warning("SMART token exchange failed: %s", exc)
            return message(request, 502, f"The launch could not finish: {exc}.")
        patient = token.get("patient")
        if str(token.get("token_type", "")).lower() != "bearer" or not token.get("access_token"):
            runtime.sessions.delete(session_id)
            return message(request, 502, "The EHR's token response has no bearer access token.")
        if not isinstance(patient, str) or not patient:
            runtime.sessions.delete(session_id)
            return message(request, 400, "The launch gave no patient: launch from a chart.")
        runtime.sessions.update(
            session_id,
            {
                "stage": "ready",
                "iss": session["iss"],
                "access_token": token["access_token"],
                "patient": patient,
                "need_patient_banner": bool(token.get("need_patient_banner", True)),
                "app_context": str(token.get("appContext") or "")[:512],
            },
        )
        logger.info("SMART launch authorized")
        # 303: the code and state leave the address bar and the history.
        return RedirectResponse("/smart/patient", status_code=303)

    @router.get(
        "/patient", response_class=HTMLResponse, summary="The page, pre-filled from the chart"
    )
    async def patient_page(request: Request) -> Response:
        session = runtime.sessions.get(request.cookies.get(COOKIE))
        if session is None or session.get("stage") != "ready":
            return message(
                request, 401, "No SMART session (or it expired): launch again from the EHR."
            )
        try:
            chart = await read_chart(
                rulebook, runtime.http(), fhir_base=str(session["iss"]),
                access_token=str(session["access_token"]), patient=str(session["patient"]),
                as_of=datetime.now(UTC).date(), limits=runtime.limits,
            )  # fmt: skip
        except OutboundError as exc:
            logger.warning("SMART chart read failed: %s", exc)
            return message(request, 502, f"The chart could not be read: {exc}.")
        except (FhirInputError, ValidationError) as exc:
            text = str(exc).splitlines()[0][:300]
            return message(request, 422, f"The chart has a record spinewise cannot read: {text}")
        # A launch from a CDS card carries the card's appContext: its policy, if known.
        policy = rulebook.policies[_policy_of(str(session.get("app_context") or ""), settings)]
        context: dict[str, Any] = {
            "note": None,
            "rb": rulebook,
            "policy": policy,
            "policies": rulebook.policies,
            "groups": question_groups(rulebook, policy),
            "answers": chart.answers,
            "settings": SETTINGS,
            "result": None,
            "other": None,
            "problems": [],
            "unanswered": set(),
            "chart": chart,
            "show_patient": bool(session.get("need_patient_banner", True)),
        }
        return templates.TemplateResponse(request, "index.html", context)

    def _policy_of(app_context: str, settings: Settings) -> str:
        try:
            wanted = json.loads(app_context).get("policy") if app_context else None
        except (ValueError, AttributeError):
            wanted = None
        return (
            wanted if isinstance(wanted, str) and wanted in rulebook.policies else settings.policy
        )

    return router
