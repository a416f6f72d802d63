"""FHIR in and out: the red-flag Questionnaire, and assessment of a Bundle."""

# No `from __future__ import annotations`: FastAPI must see the policy enum built below.
from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BeforeValidator, ValidationError

from spinewise.api.deps import AssessorDep
from spinewise.api.errors import field_errors
from spinewise.fhir.intake import FhirInputError, Problem, intake, resources_of
from spinewise.fhir.publish import guidance_response, questionnaire
from spinewise.outbound import parse_json
from spinewise.rulebook import Rulebook

__all__ = ["FHIR_JSON", "build_router", "operation_outcome"]

FHIR_JSON = "application/fhir+json"
#: A calendar date written YYYY-MM-DD, nothing else (pydantic alone would read "0" as 1970).
IsoDate = Annotated[
    date, BeforeValidator(lambda v: date.fromisoformat(v) if isinstance(v, str) else v)
]


def operation_outcome(problems: list[Problem], status: int = 422) -> JSONResponse:
    """Bad FHIR input as an OperationOutcome: one issue per problem, naming resource and field."""
    return JSONResponse(
        status_code=status,
        media_type=FHIR_JSON,
        content={
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": "invalid",
                    "diagnostics": f"{p.resource}: {p.field}: {p.message}",
                    "expression": [f"{p.resource.split('/')[0]}.{p.field}"],
                }
                for p in problems
            ],
        },
    )


def build_router(rulebook: Rulebook, default_policy: str, max_body_bytes: int) -> APIRouter:
    router = APIRouter()
    policy_ids = Enum("PolicyId", {pid: pid for pid in rulebook.policies}, type=str)  # type: ignore[misc]

    @router.get(
        "/fhir/Questionnaire/spinewise-red-flags",
        tags=["fhir"],
        summary="The red-flag questions as a FHIR R4 Questionnaire",
        responses={200: {"content": {FHIR_JSON: {}}}},
    )
    async def get_questionnaire(policy: str | None = None) -> JSONResponse:
        chosen = policy if policy is not None and policy in rulebook.policies else default_policy
        return JSONResponse(questionnaire(rulebook, chosen), media_type=FHIR_JSON)

    @router.post(
        "/api/v1/assess/fhir",
        tags=["assess"],
        summary="Assess from a FHIR R4 Bundle: the assessment and a GuidanceResponse",
        max_body_size=max_body_bytes,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    media: {
                        "schema": {
                            "type": "object",
                            "description": "A FHIR R4 Bundle (or one resource).",
                            "required": ["resourceType"],
                            "properties": {"resourceType": {"type": "string"}},
                        }
                    }
                    for media in ("application/json", FHIR_JSON)
                },
            }
        },
        responses={
            413: {"description": "Request body over the size limit"},
            415: {"description": "Content type other than JSON"},
            422: {"description": "Malformed FHIR: an OperationOutcome naming resource and field"},
        },
    )
    async def assess_fhir(
        request: Request,
        service: AssessorDep,
        policy: policy_ids | None = None,
        as_of: Annotated[
            IsoDate | None,
            Query(description="The date the record is read at (default: today)."),
        ] = None,
    ) -> JSONResponse:
        chosen = policy.value if policy is not None else default_policy
        day = as_of or datetime.now(UTC).date()
        try:
            # A nesting limit (about 200 levels) instead of a RecursionError deep in json.
            data: Any = parse_json(await request.body())
        except ValueError as exc:
            return operation_outcome([Problem("(body)", "(body)", f"not valid JSON: {exc}")])
        try:
            found = intake(resources_of(data), day, rulebook=rulebook)
            presentation = found.presentation()
        except FhirInputError as exc:
            return operation_outcome(exc.problems)
        except ValidationError as exc:
            problems = [
                Problem("(derived)", p["field"], p["message"]) for p in field_errors(exc.errors())
            ]
            return operation_outcome(problems)
        result = await service.assess(presentation, chosen, channel="fhir")
        patient = next(
            (
                f"Patient/{r.get('id')}"
                for r in resources_of(data)
                if r.get("resourceType") == "Patient"
            ),
            None,
        )
        return JSONResponse(
            {
                "assessment": result.model_dump(mode="json"),
                "guidanceResponse": guidance_response(result, patient=patient),
                "intake": found.as_dict(),
            }
        )

    return router
