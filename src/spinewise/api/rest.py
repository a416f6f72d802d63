"""REST API (CONTRACT.md §6): thin translation between HTTP and the service."""

# No `from __future__ import annotations`: FastAPI must see the policy enum built below.
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from spinewise.api.deps import AssessorDep
from spinewise.api.errors import field_errors
from spinewise.handout import handout_for
from spinewise.model import Assessment, Presentation
from spinewise.rulebook import Rulebook

__all__ = ["build_router"]

EXAMPLES = {
    "history of cancer": {
        "summary": "62-year-old with a history of cancer",
        "value": {"age": 62, "setting": "primary_care", "findings": {"history_of_cancer": True}},
    },
    "saddle anaesthesia": {
        "summary": "Saddle anaesthesia: an emergency",
        "value": {"age": 40, "findings": {"saddle_anesthesia": True, "fever": False}},
    },
    "nothing asked": {
        "summary": "Nothing asked yet: incomplete, listing every question",
        "value": {"findings": {}},
    },
}


def build_router(rulebook: Rulebook, default_policy: str) -> APIRouter:
    router = APIRouter()
    # The policy ids are the rulebook's, so OpenAPI lists them and anything else is a 422.
    policy_ids = Enum("PolicyId", {pid: pid for pid in rulebook.policies}, type=str)  # type: ignore[misc]

    @router.post(
        "/api/v1/assess",
        response_model=Assessment,
        summary="Assess one presentation",
        tags=["assess"],
        responses={
            400: {"description": "Body that cannot be decoded (not UTF-8 text)"},
            413: {"description": "Request body over the size limit (64 KiB by default)"},
            415: {"description": "Content type other than application/json"},
            422: {"description": "Bad input: each bad field named in plain words"},
        },
    )
    async def assess_endpoint(
        service: AssessorDep,
        presentation: Annotated[Presentation, Body(openapi_examples=EXAMPLES)],
        policy: Annotated[
            policy_ids | None,
            Query(description="Policy id (default from SPINEWISE_POLICY, else seed)."),
        ] = None,
        reference: Annotated[
            str | None,
            Header(
                alias="X-Spinewise-Reference",
                max_length=200,
                description="Optional caller reference; stored only as a keyed hash.",
            ),
        ] = None,
    ) -> Response:
        chosen = policy.value if policy is not None else default_policy
        result = await service.assess(presentation, chosen, channel="api", reference=reference)
        # Serialised once here; FastAPI would validate the model a second time.
        return Response(result.model_dump_json(), media_type="application/json")

    # The handout's languages are the rulebook's (handout.yaml and its translations).
    language_ids = Enum("Language", {lang: lang for lang in rulebook.handouts}, type=str)  # type: ignore[misc]

    @router.get(
        "/api/v1/handout/{assessment_id}",
        summary="The patient handout of a logged assessment, in words (JSON)",
        tags=["handout"],
        responses={
            404: {"description": "No such assessment"},
            409: {"description": "The assessment is not decided: no handout yet"},
            422: {"description": "A language the handouts are not written in"},
        },
    )
    def handout_endpoint(
        assessment_id: str,
        service: AssessorDep,
        lang: Annotated[
            language_ids,
            Query(description="The handout's language: " + ", ".join(rulebook.handouts) + "."),
        ] = "en",  # type: ignore[assignment]
    ) -> JSONResponse:
        try:
            logged = service.logged(assessment_id)
        except ValidationError as exc:  # logged before a rule of input changed (adults only)
            return JSONResponse({"detail": field_errors(exc.errors(), drop=())}, status_code=422)
        if logged is None:
            return JSONResponse({"detail": "no such assessment"}, status_code=404)
        present = [fid for fid, value in logged.presentation.findings.items() if value]
        view = handout_for(
            logged.assessment,
            service.rulebook,
            lang.value if isinstance(lang, Enum) else str(lang),
            present=present,
            setting=logged.presentation.setting,
        )
        if view is None:
            return JSONResponse(
                {"detail": "no handout yet: some red-flag questions are still open"},
                status_code=409,
            )
        return JSONResponse(view.as_dict())

    @router.get(
        "/api/v1/rules", summary="The rulebook: findings, conditions, policies", tags=["rules"]
    )
    def rules_endpoint(service: AssessorDep) -> dict[str, Any]:
        rb = service.rulebook
        return {
            "version": rb.version,
            "default_policy": default_policy,
            "findings": [f.model_dump(mode="json") for f in rb.findings.values()],
            "age_flags": [a.model_dump(mode="json") for a in rb.age_flags.values()],
            "conditions": [c.model_dump(mode="json") for c in rb.conditions.values()],
            "studies": [s.model_dump(mode="json") for s in rb.studies.values()],
            "policies": [p.model_dump(mode="json") for p in rb.policies.values()],
            "sources": [s.model_dump(mode="json") for s in rb.sources.values()],
        }

    @router.get("/healthz", summary="Liveness", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return router
