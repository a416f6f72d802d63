"""The population audit on DuckDB: planted truth recovered exactly, the SQL decision equal to the
reference engine's, bad lines quarantined, reruns identical, a real Synthea export read."""

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
from spinewise.population.synth import synthesize
from tests.shared import shared

RB = default_rulebook()


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    synthesize(600, 2025, out, seed=7)
    return out


@pytest.mark.parametrize("policy", ["seed", "acr"])
def test_planted_truth_is_recovered_exactly(export: Path, tmp_path: Path, policy: str) -> None:
    result = run_audit(export, 2025, tmp_path, policy=policy)
    truth = {
        t["patient"]: t for t in map(json.loads, (export / "truth.jsonl").read_text().splitlines())
    }
    got = {e["patient"]: e["class"] for e in result.episodes}
    expected = {p: t["class"] for p, t in truth.items() if t["class"]}
    # The planted scenarios mean the same under both policies: a new urinary retention is an
    # emergency and a fever urgent under acr too; the rest raise no flag.
    assert got == expected
    summary = result.summary
    assert summary["missed_red_flags"] == sum(
        1 for c in expected.values() if c == "missed_red_flag"
    )
    assert (
        summary["input_lines"]
        == summary["used_lines"] + summary["ignored_lines"] + summary["quarantined_lines"]
    )
    assert summary["denominator"] == summary["episodes"] - summary["excluded"]


@pytest.mark.parametrize("policy", ["seed", "acr"])
def test_sql_decision_equals_the_reference_engine(
    export: Path, tmp_path: Path, policy: str
) -> None:
    result = run_audit(export, 2025, tmp_path, policy=policy)
    assert result.episodes
    for episode in result.episodes:
        findings = {fid: episode[fid] for fid in RB.findings if episode.get(fid) is not None}
        reference = assess({"age": episode["age"], "findings": findings}, policy)
        assert (episode["decision"], episode["urgency"]) == (
            reference.decision,
            reference.urgency,
        ), episode


