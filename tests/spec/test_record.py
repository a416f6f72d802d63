"""Record specs (tests/spec/record/*.yaml) on every engine that reads a record: the FHIR intake
(the point of care) and the audit's SQL generated from the same record rules, on DuckDB and on
Spark. No spec names an engine: the `engine` fixture runs each on all of them, as in
opensafely-core/ehrql's tests/spec. The SQL engines read all the cases in one export, one patient
per case, with one reading day each."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from spinewise import default_rulebook
from spinewise.fhir.intake import intake
from spinewise.population.audit import knowledge_tables
from spinewise.population.definition import steps
from spinewise.population.engines import DuckDBEngine, Engine, SparkEngine
from tests.conftest import load_yaml

RB = default_rulebook()
SPECS = Path(__file__).parent / "record"
#: One result per case: finding id -> (value, the resources behind it).
Read = dict[str, tuple[bool, frozenset[str]]]


def _cases() -> list[dict[str, Any]]:
    out = []
    for path in sorted(SPECS.glob("*.yaml")):
        doc = load_yaml(path)
        for i, case in enumerate(doc["cases"]):
            out.append(
                {
                    **case,
                    "id": f"{path.stem}: {case['name']}",
                    "patient": f"{path.stem}-{i}",
                    "reading_day": date.fromisoformat(
                        str(case.get("reading_day", doc["reading_day"]))
                    ),
                }
            )
    return out


CASES = _cases()


def _resources(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's resources as one patient's record: the Patient and every subject added."""
    patient = {"resourceType": "Patient", "id": case["patient"], "birthDate": "1970-01-01"}
    subject = {"reference": f"Patient/{case['patient']}"}
    return [patient] + [{**r, "subject": subject} for r in case.get("resources", [])]


def read_with_intake(cases: list[dict[str, Any]]) -> dict[str, Read]:
    out: dict[str, Read] = {}
    for case in cases:
        found = intake(_resources(case), case["reading_day"], rulebook=RB)
        out[case["id"]] = {
            fid: (
                value,
                frozenset(
                    e.resource for e in found.evidence if e.finding == fid and e.value == value
                ),
            )
            for fid, value in found.findings.items()
        }
    return out


def read_with_sql(engine: Engine, cases: list[dict[str, Any]], folder: Path) -> dict[str, Read]:
    """Every case in one export, read by the generated record steps as of each case's day."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for case in cases:
        for resource in _resources(case):
            by_type.setdefault(resource["resourceType"], []).append(resource)
    paths = []
    for kind, resources in sorted(by_type.items()):
        path = folder / f"{kind}.000.ndjson"
        path.write_text("".join(json.dumps(r) + "\n" for r in resources))
        paths.append(path)
    try:
        engine.read(paths, notes=False)
        knowledge_tables(engine, RB)
        engine.table("readings", [("patient", "VARCHAR"), ("reading_day", "DATE")],
                     [(c["patient"], c["reading_day"]) for c in cases])  # fmt: skip
        for step in steps(RB, "seed", 2025, notes=False, dialect=engine.dialect,
                          only=("record", "findings")):  # fmt: skip
            engine.step(step.name, step.sql, step.reused)
        rows = engine.rows("SELECT * FROM record_findings")
        hits = engine.rows("SELECT patient, finding, ref FROM record_hits WHERE winning")
    finally:
        engine.close()
    patients = {c["patient"]: c["id"] for c in cases}
    out: dict[str, Read] = {c["id"]: {} for c in cases}
    for row in rows:
        for fid in RB.findings:
            if row[fid] is not None:
                refs = frozenset(
                    h["ref"] for h in hits if h["patient"] == row["patient"] and h["finding"] == fid
                )
                out[patients[row["patient"]]][fid] = (bool(row[fid]), refs)
    return out


@pytest.fixture(
    scope="module", params=["intake", "duckdb", pytest.param("spark", marks=pytest.mark.spark)]
)
def engine_reads(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Read]:
    """What each engine reads from every case (computed once per engine)."""
    if request.param == "intake":
        return read_with_intake(CASES)
    folder = tmp_path_factory.mktemp(f"record-{request.param}")
    engine: Engine = (
        DuckDBEngine()
        if request.param == "duckdb"
        else SparkEngine(request.getfixturevalue("spark"))
    )
    return read_with_sql(engine, CASES, folder)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_record_spec(engine_reads: dict[str, Read], case: dict[str, Any]) -> None:
    expected = {
        fid: (want["value"], frozenset(want["evidence"]))
        for fid, want in (case.get("expect") or {}).items()
    }
    got = engine_reads[case["id"]]
    assert got == expected, f"{case['id']}: expected {expected}, read {got}"
    assert not set(case.get("unknown", [])) & set(expected), "a finding both expected and unknown"


def test_every_record_rule_has_a_present_an_absent_and_an_unknown_case() -> None:
    """ehrQL's test_registered_tests_are_exhaustive, for the record rules: each finding with a
    rule has a case where it is read present, one where it is read absent (when the rule can
    make it absent), and one where it must stay unknown; each reader a present source uses has
    a present case."""
    present = {fid for c in CASES for fid, w in (c.get("expect") or {}).items() if w["value"]}
    absent = {fid for c in CASES for fid, w in (c.get("expect") or {}).items() if not w["value"]}
    unknown = {fid for c in CASES for fid in c.get("unknown", [])}
    evidence_types = {
        fid: {
            ref.split("/")[0]
            for c in CASES
            for f, w in (c.get("expect") or {}).items()
            if f == fid and w["value"]
            for ref in w["evidence"]
        }
        for fid in RB.record_rules
    }
    missing = []
    for fid, rule in RB.record_rules.items():
        if rule.present and fid not in present:
            missing.append(f"{fid}: no present case")
        if rule.absent and fid not in absent:
            missing.append(f"{fid}: no absent case")
        if fid not in unknown:
            missing.append(f"{fid}: no unknown case")
    readers = {r for rule in RB.record_rules.values() for s in rule.present for r in s.read}
    read_types = {
        RB.readers[r].resource if RB.readers[r].resource != "Medication" else "MedicationDispense"
        for r in readers
    }
    seen = {t for types in evidence_types.values() for t in types}
    seen |= {"MedicationDispense"} if seen & {"MedicationRequest", "MedicationStatement"} else set()
    missing += [f"reader of {t}: no present case" for t in sorted(read_types - seen)]
    assert not missing, missing
    # Answers can make every finding present or absent: both are specified.
    answered = {
        c["id"]
        for c in CASES
        for w in (c.get("expect") or {}).values()
        if any(e.startswith("QuestionnaireResponse/") for e in w["evidence"])
    }
    assert answered


def test_record_specs_cover_the_regression_of_the_epidural_injection() -> None:
    case = next(
        c for c in CASES if "62323" in json.dumps(c["resources"]) and "nine days" in c["name"]
    )
    assert case["expect"]["recent_spinal_procedure"]["value"] is True


def test_the_audit_schema_reads_every_field_the_readers_read() -> None:
    """The SQL engines parse only the fields of population/schema.py: a reader's date or status
    that is not there would be silently NULL in the audit and not at the point of care."""
    from spinewise.population.schema import SCHEMAS

    missing = []
    for reader in RB.readers.values():
        kinds = (
            ["MedicationDispense", "MedicationRequest", "MedicationStatement"]
            if reader.resource == "Medication"
            else [reader.resource]
        )
        for path in [*reader.never, *reader.current, *reader.dates]:
            top = path.split(".")[0]
            if not any(top in SCHEMAS[kind] for kind in kinds):
                missing.append(f"{reader.id}: {path}")
    assert not missing, missing
