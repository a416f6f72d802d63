"""A synthetic FHIR Bulk Data export with planted truth, streamed patient by patient (memory
flat in the number of patients). Each patient follows one scenario; the manifest says which,
and what the audit must find. Organizations and practitioners differ in how often they image
uncomplicated back pain, so the report's per-organization rates have something to show."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

__all__ = ["SCENARIOS", "synthesize"]

ICD = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
LOINC = "http://loinc.org"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#: Organizations: (name, how likely it is to image uncomplicated back pain, relative weight).
ORGANIZATIONS: tuple[tuple[str, int, int], ...] = (
    ("Riverside Family Practice", 1, 3),
    ("Northgate Medical Group", 1, 3),
    ("Harbor Urgent Care", 4, 2),
    ("Elm Street Clinic", 2, 2),
    ("Summit Spine & Sports", 6, 1),
)

#: scenario → (weight, the class the audit must give, or None when there is no episode)
SCENARIOS: dict[str, tuple[int, str | None]] = {
    "no_back_pain": (20, None),
    "too_old": (5, None),
    "uncomplicated_not_imaged": (30, "no_imaging_needed"),
    "uncomplicated_imaged": (15, "low_value_imaging"),
    "fever_imaged_same_day": (8, "appropriate_imaging"),
    "cauda_equina_not_imaged": (4, "missed_red_flag"),
    "fever_not_imaged": (4, "missed_red_flag"),
    "palliative_excluded": (7, "excluded"),
    "prior_back_pain": (7, None),
    # Medications (HEDIS exclusions and the steroid red flag, CLINICAL.md §7).
    "steroid_long_excluded": (3, "excluded"),
    "steroid_gaps_imaged": (3, "appropriate_imaging"),
    "steroid_inhaled_imaged": (3, "low_value_imaging"),
    "osteoporosis_drug_excluded": (2, "excluded"),
    # spinewise's own red-flag questionnaire, answered at the visit.
    "questionnaire_saddle_not_imaged": (2, "missed_red_flag"),
    # Only a note tells: with --notes a missed red flag; without, nothing known.
    "note_saddle_not_imaged": (5, "no_imaging_needed"),
    # The measure's definition points (knowledge/measure.yaml), coded as real exports code them.
    # Where a plant is also a red flag, the study was done on the index day, so the class is
    # the same under every policy.
    "turns_18_in_year": (2, None),
    "age_75_imaged_same_day": (2, "appropriate_imaging"),
    "birth_year_only": (2, "no_imaging_needed"),
    "inpatient_only": (2, None),
    "late_in_year": (1, None),
    "stenosis_index_imaged": (3, "low_value_imaging"),
    "sprain_index_not_imaged": (2, "no_imaging_needed"),
    "snomed_cancer_excluded": (2, "excluded"),
    "partial_date_cancer_excluded": (2, "excluded"),
    "snomed_osteoporosis_excluded": (2, "excluded"),
    "lumbar_surgery_procedure_excluded": (2, "excluded"),
    "hospice_encounter_excluded": (2, "excluded"),
    "death_excluded": (2, "excluded"),
    "trauma_recent_excluded": (2, "excluded"),
    "frailty_advanced_illness_excluded": (2, "excluded"),
    "coverage_gap_excluded": (2, "excluded"),
}
#: What the audit must say of a scenario when it reads the notes, where that differs.
WITH_NOTES: dict[str, str] = {"note_saddle_not_imaged": "missed_red_flag"}


KINDS = ("Patient", "Coverage", "Organization", "Practitioner", "Encounter", "Condition",
         "Observation", "Procedure", "ImagingStudy", "DiagnosticReport", "ServiceRequest",
         "MedicationDispense", "MedicationRequest", "MedicationStatement", "DocumentReference",
         "QuestionnaireResponse")  # fmt: skip


def _day(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randrange(0, 330))


def synthesize(patients: int, year: int, out: Path, seed: int = 1) -> dict[str, Any]:
    """Write the NDJSON files of a Bulk Data export, truth.jsonl and manifest.json."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = list(SCENARIOS)
    weights = [SCENARIOS[n][0] for n in names]
    files = {kind: (out / f"{kind}.000.ndjson").open("w", encoding="utf-8") for kind in KINDS}
    for k, (name, _, _) in enumerate(ORGANIZATIONS):
        _write(files["Organization"], {"resourceType": "Organization", "id": f"org{k}",
                                       "name": name})  # fmt: skip
        for j in range(2):
            family = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Reyes", "Novak", "Haddad",
                      "Petrov", "Walsh", "Mensah")[k * 2 + j]  # fmt: skip
            human = [{"family": family, "given": ["Dr"]}]
            _write(files["Practitioner"],
                   {"resourceType": "Practitioner", "id": f"pr{k}{j}", "name": human})  # fmt: skip
    counts: dict[str, int] = {}
    expected: dict[str, int] = {}
    expected_with_notes: dict[str, int] = {}
    # Not .ndjson: the truth is not part of the export the audit reads.
    truth_path = out / "truth.jsonl"
    try:
        with truth_path.open("w", encoding="utf-8") as truth:
            for i in range(patients):
                scenario = rng.choices(names, weights)[0]
                pid = f"p{seed}-{i:07d}"
                _patient(files, rng, pid, year, scenario)
                counts[scenario] = counts.get(scenario, 0) + 1
                cls = SCENARIOS[scenario][1]
                cls_notes = WITH_NOTES.get(scenario, cls)
                if cls:
                    expected[cls] = expected.get(cls, 0) + 1
                if cls_notes:
                    expected_with_notes[cls_notes] = expected_with_notes.get(cls_notes, 0) + 1
                truth.write(json.dumps({"patient": pid, "scenario": scenario, "class": cls,
                                        "class_with_notes": cls_notes}) + "\n")  # fmt: skip
    finally:
        for handle in files.values():
            handle.close()
    manifest = {"patients": patients, "year": year, "seed": seed, "scenarios": counts,
                "expected_classes": expected, "expected_classes_with_notes": expected_with_notes,
                "truth": truth_path.name}  # fmt: skip
    tmp = out / ".manifest.json.partial"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    tmp.replace(out / "manifest.json")
    return manifest


