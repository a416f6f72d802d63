"""FHIR resources that spinewise publishes: the red-flag Questionnaire (generated from the
rulebook) and a GuidanceResponse for an assessment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from spinewise.fhir.intake import QUESTIONNAIRE_ID
from spinewise.model import Assessment, when_ids
from spinewise.rulebook import Rulebook

__all__ = ["CANONICAL_BASE", "guidance_response", "questionnaire"]

#: Canonical URLs of spinewise's own FHIR artefacts (a reserved, non-resolving host).
CANONICAL_BASE = "http://spinewise.invalid/fhir"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"


def questionnaire(rb: Rulebook, policy_id: str) -> dict[str, Any]:
    """One boolean item per question of the policy (linkId = finding id), grouped by the
    condition it screens for, plus the age. SDC-friendly: help text as a display item with
    itemControl `help`; required items marked `required`."""
    policy = rb.policy(policy_id)
    used = {ref for rule in policy.rules for ref in when_ids(rule.when)} | set(policy.required)
    groups: dict[str, list[dict[str, Any]]] = {cid: [] for cid in rb.conditions}
    groups["other"] = []
    for f in rb.findings.values():
        if f.id not in used:
            continue
        groups[f.screens[0] if f.screens else "other"].append(
            {
                "linkId": f.id,
                "text": f.question,
                "type": "boolean",
                "required": f.id in policy.required,
                "item": [
                    {
                        "linkId": f"{f.id}.help",
                        "text": f.help,
                        "type": "display",
                        "extension": [
                            {
                                "url": ITEM_CONTROL,
                                "valueCodeableConcept": {
                                    "coding": [
                                        {
                                            "system": "http://hl7.org/fhir/questionnaire-item-control",
                                            "code": "help",
                                        }
                                    ]
                                },
                            }
                        ],
                    }
                ],
            }
        )
    titles = {cid: c.name for cid, c in rb.conditions.items()} | {
        "other": "Other scenarios (guidelines)"
    }
    items: list[dict[str, Any]] = [
        {
            "linkId": "age",
            "text": "Age (years)",
            "type": "decimal",
            "required": "age" in policy.required,
        }
    ]
    items += [
        {"linkId": f"group-{gid}", "text": titles[gid], "type": "group", "item": questions}
        for gid, questions in groups.items()
        if questions
    ]
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": f"{CANONICAL_BASE}/Questionnaire/{QUESTIONNAIRE_ID}",
        "version": f"{policy.id}-{rb.version}",
        "name": "SpinewiseRedFlags",
        "title": f"Red flags in low back pain ({policy.id} policy)",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "Answer each question yes (true), no (false) or leave it unanswered (unknown). "
            "An unanswered required question is never taken as no."
        ),
        "item": items,
    }


def guidance_response(
    assessment: Assessment,
    *,
    patient: str | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    """The assessment as a FHIR R4 GuidanceResponse: `success` when decided,
    `data-required` (listing the open questions) when incomplete."""
    summary = {
        "image": f"Image now and refer ({assessment.urgency})",
        "conservative": "No imaging now: conservative care for 4-6 weeks",
        "incomplete": "Questions still open: not decided",
    }[assessment.decision]
    notes = [summary]
    if assessment.imaging:
        notes.append(f"Order: {assessment.imaging.procedure}, {assessment.imaging.when}.")
    if assessment.referral:
        notes.append(f"Refer: {assessment.referral}.")
    notes += [
        f"{c.name} ({c.strength}): {', '.join(c.because)} [{', '.join(c.sources)}]"
        for c in assessment.suspected_conditions
    ]
    response: dict[str, Any] = {
        "resourceType": "GuidanceResponse",
        "id": assessment.assessment_id or "spinewise-assessment",
        "moduleUri": f"{CANONICAL_BASE}/PlanDefinition/{assessment.policy.id}"
        f"|{assessment.policy.version}",
        "status": "data-required" if assessment.decision == "incomplete" else "success",
        "occurrenceDateTime": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": [{"text": line} for line in notes],
    }
    if request_id:
        response["requestIdentifier"] = {"value": request_id}
    if patient:
        response["subject"] = {"reference": patient}
    if assessment.unanswered:
        response["dataRequirement"] = [
            {
                "type": "QuestionnaireResponse",
                "profile": [f"{CANONICAL_BASE}/Questionnaire/{QUESTIONNAIRE_ID}"],
                "mustSupport": list(assessment.unanswered),
            }
        ]
    return response
