"""Measure specs (tests/spec/measure/*.yaml): one patient per case, the HEDIS low back pain
measure of knowledge/measure.yaml on every audit engine (DuckDB and Spark), each engine reading
all the cases of a year in one export. The definition points are those of CLINICAL.md §7 and
NCQA's wording: age, the index episode, exclusions in every code system and their windows,
partial dates, hospice, lumbar surgery, frailty, death and continuous enrolment."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from spinewise import default_rulebook
from spinewise.population.audit import run_audit
from spinewise.population.engines import DuckDBEngine, SparkEngine
from tests.conftest import load_yaml

SPECS = Path(__file__).parent / "measure"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def _cases() -> list[dict[str, Any]]:
    out = []
    for path in sorted(SPECS.glob("*.yaml")):
        doc = load_yaml(path)
        for i, case in enumerate(doc["cases"]):
            out.append({**case, "id": f"{path.stem}: {case['name']}", "patient_id": f"{path.stem}-{i}",
                        "year": doc["year"], "index": doc.get("index")})  # fmt: skip
    return out


CASES = _cases()


def _resources(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The case as one patient's record: ids named after the case, subjects and references
    pointed at it, the index diagnosis of the file, and a full coverage unless it has its own."""
    pid = case["patient_id"]
    out: list[dict[str, Any]] = [{"resourceType": "Patient", "id": pid, "birthDate": "1970-05-05",
                                  **case.get("patient", {})}]  # fmt: skip
    resources = copy.deepcopy(case.get("resources", []))
    if case["index"]:
        resources.append({"resourceType": "Condition", "id": "index",
                          "code": {"coding": [{"system": ICD, "code": "M54.50"}]},
                          "onsetDateTime": case["index"]})  # fmt: skip
    coverage = case.get("coverage") or [
        {"status": "active", "period": {"start": f"{case['year'] - 2}-01-01"}}
    ]
    resources += [
        {"resourceType": "Coverage", "id": f"cov{k}", **c} for k, c in enumerate(coverage)
    ]
    for r in resources:
        r["id"] = f"{pid}-{r['id']}"
        key = "beneficiary" if r["resourceType"] == "Coverage" else "subject"
        r[key] = {"reference": f"Patient/{pid}"}
        if "encounter" in r:
            kind, ref = r["encounter"]["reference"].split("/")
            r["encounter"] = {"reference": f"{kind}/{pid}-{ref}"}
        out.append(r)
    return out


def _audit(engine: Any, folder: Path) -> dict[str, dict[str, Any]]:
    """Every case of every year, audited by one engine: patient id -> episode (or absent)."""
    episodes: dict[str, dict[str, Any]] = {}
    for year in sorted({c["year"] for c in CASES}):
        export = folder / f"export-{year}"
        export.mkdir()
        by_type: dict[str, list[dict[str, Any]]] = {}
        for case in (c for c in CASES if c["year"] == year):
            for r in _resources(case):
                by_type.setdefault(r["resourceType"], []).append(r)
        for kind, resources in by_type.items():
            (export / f"{kind}.000.ndjson").write_text(
                "".join(json.dumps(r) + "\n" for r in resources)
            )
        result = run_audit(
            export, year, folder / f"out-{year}", engine=engine(), rulebook=default_rulebook()
        )
        assert result.summary["quarantined_lines"] == 0
        assert result.summary["enrolment"] == "checked"
        episodes |= {e["patient"]: e for e in result.episodes}
    return episodes


@pytest.fixture(scope="module", params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def audited(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    folder = tmp_path_factory.mktemp(f"measure-{request.param}")
    if request.param == "duckdb":
        return _audit(DuckDBEngine, folder)
    session = request.getfixturevalue("spark")
    return _audit(lambda: SparkEngine(session), folder)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_measure_spec(audited: dict[str, dict[str, Any]], case: dict[str, Any]) -> None:
    expect = case["expect"]
    episode = audited.get(case["patient_id"])
    if expect.get("episode", True) is False:
        assert episode is None, f"{case['id']}: an episode where there must be none: {episode}"
        return
    assert episode is not None, f"{case['id']}: no episode"
    want_index = expect.get("index_date") or case["index"]
    assert episode["index_date"] == want_index, case["id"]
    assert episode["excluded_reason"] == expect["excluded"], case["id"]
    if "reasons" in expect:
        assert episode["excluded_reasons"] == expect["reasons"], case["id"]


def test_every_exclusion_has_a_case_in_and_out() -> None:
    """Each exclusion of measure.yaml excludes in some case; every windowed one also has a case
    just outside its window (an episode that stays in)."""
    reasons = {c["expect"].get("excluded") for c in CASES}
    missing = [x.reason for x in default_rulebook().measure.exclusions if x.reason not in reasons]
    assert not missing, missing
    assert None in reasons and "not continuously enrolled" in reasons
