"""The CDS Hooks services: rate lumbar spine imaging orders on order-sign and order-select.

One service per hook, each with its own id (the CDS Hooks specification keys services by id):
`spinewise-lbp-imaging` on order-sign (every draft order) and `spinewise-lbp-imaging-select` on
order-select (the selected draft orders). Each draft ServiceRequest for lumbar imaging is read
with the patient's record (the prefetch, or the FHIR server the EHR names when it allows it) and
assessed; `spinewise.cds.cards` turns the assessment into the PAMA rating and the cards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

import httpx
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from spinewise.assessor import Assessor
from spinewise.cds.cards import Links, judge, not_adult, ordered_study, rated
from spinewise.cds.messages import (
    Action,
    Card,
    CdsRequest,
    CdsResponse,
    Discovery,
    ServiceDefinition,
)
from spinewise.fhir.codes import codings, matcher_for
from spinewise.fhir.intake import (
    QUESTIONNAIRE_ID,
    FhirInputError,
    Problem,
    intake,
)
from spinewise.fhir.publish import CANONICAL_BASE
from spinewise.model import ADULT_AGE, Assessment
from spinewise.outbound import FHIR_ID, Limits, OutboundError, fhir_search, within

__all__ = [
    "HOOKS",
    "PREFETCH",
    "SELECT_SERVICE_ID",
    "SERVICES",
    "SERVICE_ID",
    "BadRequest",
    "CallContext",
    "PrefetchFailed",
    "discovery",
    "rate_orders",
]

SERVICE_ID = "spinewise-lbp-imaging"
SELECT_SERVICE_ID = "spinewise-lbp-imaging-select"
#: Service id → the hook it answers.
SERVICES: Mapping[str, str] = {SERVICE_ID: "order-sign", SELECT_SERVICE_ID: "order-select"}
HOOKS = tuple(SERVICES.values())
#: The record, read for every order: what the discovery document asks the EHR to prefetch.
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "temperatures": "Observation?patient={{context.patientId}}&code=http://loinc.org|8310-5"
    "&_sort=-date&_count=50",
    "medications": "MedicationRequest?patient={{context.patientId}}",
    "dispenses": "MedicationDispense?patient={{context.patientId}}",
    "statements": "MedicationStatement?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
    "questionnaireResponses": "QuestionnaireResponse?subject={{context.patientId}}"
    f"&questionnaire={CANONICAL_BASE}/Questionnaire/{QUESTIONNAIRE_ID}",
}


class PrefetchFailed(Exception):
    """Prefetch data were missing and could not be fetched (412); the message is safe to log."""


class BadRequest(Exception):
    """A request the service cannot read (400), naming the field."""


@dataclass(frozen=True)
class CallContext:
    """What the route knows about one call: where links lead, whether (and how) the EHR's FHIR
    server may be queried."""

    base_url: str
    page_link: Any  # (policy, Intake, Assessment) -> cds.messages.Link
    fhir_allowed: bool
    http: httpx.AsyncClient | None
    limits: Limits
    sandbox_compat: bool = False
    today: date | None = None


def discovery() -> dict[str, Any]:
    """The discovery document: one service per hook, each with its own id."""
    return Discovery(
        services=[
            ServiceDefinition(
                hook=hook,
                id=service_id,
                title="spinewise: imaging in low back pain"
                + (" (order select)" if hook == "order-select" else ""),
                description="Rates lumbar spine imaging orders for low back pain (Argonaut PAMA "
                "rating): not appropriate without a red flag; appropriate with one and the "
                f"right study. Answers {hook}.",
                prefetch=PREFETCH,
            )
            for service_id, hook in SERVICES.items()
        ]
    ).dump()


def _orders(request: CdsRequest) -> list[dict[str, Any]]:
    """The draft ServiceRequests the hook is about (selections for order-select)."""
    bundle = request.context.get("draftOrders")
    if bundle is None:
        return []
    if not isinstance(bundle, Mapping) or not isinstance(bundle.get("entry", []), list):
        raise FhirInputError([Problem("context.draftOrders", "entry", "must be a Bundle")])
    orders = []
    for i, entry in enumerate(bundle.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping):
            raise FhirInputError(
                [Problem("context.draftOrders", f"entry[{i}].resource", "not a resource")]
            )
        if resource.get("resourceType") != "ServiceRequest":
            continue
        _check_order(resource)
        orders.append(dict(resource))
    if request.hook == "order-select" and "selections" in request.context:
        selections = request.context.get("selections") or []
        if not isinstance(selections, list):
            raise BadRequest("context.selections: must be a list of references")
        selected = {str(s) for s in selections}
        orders = [o for o in orders if f"ServiceRequest/{o.get('id')}" in selected]
    return orders


def _readable(concept: Any) -> bool:
    return concept is None or (
        isinstance(concept, Mapping)
        and isinstance(concept.get("coding") or [], list)
        and all(isinstance(c, Mapping) for c in concept.get("coding") or [])
    )


def _check_order(order: Mapping[str, Any]) -> None:
    """An order whose codes cannot be read is an error naming the field (from the FHIR R4
    model), never a crash and never silently skipped."""
    reasons = order.get("reasonCode")
    if _readable(order.get("code")) and (
        reasons is None or (isinstance(reasons, list) and all(map(_readable, reasons)))
    ):
        return
    name = f"ServiceRequest/{order.get('id', '?')}"
    try:
        get_fhir_model_class("ServiceRequest").model_validate(order)
    except ValidationError as exc:
        raise FhirInputError(
            [Problem(name, ".".join(map(str, e["loc"])) or "(resource)", e["msg"])
             for e in exc.errors()]
        ) from None  # fmt: skip
    raise FhirInputError([Problem(name, "code", "cannot be read as a CodeableConcept")])


def _prefetched(prefetch: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The resources of the prefetch; a value that is neither a resource, a Bundle nor null is
    an error naming its key."""
    out: list[dict[str, Any]] = []
    for key, value in prefetch.items():
        if value is None:
            continue  # the EHR's query found nothing
        if not isinstance(value, Mapping) or not isinstance(value.get("resourceType"), str):
            raise FhirInputError([Problem(f"prefetch.{key}", "(value)", "not a FHIR resource")])
        if value.get("resourceType") != "Bundle":
            out.append(dict(value))
            continue
        entries = value.get("entry") or []
        if not isinstance(entries, list):
            raise FhirInputError([Problem(f"prefetch.{key}", "entry", "must be a list")])
        for i, entry in enumerate(entries):
            resource = entry.get("resource") if isinstance(entry, Mapping) else None
            if not isinstance(resource, Mapping):
                raise FhirInputError(
                    [Problem(f"prefetch.{key}", f"entry[{i}].resource", "missing")]
                )
            out.append(dict(resource))
    return out


