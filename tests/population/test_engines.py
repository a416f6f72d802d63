"""One definition, two engines: DuckDB and Spark give identical episodes, classes, summaries and
quarantines, and every decision equals the reference engine's. The export mixes a synthetic
population with the awkward lines real exports have."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from spinewise import assess, default_rulebook
from spinewise.cli import app
from spinewise.population.audit import run_audit
from spinewise.population.engines import SparkEngine
from spinewise.population.synth import synthesize

RB = default_rulebook()
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def _lines(path: Path, *resources: Any) -> None:
    with path.open("a", encoding="utf-8") as handle:
        for r in resources:
            handle.write((r if isinstance(r, str) else json.dumps(r)) + "\n")


def _awkward(export: Path) -> None:
    """What real exports hold besides clean resources."""
    _lines(
        export / "Patient.001.ndjson",
        {"resourceType": "Patient", "id": "u1", "birthDate": "1970-03-04"},
        {"resourceType": "Patient", "id": "u2", "birthDate": "1980"},  # partial: age unknown
        {"resourceType": "Patient", "id": "u3", "birthDate": "1990-07-01"},
        "",
        '{"resourceType": "Patient", "id": ',  # cut short
        '["not", "a", "resource"]',
    )
    _lines(
        export / "Condition.001.ndjson",
        # urn:uuid references (Synthea's style), timestamps with offsets, dotless ICD codes
        {"resourceType": "Condition", "id": "u1-c", "subject": {"reference": "urn:uuid:u1"},
         "code": {"coding": [{"system": ICD, "code": "M545"}]},
         "onsetDateTime": "2025-04-02T23:30:00-07:00"},
        {"resourceType": "Condition", "id": "u2-c", "subject": {"reference": "Patient/u2"},
         "code": {"coding": [{"system": ICD, "code": "M54.50"}]}, "onsetDateTime": "2025-05-01"},
        {"resourceType": "Condition", "id": "u3-c", "subject": {"reference": "Patient/u3"},
         "code": {"coding": [{"system": ICD, "code": "M54.50"}]}, "onsetDateTime": "2025-06-10"},
        {"resourceType": "Condition", "id": "u3-old", "subject": {"reference": "Patient/u3"},
         "code": {"coding": [{"system": ICD, "code": "M54.50"}]}, "onsetDateTime": "2025"},
        {"resourceType": "Condition", "id": "nosubj",
         "code": {"coding": [{"system": ICD, "code": "M54.50"}]}, "onsetDateTime": "2025-06-10"},
        {"resourceType": "Observation", "id": "wrong-file", "subject": {"reference": "Patient/u3"}},
    )  # fmt: skip
    _lines(
        export / "Observation.001.ndjson",
        # 101.5 °F the day before: fever
        {"resourceType": "Observation", "id": "u3-t", "status": "final",
         "subject": {"reference": "Patient/u3"},
         "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
         "effectiveDateTime": "2025-06-09T20:00:00Z",
         "valueQuantity": {"value": 101.5, "unit": "degF", "code": "[degF]"}},
        {"resourceType": "Observation", "id": "u1-t", "status": "final",
         "subject": {"reference": "Patient/u1"},
         "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
         "effectiveDateTime": "2025-04-02", "valueQuantity": {"value": "hot"}},
    )  # fmt: skip
    _lines(
        export / "QuestionnaireResponse.001.ndjson",
        # spinewise's questionnaire: a "no" counts as absent; another questionnaire is not ours.
        {"resourceType": "QuestionnaireResponse", "id": "u1-q", "status": "completed",
         "questionnaire": "https://x.example/Questionnaire/spinewise-red-flags",
         "subject": {"reference": "Patient/u1"}, "authored": "2025-04-02T09:00:00Z",
         "item": [{"linkId": "saddle_anesthesia", "answer": [{"valueBoolean": False}]}]},
        {"resourceType": "QuestionnaireResponse", "id": "u3-q", "status": "completed",
         "questionnaire": "https://x.example/Questionnaire/phq-9",
         "subject": {"reference": "Patient/u3"}, "authored": "2025-06-10",
         "item": [{"linkId": "fever", "answer": [{"valueBoolean": False}]}]},
    )  # fmt: skip
    # Damaged lines (quarantined before either engine reads them), lines JSON parsers differ
    # on, and a file with Windows line ends and a byte order mark.
    with (export / "Condition.002.ndjson").open("wb") as handle:
        good = {"resourceType": "Condition", "subject": {"reference": "Patient/u3"},
                "code": {"coding": [{"system": ICD, "code": "M54.50"}]}, "onsetDateTime": "2024-01-02"}  # fmt: skip
        handle.write(
            json.dumps({**good, "id": "bad-\u00ff"}).encode().replace(b"\\u00ff", b"\xff") + b"\n"
        )
        handle.write(json.dumps({**good, "id": "ctl"}).encode().replace(b"ctl", b"c\x01l") + b"\n")
        handle.write(json.dumps({**good, "id": "cr"}).encode().replace(b"cr", b"c\rr") + b"\n")
        handle.write(json.dumps({**good, "id": "tab"}).encode().replace(b"tab", b"t\tb") + b"\n")
        handle.write(b"{'resourceType': 'Condition', 'id': 'single-quotes'}\n")
        handle.write(json.dumps({**good, "id": "tail"}).encode() + b" trailing\n")
        handle.write(json.dumps({**good, "id": "ok-1"}).encode() + b"\n")
    with (export / "Observation.002.ndjson").open("wb") as handle:
        handle.write(b"\xef\xbb\xbf")
        for k in range(3):
            handle.write(json.dumps({"resourceType": "Observation", "id": f"w{k}", "status": "final",
                                     "subject": {"reference": "Patient/u1"},
                                     "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
                                     "effectiveDateTime": "2025-04-02",
                                     "valueQuantity": {"value": 36.8 + k, "unit": "Cel"}}).encode() + b"\r\n")  # fmt: skip
    _lines(
        export / "MedicationRequest.001.ndjson",
        # 4 weeks with 3 repeats = 112 days of prednisone, starting 200 days before: the red
        # flag and the HEDIS exclusion (a single run of 112 days).
        {"resourceType": "MedicationRequest", "id": "u1-m", "status": "completed",
         "intent": "order", "subject": {"reference": "Patient/u1"}, "authoredOn": "2024-09-14",
         "medicationCodeableConcept": {"text": "prednisone 10 MG Oral Tablet"},
         "dispenseRequest": {"numberOfRepeatsAllowed": 3,
                             "expectedSupplyDuration": {"value": 4, "unit": "weeks", "code": "wk"}}},
    )  # fmt: skip


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    synthesize(240, 2025, out, seed=11)
    _awkward(out)
    return out


def _outputs(folder: Path) -> dict[str, Any]:
    summary = json.loads((folder / "summary.json").read_text())
    summary.pop("engine")
    return {
        "summary": summary,
        "episodes": pq.read_table(folder / "episodes.parquet").to_pylist(),
        "quarantine": (folder / "quarantine.ndjson").read_text(),
    }


def test_duckdb_spark_and_the_reference_engine_agree(
    export: Path, tmp_path: Path, spark: Any
) -> None:
    # One Spark run (each costs about a minute here): the seed policy, which raises the most
    # urgent flags, with the notes read. DuckDB against the reference engine under both
    # policies is in test_audit.py.
    policy, notes = "seed", True
    duck = run_audit(export, 2025, tmp_path / "duckdb", policy=policy, notes=notes)
    run_audit(export, 2025, tmp_path / "spark", policy=policy, notes=notes,
              engine=SparkEngine(spark))  # fmt: skip
    a, b = _outputs(tmp_path / "duckdb"), _outputs(tmp_path / "spark")
    assert a["summary"] == b["summary"]
    assert a["quarantine"] == b["quarantine"]
    assert a["episodes"] == b["episodes"]
    assert len(duck.episodes) > 100
    for episode in duck.episodes:
        findings = {fid: episode[fid] for fid in RB.findings if episode.get(fid) is not None}
        reference = assess({"age": episode["age"], "findings": findings}, policy)
        assert (episode["decision"], episode["urgency"]) == (reference.decision, reference.urgency)
    truth = [json.loads(line) for line in (export / "truth.jsonl").read_text().splitlines()]
    got = {e["patient"]: e["class"] for e in duck.episodes}
    key = "class_with_notes" if notes else "class"
    for t in truth:
        assert got.get(t["patient"]) == t[key], t


def test_awkward_lines(export: Path, tmp_path: Path) -> None:
    result = run_audit(export, 2025, tmp_path)
    episodes = {e["patient"]: e for e in result.episodes}
    u1, u3 = episodes["u1"], episodes["u3"]
    # The timestamp's own date, not the UTC one.
    assert u1["index_date"] == "2025-04-02" and u1["age"] == 55
    assert u1["prolonged_corticosteroid_use"] is True
    assert u1["excluded_reason"] == "long-term systemic corticosteroids"
    # 101.5 °F is 38.6 °C; the partial "2025" onset is no earlier episode.
    assert u3["fever"] is True and u3["index_date"] == "2025-06-10"
    assert u1["saddle_anesthesia"] is False  # answered "no" in spinewise's questionnaire
    assert "u2" not in episodes  # birth year only: no age, no episode
    quarantine = [json.loads(x) for x in (tmp_path / "quarantine.ndjson").read_text().splitlines()]
    reasons = {(q["file"], q["line"]): q["reason"] for q in quarantine}
    assert reasons[("Patient.001.ndjson", 5)].startswith("not valid JSON")
    assert reasons[("Patient.001.ndjson", 6)] == "not a FHIR resource"
    assert reasons[("Condition.001.ndjson", 5)] == "no subject Patient reference"
    assert reasons[("Condition.001.ndjson", 6)] == "a Observation in a Condition file"
    assert (
        reasons[("Observation.001.ndjson", 2)] == "a measurement without a number or a known unit"
    )
    assert reasons[("Condition.002.ndjson", 1)] == "not valid UTF-8"
    assert reasons[("Condition.002.ndjson", 2)] == "a control character"
    assert reasons[("Condition.002.ndjson", 3)] == "a carriage return inside the line"
    assert reasons[("Condition.002.ndjson", 4)].startswith("not valid JSON: Invalid control")
    assert reasons[("Condition.002.ndjson", 5)].startswith("not valid JSON: Expecting property")
    assert reasons[("Condition.002.ndjson", 6)] == "not valid JSON: Extra data"
    assert ("Condition.002.ndjson", 7) not in reasons
    assert not any(q["file"] == "Observation.002.ndjson" for q in quarantine)
    s = result.summary
    assert s["quarantined_lines"] == len(quarantine) == 11
    assert s["input_lines"] == s["used_lines"] + s["ignored_lines"] + s["quarantined_lines"]


def test_cli_audit_on_spark(export: Path, tmp_path: Path, spark: Any) -> None:
    """The user's way in: `spinewise audit --engine spark` (on the session of this run)."""
    runner = CliRunner()
    done = runner.invoke(app, ["audit", str(export), "--year", "2025", "--engine", "spark",
                               "--out", str(tmp_path / "s")])  # fmt: skip
    assert done.exit_code == 0, done.output
    summary = json.loads((tmp_path / "s" / "summary.json").read_text())
    assert summary["engine"] == "spark" and summary["missed_red_flags"] > 0
    bad = runner.invoke(app, ["audit", str(export), "--year", "2025", "--spark-master",
                              "local[1]"])  # fmt: skip
    assert bad.exit_code == 2 and "--spark-master" in bad.output


def test_a_spark_failure_is_one_line(spark: Any) -> None:
    from spinewise.population.engines import EngineError

    engine = SparkEngine(spark)
    with pytest.raises(EngineError, match=r"^spark, step collecting: .*no_such_table") as caught:
        engine.rows("SELECT * FROM no_such_table")
    assert "\n" not in str(caught.value)
    engine.close()
