"""FHIR R4 → findings with evidence; unknown is never made absent."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from typer.testing import CliRunner

from spinewise import assess, default_rulebook
from spinewise.cli import app
from spinewise.fhir.intake import FhirInputError, intake, resources_of
from spinewise.fhir.publish import guidance_response, questionnaire
from tests.shared import find_shared, shared_params

BUNDLES = "data/fhir_r4_samples/synthea_r4_bundles_selected"
AS_OF = date(2026, 11, 26)
RB = default_rulebook()


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def patient(birth: str = "1980-05-01") -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "p1", "birthDate": birth}


def condition(code: str, system: str = "http://hl7.org/fhir/sid/icd-10-cm", status: str = "active",
              onset: str | None = "2026-11-20", verification: str | None = None, cid: str = "c1") -> dict[str, Any]:  # fmt: skip
    r: dict[str, Any] = {
        "resourceType": "Condition",
        "id": cid,
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": system, "code": code}]},
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": status,
                }
            ]
        },
    }
    if onset:
        r["onsetDateTime"] = onset
    if verification:
        r["verificationStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": verification,
                }
            ]
        }
    return r


def temperature(value: float, unit: str, when: str, oid: str = "t1") -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": when,
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        },
    }


def read(*resources: dict[str, Any]) -> Any:
    return intake(resources_of(bundle(*resources)), AS_OF)


def manifest() -> list[Any]:
    folder = find_shared(BUNDLES)
    if folder is None:
        return shared_params(BUNDLES)  # one skipped case that says how to get them
    with (folder / "MANIFEST.csv").open() as handle:
        return [dict(row, path=str(folder / row["local_file"])) for row in csv.DictReader(handle)]


EXPECTED = {
    "pathological fracture due to osteoporosis": ({"osteoporosis": True}, set()),
    "metastasis from malignant tumor of prostate": ({"history_of_cancer": True}, set()),
    "secondary malignant neoplasm of colon": ({"history_of_cancer": True}, set()),
    "opioid abuse": ({}, {"injection_drug_use"}),
    "minimal adult record": ({}, set()),
    "chronic paralysis due to spinal cord lesion": ({}, set()),
    "chronic pain": ({}, set()),
}


@pytest.mark.parametrize("row", manifest(), ids=lambda r: r["local_file"][:20])
def test_synthea_bundles_yield_the_right_findings(row: dict[str, str]) -> None:
    data = json.loads(Path(row["path"]).read_text())
    found = intake(resources_of(data), AS_OF)
    key = next(k for k in EXPECTED if row["why_selected"].startswith(k))
    findings, suggested = EXPECTED[key]
    assert found.findings == findings  # nothing uncoded became absent
    assert {s.finding for s in found.suggestions} == suggested
    birth = date.fromisoformat(row["birthDate"])
    assert found.age == AS_OF.year - birth.year - (
        (AS_OF.month, AS_OF.day) < (birth.month, birth.day)
    )
    for evidence in found.evidence:
        assert evidence.resource.startswith("Condition/") and evidence.code


def test_no_record_of_anything_leaves_everything_unknown() -> None:
    found = read(patient())
    assert found.findings == {}
    result = assess(found.presentation(), "seed")
    assert result.decision == "incomplete"
    assert "fever" in result.unanswered


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (condition("G83.4"), {"suspected_cauda_equina_syndrome": True}),
        # A resolved spinal metastasis is history of cancer, not a current suspicion.
        (condition("C79.51", status="resolved", onset="2010-01-01"), {"history_of_cancer": True}),
        (
            condition("C79.51", onset="2026-10-01"),
            {"history_of_cancer": True, "suspected_malignancy": True},
        ),
        (condition("Z85.3", status="resolved", onset="2001-01-01"), {"history_of_cancer": True}),
        (condition("C50.9", verification="refuted"), {}),
        (condition("C50.9", verification="entered-in-error"), {}),
        (condition("R50.9", status="resolved"), {}),  # a past fever is not a fever now
        (condition("R50.9", onset="2026-10-01"), {}),  # nor one from two months ago
        (condition("R50.9", onset="2026-11-24"), {"fever": True}),
        (condition("R33.9", onset="2020-01-01"), {}),  # chronic retention is not "new"
        (condition("M81.0", onset="2015-01-01"), {"osteoporosis": True}),
        (condition("M545", onset="2026-11-20"), {}),  # low back pain itself is no red flag
        (
            condition("64859006", system="http://snomed.info/sct", onset="2011-01-01"),
            {"osteoporosis": True},
        ),
        (condition("B20", onset="2015-01-01"), {"immunocompromised": True}),
        (condition("Z94.0", onset="2015-01-01"), {"immunocompromised": True}),
    ],
)
def test_conditions_respect_status_and_dates(
    resource: dict[str, Any], expected: dict[str, bool]
) -> None:
    assert read(patient(), resource).findings == expected


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        ([(38.9, "Cel", "2026-11-25T10:00:00Z")], True),
        ([(101.0, "[degF]", "2026-11-25T10:00:00Z")], True),
        ([(37.2, "Cel", "2026-11-26T08:00:00Z")], False),
        ([(98.6, "[degF]", "2026-11-25T20:00:00Z")], False),
        ([(37.0, "Cel", "2026-11-10T08:00:00Z")], None),  # too old to say anything now
        ([(38.4, "Cel", "2026-11-22T08:00:00Z"), (36.8, "Cel", "2026-11-26T08:00:00Z")], True),
        ([(38.0, "Cel", "2026-11-25T08:00:00Z")], True),  # 38.0 °C is a fever
    ],
)
def test_temperatures(readings: list[tuple[float, str, str]], expected: bool | None) -> None:
    found = read(
        patient(), *[temperature(v, u, w, f"t{i}") for i, (v, u, w) in enumerate(readings)]
    )
    assert found.findings.get("fever") is expected


def steroid(kind: str, **fields: Any) -> dict[str, Any]:
    r: dict[str, Any] = {
        "resourceType": kind,
        "id": f"m-{kind}",
        "status": "active" if kind != "MedicationDispense" else "completed",
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "312617",
                    "display": "predniSONE 5 MG Oral Tablet",
                }
            ]
        },
        "subject": {"reference": "Patient/p1"},
    }
    if kind == "MedicationRequest":
        r["intent"] = "order"
    r.update(fields)
    return r


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (steroid("MedicationStatement", effectivePeriod={"start": "2023-01-01"}), True),
        (
            steroid(
                "MedicationStatement",
                status="completed",
                effectivePeriod={"start": "2026-11-20", "end": "2026-11-25"},
            ),
            None,
        ),
        (
            steroid(
                "MedicationDispense",
                whenHandedOver="2026-06-01",
                daysSupply={
                    "value": 120,
                    "unit": "d",
                    "code": "d",
                    "system": "http://unitsofmeasure.org",
                },
            ),
            True,
        ),
        (
            steroid(
                "MedicationRequest",
                authoredOn="2026-08-01",
                dispenseRequest={
                    "expectedSupplyDuration": {
                        "value": 30,
                        "unit": "days",
                        "code": "d",
                        "system": "http://unitsofmeasure.org",
                    },
                    "numberOfRepeatsAllowed": 2,
                },
            ),
            True,
        ),
        (
            steroid(
                "MedicationRequest",
                authoredOn="2026-11-20",
                dispenseRequest={
                    "expectedSupplyDuration": {
                        "value": 5,
                        "unit": "days",
                        "code": "d",
                        "system": "http://unitsofmeasure.org",
                    }
                },
            ),
            None,
        ),
    ],
)
def test_prolonged_corticosteroids_from_medication_records(
    resource: dict[str, Any], expected: bool | None
) -> None:
    assert read(patient(), resource).findings.get("prolonged_corticosteroid_use") is expected


def test_topical_steroids_do_not_count() -> None:
    cream = steroid("MedicationStatement", effectivePeriod={"start": "2020-01-01"})
    cream["medicationCodeableConcept"] = {"text": "hydrocortisone 1% topical cream"}
    assert read(patient(), cream).findings == {}


def procedure(code: str, when: str) -> dict[str, Any]:
    return {
        "resourceType": "Procedure",
        "id": "pr1",
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": code}]},
        "performedDateTime": when,
    }


def test_recent_spinal_procedure_only_within_30_days() -> None:
    assert read(patient(), procedure("62323", "2026-11-12")).findings == {
        "recent_spinal_procedure": True
    }
    assert read(patient(), procedure("62323", "2023-11-12")).findings == {}
    assert read(patient(), procedure("99213", "2026-11-20")).findings == {}


def questionnaire_response(answers: dict[str, Any]) -> dict[str, Any]:
    items = []
    for link, value in answers.items():
        key = "valueDecimal" if link == "age" else "valueBoolean"
        items.append({"linkId": link, "answer": [{key: value}]})
    items.append({"linkId": "paresthesia"})  # asked, not answered: stays unknown
    return {
        "resourceType": "QuestionnaireResponse",
        "id": "qr1",
        "status": "completed",
        "questionnaire": "http://spinewise.invalid/fhir/Questionnaire/spinewise-red-flags",
        "authored": "2026-11-26T09:00:00Z",
        "item": [{"linkId": "group-x", "item": items}],
    }


def test_questionnaire_response_is_the_source_of_explicit_no() -> None:
    found = read(
        patient(), questionnaire_response({"fever": False, "saddle_anesthesia": True, "age": 47})
    )
    assert found.findings == {"fever": False, "saddle_anesthesia": True}
    assert found.age == 47
    assert "paresthesia" not in found.findings


def test_a_present_record_wins_over_a_no_answer() -> None:
    found = read(
        patient(),
        questionnaire_response({"fever": False}),
        temperature(39.1, "Cel", "2026-11-26T07:00:00Z"),
    )
    assert found.findings["fever"] is True


def test_partial_birth_date_takes_the_older_age_and_says_so() -> None:
    found = read(patient("1976"))
    assert found.age == 50
    assert "49 or 50" in (found.age_detail or "")


def test_fhir_answers_give_the_same_assessment_as_the_page_would() -> None:
    answers = {fid: False for fid in RB.policy("seed").required if fid != "age"} | {"fever": True}
    found = read(patient("1981-01-01"), questionnaire_response(answers))
    typed = {"age": 45, "findings": answers}
    for policy in ("seed", "acr"):
        assert assess(found.presentation(), policy) == assess(typed, policy)


@pytest.mark.parametrize(
    ("resource", "field"),
    [
        ({**condition("C50.9"), "code": {"coding": "C50.9"}}, "code.coding"),
        ({**condition("C50.9"), "onsetDateTime": "yesterday"}, "onsetDateTime"),
        (
            {
                **temperature(38.5, "Cel", "2026-11-25T10:00:00Z"),
                "valueQuantity": {"value": "hot", "unit": "Cel"},
            },
            "valueQuantity.value",
        ),
        ({**patient(), "birthDate": "1980-13-45"}, "birthDate"),
    ],
)
def test_malformed_resources_name_resource_and_field(resource: dict[str, Any], field: str) -> None:
    with pytest.raises(FhirInputError) as caught:
        read(resource)
    problems = caught.value.problems
    assert any(p.field == field for p in problems), problems
    assert problems[0].resource.split("/")[0] == resource["resourceType"]


def test_questionnaire_and_guidance_response_are_valid_fhir_r4() -> None:
    for policy in ("seed", "acr"):
        q = questionnaire(RB, policy)
        get_fhir_model_class("Questionnaire").model_validate(q)
        link_ids = {i["linkId"] for g in q["item"] for i in g.get("item", [])}
        assert set(RB.policy(policy).required) - {"age"} <= link_ids
        required = {i["linkId"] for g in q["item"] for i in g.get("item", []) if i.get("required")}
        assert required == set(RB.policy(policy).required) - {"age"}
    for presentation in ({"age": 40}, {"age": 40, "findings": {"fever": True}}):
        g = guidance_response(assess(presentation), patient="Patient/p1")
        get_fhir_model_class("GuidanceResponse").model_validate(g)


def test_cli_assess_fhir(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(
        json.dumps(bundle(patient("1960-01-01"), condition("C79.51", onset="2020-01-01")))
    )
    result = CliRunner().invoke(
        app, ["assess", "--fhir", str(path), "--as-of", "2026-11-26", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["decision"] == "image" and data["red_flags"][0] == "history_of_cancer"
    text = CliRunner().invoke(
        app, ["assess", "--fhir", str(path), "--as-of", "2026-11-26", "--no", "fever"]
    )
    assert "From the record" in text.stdout and "Condition/c1" in text.stdout
    path.write_text(json.dumps(bundle({**condition("X"), "onsetDateTime": "soon"})))
    bad = CliRunner().invoke(app, ["assess", "--fhir", str(path)])
    assert bad.exit_code == 2
    assert "Condition/c1: onsetDateTime" in bad.stderr


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_any_calendar_date_is_read_without_overflow(day: date) -> None:
    long_course = steroid(
        "MedicationDispense",
        whenHandedOver="9999-12-01",
        daysSupply={"value": 90, "unit": "d", "code": "d", "system": "http://unitsofmeasure.org"},
    )
    found = intake(
        resources_of(bundle(long_course, temperature(37.0, "Cel", "0001-01-01T00:00:00Z"))), day
    )
    assert "prolonged_corticosteroid_use" not in found.findings  # 30 days at most fit
