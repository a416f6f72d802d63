"""The CDS Hooks service `spinewise-lbp-imaging`: rate lumbar spine imaging orders.

On order-select (the selected draft orders) and order-sign (all draft orders), each draft
ServiceRequest for lumbar imaging is rated with the Argonaut PAMA rating, from what the record,
the order's reasons and spinewise's own QuestionnaireResponse say:

- a red flag known → `appropriate` if the ordered study is usually or maybe appropriate for what
  is suspected (with a suggestion to switch when a clearly better study exists), else
  `not-appropriate` with a suggestion to order the right one;
- no red flag known and the indication is uncomplicated low back pain → `not-appropriate`, with
  a warning card: delete the order, or override with the red flag the clinician knows of;
- no red flag known and no low back pain indication → no rating; a card asks for the reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from spinewise.assessor import Assessor
from spinewise.cds.messages import (
    Action,
    Card,
    CdsRequest,
    CdsResponse,
    Coding,
    Discovery,
    Link,
    ServiceDefinition,
    Source,
    Suggestion,
)
from spinewise.fhir.codes import codings, matcher_for
from spinewise.fhir.intake import QUESTIONNAIRE_ID, Intake, intake
from spinewise.fhir.publish import CANONICAL_BASE
from spinewise.model import Assessment
from spinewise.rulebook import Rulebook

__all__ = ["SERVICE_ID", "PrefetchFailed", "discovery", "rate_orders"]

SERVICE_ID = "spinewise-lbp-imaging"
HOOKS = ("order-select", "order-sign")
PAMA_RATING = "http://fhir.org/argonaut/Extension/pama-rating"
PAMA_SYSTEM = "http://fhir.org/argonaut/CodeSystem/pama-rating"
PAMA_CONSULT = "http://fhir.org/argonaut/Extension/pama-rating-consult-id"
OVERRIDE_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/override-reason"
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
#: Ordered CPT code → the study it is, for judging the order against the recommendation.
CPT_STUDY = {
    "72148": "mri_lumbar_without_contrast",
    "72149": "mri_lumbar_with_contrast",
    "72158": "mri_lumbar_without_and_with_contrast",
    "72131": "ct_lumbar_without_contrast",
    "72132": "ct_lumbar_with_contrast",
    "72133": "ct_lumbar_without_and_with_contrast",
    **dict.fromkeys(
        ["72020", "72100", "72110", "72114", "72120", "72200", "72202", "72220"],
        "radiography_lumbar",
    ),
}
CT_ANY = {
    "ct_lumbar_without_contrast",
    "ct_lumbar_with_contrast",
    "ct_lumbar_without_and_with_contrast",
}
#: Recommended study → ordered studies also usually or maybe appropriate (ACR 2021 variants:
#: V4 MRI without or without and with; V7 MRI without and with, or without; V6 radiography,
#: MRI or CT without; trauma CT). CT is "maybe" where MRI is the study (and the way when MRI
#: is impossible): it is rated appropriate, with a suggestion to switch to the MRI.
ACCEPTABLE = {
    "mri_lumbar_without_contrast": {
        "mri_lumbar_without_contrast",
        "mri_lumbar_without_and_with_contrast",
        *CT_ANY,
    },
    "mri_lumbar_without_and_with_contrast": {
        "mri_lumbar_without_and_with_contrast",
        "mri_lumbar_without_contrast",
        "mri_lumbar_with_contrast",
        *CT_ANY,
    },
    "ct_lumbar_without_contrast": {
        "ct_lumbar_without_contrast",
        "ct_lumbar_with_contrast",
        "ct_lumbar_without_and_with_contrast",
    },
    "radiography_lumbar": {
        "radiography_lumbar",
        "mri_lumbar_without_contrast",
        "ct_lumbar_without_contrast",
    },
}


class PrefetchFailed(Exception):
    """Prefetch data were missing and could not be fetched from the FHIR server (412)."""


def discovery() -> dict[str, Any]:
    """The discovery document: one service id, for both ordering hooks."""
    return Discovery(
        services=[
            ServiceDefinition(
                hook=hook,
                id=SERVICE_ID,
                title="spinewise: imaging in low back pain",
                description="Rates lumbar spine imaging orders for low back pain (Argonaut PAMA "
                "rating): not appropriate without a red flag; appropriate with one and the "
                "right study.",
                prefetch=PREFETCH,
            )
            for hook in HOOKS
        ]
    ).dump()


def _orders(request: CdsRequest) -> list[dict[str, Any]]:
    """The draft ServiceRequests the hook is about (selections for order-select)."""
    bundle = request.context.get("draftOrders")
    if not isinstance(bundle, Mapping):
        return []
    entries = bundle.get("entry") or []
    resources = [
        e["resource"]
        for e in entries
        if isinstance(e, Mapping) and isinstance(e.get("resource"), Mapping)
    ]
    orders = [dict(r) for r in resources if r.get("resourceType") == "ServiceRequest"]
    if request.hook == "order-select":
        selected = set(request.context.get("selections") or [])
        orders = [o for o in orders if f"ServiceRequest/{o.get('id')}" in selected]
    return orders


def _prefetched(values: Iterable[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for value in values:
        if not isinstance(value, Mapping):
            continue  # null: the EHR's query found nothing
        if value.get("resourceType") == "Bundle":
            out += [
                dict(e["resource"])
                for e in value.get("entry") or []
                if isinstance(e, Mapping) and isinstance(e.get("resource"), Mapping)
            ]
        elif isinstance(value.get("resourceType"), str):
            out.append(dict(value))
    return out


async def _fetch_missing(request: CdsRequest, missing: list[str]) -> list[dict[str, Any]]:
    """Query the FHIR server for prefetch keys the EHR did not send (short timeout). The
    access token goes only to that server, never to a log."""
    assert request.fhirServer and request.fhirAuthorization
    patient = str(request.context.get("patientId", ""))
    headers = {
        "Authorization": f"Bearer {request.fhirAuthorization.access_token}",
        "Accept": "application/fhir+json",
    }
    found: list[Any] = []
    try:
        async with httpx.AsyncClient(
            base_url=request.fhirServer.rstrip("/"), timeout=3.0
        ) as client:
            for key in missing:
                query = PREFETCH[key].replace("{{context.patientId}}", patient)
                response = await client.get("/" + query, headers=headers)
                if response.status_code == 404:
                    found.append(None)
                    continue
                response.raise_for_status()
                found.append(response.json())
    except (httpx.HTTPError, ValueError) as exc:
        raise PrefetchFailed(type(exc).__name__) from None
    return _prefetched(found)


def _pama(rating: str) -> dict[str, Any]:
    return {
        "url": PAMA_RATING,
        "valueCodeableConcept": {"coding": [{"system": PAMA_SYSTEM, "code": rating}]},
    }


def _rated(order: Mapping[str, Any], rating: str, consult: str) -> dict[str, Any]:
    rated = dict(order)
    keep = [
        e
        for e in rated.get("extension") or []
        if isinstance(e, Mapping) and e.get("url") not in (PAMA_RATING, PAMA_CONSULT)
    ]
    rated["extension"] = [
        *keep,
        _pama(rating),
        {"url": PAMA_CONSULT, "valueUri": f"urn:uuid:{consult}"},
    ]
    return rated


def _page_link(base: str, policy: str, found: Intake) -> str:
    params: dict[str, str] = {"policy": policy}
    if found.age is not None:
        params["age"] = f"{found.age:g}"
    params.update({fid: "yes" if value else "no" for fid, value in found.findings.items()})
    return f"{base}/?{urlencode(params)}"


async def rate_orders(
    request: CdsRequest,
    service: Assessor,
    *,
    base_url: str,
    sandbox_compat: bool = False,
    today: date | None = None,
) -> tuple[dict[str, Any], list[tuple[dict[str, Any], Assessment]]]:
    """The CDS Hooks response for one request, and the (order, assessment) pairs it rated.

    Assessments are made through `service` and so are in the decision log (channel
    `cds-hooks`). Raises `PrefetchFailed` when needed data could not be fetched.
    """
    rb = service.rulebook
    if request.hook not in HOOKS:
        return CdsResponse(cards=[]).dump(), []
    matcher = matcher_for(rb)
    lumbar = [o for o in _orders(request) if matcher.in_value_set("lumbar_imaging", o.get("code"))]
    if not lumbar:
        return CdsResponse(cards=[]).dump(), []
    prefetch = dict(request.prefetch or {})
    record = _prefetched(prefetch.values())
    consulted = True
    missing = [key for key in PREFETCH if key not in prefetch]
    if missing:
        if request.fhirServer and request.fhirAuthorization:
            record += await _fetch_missing(request, missing)
        elif len(missing) == len(PREFETCH):
            consulted = False  # judged from the order and its reasons alone
    as_of = today or datetime.now(UTC).date()
    policy = service.settings.policy
    cards: list[Card] = []
    actions: list[Action] = []
    rated: list[tuple[dict[str, Any], Assessment]] = []
    for order in lumbar:
        found = intake([*record, order], as_of, rulebook=rb, matcher=matcher)
        assessment = await service.assess(found.presentation(), policy, channel="cds-hooks")
        rating, order_cards = _judge(rb, order, found, assessment, policy, base_url, consulted)
        cards += order_cards
        if rating is not None:
            actions.append(
                Action(
                    type="update",
                    description=f"PAMA rating: {rating} (spinewise, {policy} policy)",
                    resource=_rated(order, rating, assessment.assessment_id or ""),
                )
            )
        rated.append((order, assessment))
    response = CdsResponse(cards=cards, systemActions=actions or None).dump()
    if sandbox_compat and actions:
        # The public CDS Hooks sandbox reads PAMA ratings only from the pre-2.0 place.
        response["extension"] = {"systemActions": response["systemActions"]}
    return response, rated


def _source(policy: str) -> Source:
    return Source(
        label=f"spinewise ({policy} policy)",
        topic=Coding(code="lbp-imaging", system=f"{CANONICAL_BASE}/CodeSystem/topic",
                     display="Imaging in low back pain"),
    )  # fmt: skip


def _ordered_study(order: Mapping[str, Any]) -> tuple[str | None, str]:
    for system, code, display in codings(order.get("code")):
        if system == "cpt" and code in CPT_STUDY:
            return CPT_STUDY[code], display or f"CPT {code}"
    text = (order.get("code") or {}).get("text") if isinstance(order.get("code"), Mapping) else None
    return None, str(text or "this lumbar imaging order")


def _judge(
    rb: Rulebook,
    order: Mapping[str, Any],
    found: Intake,
    assessment: Assessment,
    policy: str,
    base_url: str,
    consulted: bool,
) -> tuple[str | None, list[Card]]:
    source = _source(policy)
    ordered, ordered_label = _ordered_study(order)
    page = Link(
        label="Review the red flags", url=_page_link(base_url, policy, found), type="absolute"
    )
    not_consulted = (
        ""
        if consulted
        else " The patient's record was not consulted: this rates the order's stated reason alone."
    )
    sources = ", ".join(s.id for s in assessment.sources)
    if assessment.decision == "image" and assessment.imaging is not None:
        recommended = assessment.imaging.study
        flags = ", ".join(rb.short_label(f) for f in assessment.red_flags)
        acceptable = ordered in ACCEPTABLE.get(recommended, {recommended})
        better = (
            Suggestion(
                label=f"Order {assessment.imaging.procedure} instead",
                uuid=str(uuid.uuid4()),
                isRecommended=True,
                actions=[
                    Action(
                        type="update",
                        description=f"Change the order to {assessment.imaging.procedure}",
                        resource=_replace_code(order, assessment.imaging),
                    )
                ],
            )
            if ordered != recommended
            else None
        )
        if acceptable:
            cards = []
            if better is not None:
                cards.append(
                    Card(
                        uuid=str(uuid.uuid4()),
                        summary=_short(
                            f"Consider {assessment.imaging.procedure} for this red flag"
                        ),
                        detail=f"Red flags: {flags}. The ordered study is acceptable; "
                        f"{assessment.imaging.procedure} is the study of choice "
                        f"({assessment.imaging.when}). Sources: {sources}.{not_consulted}",
                        indicator="info",
                        source=source,
                        suggestions=[better],
                        selectionBehavior="at-most-one",
                        links=[page],
                    )
                )
            return "appropriate", cards
        card = Card(
            uuid=str(uuid.uuid4()),
            summary=_short(f"Red flag ({flags}): order {assessment.imaging.procedure} instead"),
            detail=f"{ordered_label} is not the study for what is suspected. Urgency: "
            f"{assessment.urgency}. Refer: {assessment.referral}. "
            f"Sources: {sources}.{not_consulted}",
            indicator="critical" if assessment.urgency == "emergency" else "warning",
            source=source,
            suggestions=[better] if better else None,
            selectionBehavior="at-most-one" if better else None,
            links=[page],
        )
        return "not-appropriate", [card]
    if not found.indications:
        card = Card(
            uuid=str(uuid.uuid4()),
            summary="Add the reason for this lumbar imaging order to get a rating",
            detail="No red flag is known and the order gives no low back pain indication, so "
            f"spinewise cannot rate it.{not_consulted}",
            indicator="info",
            source=source,
            links=[page],
        )
        return None, [card]
    handout = Link(
        label="Patient handout: why no scan now",
        url=f"{base_url}/handout/{assessment.assessment_id}",
        type="absolute",
    )
    questions = ", ".join(rb.short_label(q) for q in assessment.unanswered if q != "age")
    weak = "; ".join(f"{s.action}, {s.when}" for s in assessment.next_steps)
    detail = (
        "Imaging does not help uncomplicated low back pain in the first 6 weeks and can harm "
        "(radiation, incidental findings). Conservative care for 4-6 weeks; re-evaluate."
        + (f" Not yet asked: {questions}." if questions else "")
        + (f" Planned: {weak}." if weak else "")
        + f" Sources: {sources}.{not_consulted}"
    )
    override = [
        Coding(code=fid, system=OVERRIDE_SYSTEM, display=f"Red flag present: {rb.short_label(fid)}")
        for fid in rb.policy(policy).required
        if fid != "age" and found.findings.get(fid) is None
    ] + [
        Coding(code="failed-conservative-care", system=OVERRIDE_SYSTEM,
               display="Failed 6 weeks of conservative care")
    ]  # fmt: skip
    card = Card(
        uuid=str(uuid.uuid4()),
        summary="Lumbar imaging for low back pain without a red flag is not appropriate now",
        detail=detail,
        indicator="warning",
        source=source,
        suggestions=[
            Suggestion(
                label="Cancel this imaging order",
                uuid=str(uuid.uuid4()),
                isRecommended=True,
                actions=[
                    Action(
                        type="delete",
                        description=f"Delete the draft order for {ordered_label}",
                        resourceId=f"ServiceRequest/{order.get('id')}",
                    )
                ],
            )
        ],
        selectionBehavior="at-most-one",
        overrideReasons=override,
        # Until every question is answered the handout page leads back to the questions.
        links=[page, handout],
    )
    return "not-appropriate", [card]


def _short(text: str) -> str:
    return text if len(text) < 140 else text[:136].rstrip() + "..."


def _replace_code(order: Mapping[str, Any], imaging: Any) -> dict[str, Any]:
    updated = dict(order)
    cpt = (imaging.codes.get("cpt") or [None])[0]
    if cpt:
        updated["code"] = {
            "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": cpt,
                        "display": imaging.procedure}],
            "text": imaging.procedure,
        }  # fmt: skip
    return updated