def test_outputs_and_a_rerun_gives_identical_results(export: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    run_audit(export, 2025, first)
    run_audit(export, 2025, second)
    for name in ("summary.json", "quarantine.ndjson", "report.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert pq.read_table(first / "episodes.parquet").equals(
        pq.read_table(second / "episodes.parquet")
    )
    assert not list(first.glob("*.partial")) and not list(first.glob(".*partial"))
    summary = json.loads((first / "summary.json").read_text())
    for key in ("year", "policy", "engine", "patients", "episodes", "excluded", "denominator",
                "imaged_within_28_days", "hedis_lbp_inverted_rate", "low_value_imaging",
                "missed_red_flags", "quarantined_lines", "input_lines"):  # fmt: skip
        assert key in summary


def test_bad_lines_are_quarantined_and_the_run_goes_on(tmp_path: Path) -> None:
    export = tmp_path / "export"
    synthesize(50, 2025, export, seed=2)
    with (export / "Condition.000.ndjson").open("a") as handle:
        handle.write("{not json\n")
        handle.write(json.dumps({"resourceType": "Patient", "id": "x"}) + "\n")
        handle.write(json.dumps({"resourceType": "Condition", "id": "y", "subject": {"reference": "Patient/p"},
                                 "code": {"coding": [{"system": "http://example.org/local", "code": "LBP1"}]}}) + "\n")  # fmt: skip
    result = run_audit(export, 2025, tmp_path / "out")
    lines = [
        json.loads(line)
        for line in (tmp_path / "out" / "quarantine.ndjson").read_text().splitlines()
    ]
    reasons = [(q["file"], q["reason"]) for q in lines]
    assert (
        "Condition.000.ndjson",
        "not valid JSON: Expecting property name enclosed in double quotes",
    ) in reasons
    assert ("Condition.000.ndjson", "a Patient in a Condition file") in reasons
    assert ("Condition.000.ndjson", "no code system spinewise knows") in reasons
    assert all(isinstance(q["line"], int) and q["line"] > 0 for q in lines)
    assert result.summary["quarantined_lines"] == 3
    assert result.episodes  # the rest was audited


def test_the_synthea_export_is_audited_without_error(tmp_path: Path) -> None:
    result = run_audit(shared("data/fhir_r4_samples/bulk_ndjson_10_patients"), 2022, tmp_path)
    summary = result.summary
    assert summary["patients"] == 13
    assert summary["quarantined_lines"] == 0
    assert summary["resource_types"]["Condition"] == 555
    # Synthea's sample has no ServiceRequest or MedicationStatement: fine, and said.
    assert {"ServiceRequest", "MedicationStatement"} <= set(summary["resource_types_missing"])
    assert "Condition" not in summary["resource_types_missing"]


def test_cli_synth_then_audit(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(
        app,
        [
            "synth",
            "--patients",
            "120",
            "--year",
            "2025",
            "--seed",
            "4",
            "--out",
            str(tmp_path / "x"),
        ],
    )
    assert made.exit_code == 0, made.output
    manifest: dict[str, Any] = json.loads((tmp_path / "x" / "manifest.json").read_text())
    done = runner.invoke(
        app, ["audit", str(tmp_path / "x"), "--year", "2025", "--out", str(tmp_path / "out")]
    )
    assert done.exit_code == 0, done.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["missed_red_flags"] == manifest["expected_classes"].get("missed_red_flag", 0)
    assert "missed red flags" in done.stdout
    bad = runner.invoke(app, ["audit", str(tmp_path / "nope"), "--year", "2025"])
    assert bad.exit_code == 2


def test_report_is_self_contained(export: Path, tmp_path: Path) -> None:
    result = run_audit(export, 2025, tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert "<svg" in html and "missed red flags" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in html
    assert f"<b>{result.summary['missed_red_flags']}</b>missed red flags" in html


def test_wilson_interval() -> None:
    from spinewise.population.report import wilson

    low, high = wilson(20, 100)
    assert round(low, 3) == 0.133 and round(high, 3) == 0.289
    assert wilson(0, 0) == (0.0, 1.0)


def test_notes_add_what_only_a_note_says(export: Path, tmp_path: Path) -> None:
    truth = [json.loads(line) for line in (export / "truth.jsonl").read_text().splitlines()]
    assert any(t["scenario"] == "note_saddle_not_imaged" for t in truth)
    with_notes = run_audit(export, 2025, tmp_path / "notes", notes=True)
    got = {e["patient"]: e["class"] for e in with_notes.episodes}
    assert got == {t["patient"]: t["class_with_notes"] for t in truth if t["class_with_notes"]}
    saddle = next(e for e in with_notes.episodes if e["saddle_anesthesia"])
    assert saddle["decision"] == "image" and saddle["fever"] is False  # "Denies fever."
    negated = [e for e in with_notes.episodes if e["saddle_anesthesia"] is False]
    assert negated and all(e["fever"] is None or e["fever"] is False for e in negated)
    assert with_notes.summary["notes"] is True
    for episode in with_notes.episodes:  # the SQL still agrees with the reference engine
        findings = {fid: episode[fid] for fid in RB.findings if episode.get(fid) is not None}
        reference = assess({"age": episode["age"], "findings": findings}, "seed")
        assert (episode["decision"], episode["urgency"]) == (reference.decision, reference.urgency)


def test_cli_memory_limit_is_checked(export: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["audit", str(export), "--year", "2025", "--memory-limit", "lots",
                              "--out", str(tmp_path / "o")])  # fmt: skip
    assert bad.exit_code == 2 and "--memory-limit" in bad.output
    assert not (tmp_path / "o" / "summary.json").exists()
    small = runner.invoke(app, ["audit", str(export), "--year", "2025", "--memory-limit", "200MB",
                                "--out", str(tmp_path / "o")])  # fmt: skip
    assert small.exit_code == 0, small.output
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["episodes"] > 0


def test_an_interrupted_run_loses_nothing_and_writes_nothing_half(tmp_path: Path) -> None:
    """Kill the CLI in the middle of a rerun: the outputs of the run before stay whole."""
    import os
    import signal
    import subprocess
    import sys
    import time

    export, out = tmp_path / "export", tmp_path / "out"
    synthesize(40_000, 2025, export, seed=3)  # about 5 s to audit here: time to interrupt
    run_audit(export, 2025, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    cli = Path(sys.executable).parent / "spinewise"
    proc = subprocess.Popen([str(cli), "audit", str(export), "--year", "2025", "--policy", "acr",
                             "--out", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(2.0)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {p.name: p.read_bytes() for p in out.iterdir() if "partial" not in p.name}
    assert after == before