def patient_id(request: CdsRequest) -> str:
    """`context.patientId`, checked to be a FHIR id before it goes into any URL."""
    value = request.context.get("patientId")
    if not isinstance(value, str) or not FHIR_ID.fullmatch(value):
        raise BadRequest("context.patientId: not a FHIR id (letters, digits, '-' and '.')")
    return value


async def _fetch_missing(
    request: CdsRequest, missing: list[str], ctx: CallContext
) -> list[dict[str, Any]]:
    """Query the allow-listed FHIR server for prefetch keys the EHR did not send, all within
    one deadline. The access token goes only to that server, never to a log."""
    assert request.fhirServer and request.fhirAuthorization and ctx.http is not None
    patient = quote(patient_id(request), safe="")
    headers = {
        "Authorization": f"Bearer {request.fhirAuthorization.access_token}",
        "Accept": "application/fhir+json",
    }
    queries = [PREFETCH[key].replace("{{context.patientId}}", patient) for key in missing]
    searches = [
        fhir_search(ctx.http, request.fhirServer, query, headers=headers, max_pages=5)
        for query in queries
    ]
    try:
        found = await within(ctx.limits.deadline, "FHIR server", asyncio.gather(*searches))
    except OutboundError as exc:
        raise PrefetchFailed(str(exc)) from None
    return [resource for resources in found for resource in resources]


