"""A custom rulebook with one extra finding works end to end: the record is read with its rules,
the presentation is validated against its catalogue (not the packaged one), the assessment and
the audit use its policy, and a note is read with its words."""

from __future__ import annotations

import json
import shutil
from datetime import date
from importlib.resources import as_file, files
from pathlib import Path

import pytest
import yaml

from spinewise import assess, load_rulebook
from spinewise.fhir.intake import intake
from spinewise.nlp import extract
from spinewise.population.audit import run_audit
from spinewise.rulebook import Rulebook

ICD = "http://hl7.org/fhir/sid/icd-10-cm"


@pytest.fixture(scope="module")
def custom(tmp_path_factory: pytest.TempPathFactory) -> Rulebook:
    """The packaged knowledge plus `recent_bacteremia`: a finding, a value set, a record rule,
    a seed rule that images for it, and a note rule that finds it."""
    root = tmp_path_factory.mktemp("knowledge") / "knowledge"
    with as_file(files("spinewise").joinpath("knowledge")) as packaged:
        shutil.copytree(packaged, root)

    def edit(name: str, change: object) -> None:
        path = root / name
        data = (
            yaml.safe_load(path.read_text())
            if name.endswith(".yaml")
            else json.loads(path.read_text())
        )
        change(data)  # type: ignore[operator]
        path.write_text(
            yaml.safe_dump(data, sort_keys=False) if name.endswith(".yaml") else json.dumps(data)
        )

    edit("findings.yaml", lambda d: d["findings"].append(
        {"id": "recent_bacteremia", "tier": "extension", "question": "Bacteremia in the last weeks?",
         "help": "Bacteria in a blood culture in the last weeks.", "screens": ["spinal_epidural_abscess"],
         "sources": ["SEA"]}))  # fmt: skip
    (root / "value_sets" / "bacteremia.yaml").write_text(yaml.safe_dump(
        {"id": "bacteremia", "title": "Bacteremia", "sources": ["SEA"], "codes": {"icd10cm": ["R78.81"]}}))  # fmt: skip
    edit("record_rules.yaml", lambda d: d["rules"].append(
        {"finding": "recent_bacteremia", "sources": ["SEA"],
         "present": [{"read": "Condition.code", "value_set": "bacteremia", "window": {"value": 30, "unit": "d"}}]}))  # fmt: skip
    edit("policies/seed.yaml", lambda d: d["rules"].append(
        {"id": "seed.bacteremia", "title": "Recent bacteremia", "when": "recent_bacteremia", "decision": "image",
         "suspects": ["spinal_epidural_abscess"], "urgency": "emergency", "study": "mri_lumbar_without_and_with_contrast",
         "refer": ["spine_surgery", "infectious_diseases"], "sources": ["SEA"]}))  # fmt: skip
    edit(
        "policies/acr.yaml",
        lambda d: d["not_used"].update({"recent_bacteremia": "Not in ACR 2021."}),
    )
    edit("nlp/target_rules.json", lambda d: d["target_rules"].append(
        {"literal": "bacteremia", "category": "recent_bacteremia"}))  # fmt: skip
    return load_rulebook(str(root))


def _record(patient: str, day: str) -> list[dict[str, object]]:
    subject = {"reference": f"Patient/{patient}"}
    return [
        {"resourceType": "Patient", "id": patient, "birthDate": "1985-02-03"},
        {"resourceType": "Condition", "id": f"{patient}-lbp", "subject": subject,
         "code": {"coding": [{"system": ICD, "code": "M54.50"}]}, "onsetDateTime": day},
        {"resourceType": "Condition", "id": f"{patient}-b", "subject": subject,
         "code": {"coding": [{"system": ICD, "code": "R78.81"}]}, "onsetDateTime": "2025-06-01"},
    ]  # fmt: skip


def test_record_to_assessment_with_the_custom_rulebook(custom: Rulebook) -> None:
    found = intake(_record("p1", "2025-06-10"), date(2025, 6, 10), rulebook=custom)
    assert found.findings == {"recent_bacteremia": True}
    presentation = found.presentation()  # checked against the custom catalogue
    result = assess(presentation, "seed", rulebook=custom)
    assert result.decision == "image" and result.urgency == "emergency"
    assert "seed.bacteremia" in result.rules_fired
    assert (
        extract("Blood cultures grew staph: bacteremia.", rulebook=custom).findings[
            "recent_bacteremia"
        ]
        is True
    )


def test_the_packaged_rulebook_refuses_the_extra_finding() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="recent_bacteremia"):
        assess({"age": 40, "findings": {"recent_bacteremia": True}}, "seed")


def test_audit_with_the_custom_rulebook(custom: Rulebook, tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    by_type: dict[str, list[dict[str, object]]] = {}
    for resource in _record("p1", "2025-06-10"):
        by_type.setdefault(str(resource["resourceType"]), []).append(resource)
    for kind, resources in by_type.items():
        (export / f"{kind}.000.ndjson").write_text("".join(json.dumps(r) + "\n" for r in resources))
    result = run_audit(export, 2025, tmp_path / "out", rulebook=custom)
    [episode] = result.episodes
    assert episode["recent_bacteremia"] is True
    assert episode["decision"] == "image" and episode["urgency"] == "emergency"
    assert episode["class"] == "missed_red_flag"