def _write(handle: IO[str], resource: dict[str, Any]) -> None:
    handle.write(json.dumps(resource, separators=(",", ":")) + "\n")


def _patient(
    files: Mapping[str, IO[str]], rng: random.Random, pid: str, year: int, scenario: str
) -> None:
    age = rng.randrange(80, 90) if scenario == "too_old" else rng.randrange(20, 49)
    if scenario in ("frailty_advanced_illness_excluded", "snomed_osteoporosis_excluded"):
        age = rng.randrange(66, 75)
    birth = date(year - age, rng.randrange(1, 13), rng.randrange(1, 28))
    patient: dict[str, Any] = {"resourceType": "Patient", "id": pid, "birthDate": birth.isoformat()}
    if scenario == "turns_18_in_year":  # 17 on January 1: out of the measure
        patient["birthDate"] = date(
            year - 18, rng.randrange(2, 13), rng.randrange(1, 28)
        ).isoformat()
    elif scenario == "age_75_imaged_same_day":  # 75 on December 31: in (and an age flag)
        patient["birthDate"] = date(
            year - 75, rng.randrange(1, 13), rng.randrange(1, 28)
        ).isoformat()
    elif scenario == "birth_year_only":  # 30 or 31 whatever the day: in, and no age flag
        patient["birthDate"] = str(year - 31)
    elif scenario == "death_excluded":
        patient["deceasedDateTime"] = f"{year}-12-2{rng.randrange(0, 9)}"
    _write(files["Patient"], patient)
    # Enrolment: covered from two years before, or (a gap) from a month before the index date.
    index = _day(rng, year)
    if scenario == "late_in_year":
        index = date(year, 12, rng.randrange(4, 28))
    cover_from = (
        index - timedelta(days=30) if scenario == "coverage_gap_excluded" else date(year - 2, 1, 1)
    )
    _write(files["Coverage"], {
        "resourceType": "Coverage", "id": f"{pid}-cov", "status": "active",
        "beneficiary": {"reference": f"Patient/{pid}"},
        "period": {"start": cover_from.isoformat()},
    })  # fmt: skip
    if scenario == "no_back_pain":
        return
    serial = iter(range(100))
    imaging_prone = scenario in ("uncomplicated_imaged", "steroid_inhaled_imaged")
    chances = [prone if imaging_prone else weight for _, prone, weight in ORGANIZATIONS]
    org = rng.choices(range(len(ORGANIZATIONS)), chances)[0]
    _write(files["Encounter"], {
        "resourceType": "Encounter", "id": f"{pid}-e0", "status": "finished",
        "class": {"system": ACT, "code": "IMP" if scenario == "inpatient_only" else "AMB"},
        "subject": {"reference": f"Patient/{pid}"},
        "period": {"start": f"{index.isoformat()}T09:{rng.randrange(10, 59)}:00-05:00"},
        "serviceProvider": {"reference": f"Organization/org{org}"},
        "participant": [{"individual": {"reference": f"Practitioner/pr{org}{rng.randrange(2)}"}}],
    })  # fmt: skip
    if rng.random() < 0.3:  # other history, some of it with partial dates
        _write(files["Condition"], {
            "resourceType": "Condition", "id": f"{pid}-h",
            "subject": {"reference": f"Patient/{pid}"},
            "code": {"coding": [{"system": ICD, "code": "I10"}]},
            "onsetDateTime": rng.choice(["2019", "2020-06", "2018-02-11T08:00:00Z"]),
        })  # fmt: skip

    def condition(code: str, when: date | str, status: str = "active", system: str = ICD,
                  visit: bool = False) -> None:  # fmt: skip
        resource: dict[str, Any] = {
            "resourceType": "Condition", "id": f"{pid}-c{next(serial)}",
            "subject": {"reference": f"Patient/{pid}"},
            "clinicalStatus": {"coding": [{"system": CLINICAL, "code": status}]},
            "code": {"coding": [{"system": system, "code": code}]},
            "onsetDateTime": when if isinstance(when, str) else when.isoformat(),
        }  # fmt: skip
        if visit:  # diagnosed at the visit (as Synthea codes it): dated by the visit
            resource["encounter"] = {"reference": f"Encounter/{pid}-e0"}
        _write(files["Condition"], resource)

    def imaging(when: date, code: str = "72148") -> None:
        # Any of the four resources that can record a study.
        kind = rng.choice(("Procedure", "Procedure", "ImagingStudy", "DiagnosticReport",
                           "ServiceRequest"))  # fmt: skip
        concept = {"coding": [{"system": CPT, "code": code}]}
        resource: dict[str, Any] = {"resourceType": kind, "id": f"{pid}-i{next(serial)}",
                                    "subject": {"reference": f"Patient/{pid}"}}  # fmt: skip
        if kind == "Procedure":
            resource |= {"status": "completed", "code": concept,
                         "performedDateTime": when.isoformat()}  # fmt: skip
        elif kind == "ImagingStudy":
            resource |= {"status": "available", "procedureCode": [concept],
                         "started": f"{when.isoformat()}T14:00:00Z"}  # fmt: skip
        elif kind == "DiagnosticReport":
            resource |= {"status": "final", "code": concept,
                         "effectiveDateTime": when.isoformat()}  # fmt: skip
        else:
            resource |= {"status": "completed", "intent": "order", "code": concept,
                         "occurrenceDateTime": when.isoformat()}  # fmt: skip
        _write(files[kind], resource)

    def medication(kind: str, name: str, start: date, days: int) -> None:
        concept = {"coding": [{"system": RXNORM, "code": "0", "display": name}], "text": name}
        resource: dict[str, Any] = {"resourceType": kind, "id": f"{pid}-m{next(serial)}",
                                    "subject": {"reference": f"Patient/{pid}"},
                                    "medicationCodeableConcept": concept}  # fmt: skip
        if kind == "MedicationDispense":
            resource |= {"status": "completed", "whenHandedOver": start.isoformat(),
                         "daysSupply": {"value": days, "unit": "day", "code": "d"}}  # fmt: skip
        elif kind == "MedicationRequest":
            supply = {"value": days, "unit": "days", "code": "d"}
            resource |= {"status": "active", "intent": "order", "authoredOn": start.isoformat(),
                         "dispenseRequest": {"numberOfRepeatsAllowed": 0,
                                             "expectedSupplyDuration": supply}}  # fmt: skip
        else:
            end = start + timedelta(days=days - 1)
            resource |= {"status": "completed", "effectivePeriod": {
                "start": start.isoformat(), "end": end.isoformat()}}  # fmt: skip
        _write(files[kind], resource)

    def temperature(when: date, celsius: float) -> None:
        _write(files["Observation"], {
            "resourceType": "Observation", "id": f"{pid}-t{next(serial)}", "status": "final",
            "subject": {"reference": f"Patient/{pid}"},
            "code": {"coding": [{"system": LOINC, "code": "8310-5"}]},
            "effectiveDateTime": when.isoformat(),
            "valueQuantity": {"value": celsius, "unit": "Cel", "code": "Cel"},
        })  # fmt: skip

    def note(when: date, text: str) -> None:
        _write(files["DocumentReference"], {
            "resourceType": "DocumentReference", "id": f"{pid}-n{next(serial)}",
            "status": "current",
            "subject": {"reference": f"Patient/{pid}"}, "date": when.isoformat(),
            "content": [{"attachment": {"contentType": "text/plain",
                                        "data": base64.b64encode(text.encode()).decode()}}],
        })  # fmt: skip

    # (inpatient_only: diagnosed at an inpatient stay, so no index visit)
    ages = ("turns_18_in_year", "age_75_imaged_same_day", "birth_year_only", "inpatient_only")
    if scenario in ages:
        condition("M54.50", index, visit=True)
        if scenario == "age_75_imaged_same_day":
            imaging(index, "72100")
    elif scenario == "late_in_year":  # after the intake period
        condition("M54.50", index)
    elif scenario == "stenosis_index_imaged":  # lumbar stenosis is low back pain, not spondylopathy
        condition("M48.061", index, visit=True)
        imaging(index + timedelta(days=rng.randrange(0, 28)))
    elif scenario == "sprain_index_not_imaged":  # a lumbar sprain is low back pain, not trauma
        condition("S33.5XXA", index, visit=True)
    elif scenario == "snomed_cancer_excluded":
        condition("278860009", index, system=SNOMED, visit=True)
        condition("254637007", index - timedelta(days=800), "resolved", system=SNOMED)
        imaging(index, "72158")
    elif scenario == "partial_date_cancer_excluded":
        condition("M54.50", index, visit=True)
        condition("C50.911", str(year - 12), "resolved")
        imaging(index, "72158")
    elif scenario == "snomed_osteoporosis_excluded":
        condition("M54.50", index, visit=True)
        condition("64859006", f"{year - 5}-03", system=SNOMED)
        imaging(index, "72148")
    elif scenario == "lumbar_surgery_procedure_excluded":
        condition("M54.50", index, visit=True)
        _write(files["Procedure"], {
            "resourceType": "Procedure", "id": f"{pid}-s", "status": "completed",
            "subject": {"reference": f"Patient/{pid}"},
            "code": {"coding": [{"system": CPT, "code": "63030"}]},
            "performedDateTime": f"{year - 6}-05-05",
        })  # fmt: skip
    elif scenario == "hospice_encounter_excluded":
        condition("M54.50", index, visit=True)
        _write(files["Encounter"], {
            "resourceType": "Encounter", "id": f"{pid}-e1", "status": "finished",
            "class": {"system": ACT, "code": "HH"},
            "type": [{"coding": [{"system": SNOMED, "code": "385763009"}]}],
            "subject": {"reference": f"Patient/{pid}"},
            "period": {"start": f"{year}-12-10"},
        })  # fmt: skip
    elif scenario == "death_excluded":
        condition("M54.50", index, visit=True)
    elif scenario == "trauma_recent_excluded":
        # A lumbar fracture 30 days before: excluded, and a suspected fracture (imaged that day).
        condition("M54.50", index, visit=True)
        condition("S32.010A", index - timedelta(days=30))
        imaging(index, "72148")
    elif scenario == "frailty_advanced_illness_excluded":
        condition("M54.50", index, visit=True)
        condition("R54", index)  # frailty in the measurement year
        condition("26929004", f"{year - 1}-06-01", system=SNOMED)
        imaging(index, "72100")
    elif scenario == "coverage_gap_excluded":
        condition("M54.50", index, visit=True)
    elif scenario == "too_old":
        condition("M54.50", index)
    elif scenario == "uncomplicated_not_imaged":
        condition("M54.50", index)
        temperature(index, 36.8)
        note(
            index,
            "Mechanical low back pain after lifting. Denies saddle anesthesia, bowel or bladder "
            "incontinence. Return if you develop fever or leg weakness.",
        )
    elif scenario == "uncomplicated_imaged":
        condition("M54.50", index)
        imaging(index + timedelta(days=rng.randrange(0, 28)))
    elif scenario == "fever_imaged_same_day":
        condition("M54.50", index)
        temperature(index, 38.9)
        imaging(index, "72158")
    elif scenario == "cauda_equina_not_imaged":
        condition("M54.50", index)
        condition("R33.9", index)  # new urinary retention
    elif scenario == "fever_not_imaged":
        condition("M54.50", index)
        temperature(index, 39.2)
    elif scenario == "palliative_excluded":
        # Palliative care excludes the episode from HEDIS and is no red flag.
        condition("M54.50", index)
        condition("Z51.5", index)
    elif scenario == "note_saddle_not_imaged":
        condition("M54.50", index)
        note(index, "HPI: low back pain for 3 days. Reports numbness in the saddle area since "
                    "yesterday. Denies fever.")  # fmt: skip
    elif scenario == "steroid_long_excluded":
        # 90 consecutive days of prednisone: excluded from the measure, and a fracture red flag
        # (imaged the same day, so not missed).
        condition("M54.50", index)
        for k in range(3):
            medication("MedicationDispense", "predniSONE 5 MG Oral Tablet",
                       index - timedelta(days=150 - 30 * k), 30)  # fmt: skip
        imaging(index)
    elif scenario == "steroid_gaps_imaged":
        # 100 days of prednisolone in two courses: the red flag (90 days in the year), not
        # the HEDIS exclusion (90 consecutive days).
        condition("M54.50", index)
        medication("MedicationStatement", "prednisoLONE 5 MG Oral Tablet",
                   index - timedelta(days=200), 50)  # fmt: skip
        medication("MedicationStatement", "prednisoLONE 5 MG Oral Tablet",
                   index - timedelta(days=130), 50)  # fmt: skip
        imaging(index)
    elif scenario == "steroid_inhaled_imaged":
        # An inhaled or nasal corticosteroid is not systemic: neither flag nor exclusion.
        condition("M54.50", index)
        medication("MedicationRequest", "fluticasone propionate 50 MCG/ACTUAT Nasal Spray",
                   index - timedelta(days=200), 180)  # fmt: skip
        imaging(index + timedelta(days=rng.randrange(0, 28)))
    elif scenario == "osteoporosis_drug_excluded":
        condition("M54.50", index)
        medication("MedicationRequest", "alendronate sodium 70 MG Oral Tablet",
                   index - timedelta(days=300), 28)  # fmt: skip
        imaging(index + timedelta(days=rng.randrange(0, 28)))
    elif scenario == "questionnaire_saddle_not_imaged":
        condition("M54.50", index)
        _write(files["QuestionnaireResponse"], {
            "resourceType": "QuestionnaireResponse", "id": f"{pid}-q", "status": "completed",
            "questionnaire": "https://spinewise.example/fhir/Questionnaire/spinewise-red-flags|1",
            "subject": {"reference": f"Patient/{pid}"},
            "authored": f"{index.isoformat()}T10:05:00Z",
            "item": [{"linkId": "group-cauda_equina", "item": [
                {"linkId": "saddle_anesthesia", "answer": [{"valueBoolean": True}]},
                {"linkId": "bladder_dysfunction", "answer": [{"valueBoolean": False}]}]},
                {"linkId": "group-spinal_infection", "item": [
                    {"linkId": "fever", "answer": [{"valueBoolean": False}]}]}],
        })  # fmt: skip
    elif scenario == "prior_back_pain":
        # Back pain last December, again this spring: not a new episode (180 days).
        condition("M54.50", date(year - 1, 12, 1), "resolved")
        condition("M54.50", date(year, 1, 15) + timedelta(days=rng.randrange(0, 120)))