async def rate_orders(
    request: CdsRequest,
    service: Assessor,
    ctx: CallContext,
) -> tuple[dict[str, Any], list[tuple[dict[str, Any], Assessment]]]:
    """The CDS Hooks response for one request, and the (order, assessment) pairs it rated.

    Assessments are made through `service` and so are in the decision log (channel
    `cds-hooks`). Raises `PrefetchFailed` when needed data could not be fetched,
    `FhirInputError` for malformed prefetch or orders, `BadRequest` for a bad context.
    """
    rb = service.rulebook
    matcher = matcher_for(rb)
    lumbar = []
    for order in _orders(request):
        if not matcher.in_value_set(rb.imaging_orders.value_set, order.get("code")):
            continue
        study, _ = ordered_study(rb, order)
        if (
            study is not None
            and study.region != "lumbar"
            and not _low_back_pain_reason(matcher, order)
        ):
            continue  # another region, ordered for another reason: not ours to rate
        lumbar.append(order)
    if not lumbar:
        return CdsResponse(cards=[]).dump(), []
    prefetch = dict(request.prefetch or {})
    record = _prefetched(prefetch)
    consulted = True
    missing = [key for key in PREFETCH if key not in prefetch]
    if missing:
        if request.fhirServer and request.fhirAuthorization:
            if not ctx.fhir_allowed:
                raise PrefetchFailed("fhirServer is not allow-listed for the token's issuer")
            record += await _fetch_missing(request, missing, ctx)
        elif len(missing) == len(PREFETCH):
            consulted = False  # judged from the order and its reasons alone
    as_of = ctx.today or datetime.now(UTC).date()
    policy = service.settings.policy
    cards: list[Card] = []
    actions: list[Action] = []
    rated_orders: list[tuple[dict[str, Any], Assessment]] = []
    words = rb.cds_cards.notes
    for order in lumbar:
        found = intake([*record, order], as_of, rulebook=rb, matcher=matcher)
        if found.youngest_age is not None and found.youngest_age < ADULT_AGE[0]:
            # A child, or maybe one (a partial birth date, an answer): refused, never decided,
            # and one card for the request says why there is no rating (nothing is logged: no
            # assessment is made). A birth date in the future or over the adult range is an
            # error naming birthDate (the intake's).
            if not rated_orders and not cards:
                cards += not_adult(rb, order, found, policy=policy, base_url=ctx.base_url).cards
            continue
        presentation = service.presentation(found.presentation())
        assessment = await service.assess(presentation, policy, channel="cds-hooks")
        links = Links(ctx.base_url, ctx.page_link(policy, found, assessment))
        judgement = judge(
            rb, order, found, assessment, policy=policy, links=links, consulted=consulted
        )
        cards += judgement.cards
        if judgement.rating is not None:
            actions.append(
                Action(
                    type="update",
                    description=words.rating.format(rating=judgement.rating, policy=policy),
                    resource=rated(order, judgement.rating, assessment.assessment_id or ""),
                )
            )
        rated_orders.append((order, assessment))
    response = CdsResponse(cards=cards, systemActions=actions or None).dump()
    if ctx.sandbox_compat and actions:
        # The public CDS Hooks sandbox reads PAMA ratings only from the pre-2.0 place.
        response["extension"] = {"systemActions": response["systemActions"]}
    return response, rated_orders


def _low_back_pain_reason(matcher: Any, order: Mapping[str, Any]) -> bool:
    for concept in order.get("reasonCode") or []:
        if isinstance(concept, Mapping):
            for system, code, _ in codings(concept):
                if "low_back_pain" in matcher.value_sets_of(system, code):
                    return True
    return False
