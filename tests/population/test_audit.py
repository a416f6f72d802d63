"""The population audit on DuckDB: planted truth recovered exactly, the SQL decision equal to the
reference engine's, bad lines quarantined, reruns identical, a real Synthea export read."""

from __future__ import annotations

import json
import re
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
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html and " src=" not in html
    # Every chart has an accessible name; ids are unique on the page (several charts share it).
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) >= 12
    assert all('role="img"' in tag and 'aria-label="' in tag for tag in svgs)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    s = result.summary
    assert f"<b>{s['missed_red_flags']:,}</b>missed red flags" in html


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


#: Runs the CLI and kills it (SIGKILL: no cleanup runs) at the Nth change it makes in the
#: output folder, counted by an audit hook (every rename, link, removal or new folder); with
#: N = 0 it prints how many changes a full run makes.
KILL_AT = """
import os, signal, sys
target, out = int(sys.argv[1]), os.path.realpath(sys.argv[2])
changes = 0
EVENTS = {"os.rename", "os.symlink", "os.link", "os.remove", "os.rmdir", "shutil.rmtree", "os.mkdir"}
def hook(event, args):
    global changes
    if event not in EVENTS:
        return
    paths = [os.fsdecode(a) for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
    if any(os.path.realpath(p).startswith(out + os.sep) for p in paths):
        changes += 1
        if changes == target:
            os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(hook)
sys.argv = ["spinewise", "audit", *sys.argv[3:]]
from spinewise.cli import main
try:
    main()
finally:
    if target == 0:
        print("changes", changes, file=sys.stderr)
"""


def _shown(out: Path) -> dict[str, bytes]:
    """What a reader of the output folder sees: each output's content."""
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def test_a_run_killed_at_any_point_leaves_the_previous_outputs_or_the_new_ones_whole(
    tmp_path: Path,
) -> None:
    """Kill the CLI at each change it makes to the outputs, one after another: the folder
    shows the previous run whole or the new run whole, never a mix, and the next run cleans
    up what the killed one left. Deterministic: the kill points are counted, not timed."""
    import subprocess
    import sys

    export, out, new = tmp_path / "export", tmp_path / "out", tmp_path / "new"
    synthesize(40, 2025, export, seed=3)
    cli = Path(sys.executable).parent / "spinewise"
    args = [str(export), "--year", "2025"]
    assert (
        subprocess.run([cli, "audit", *args, "--out", str(out)], capture_output=True).returncode
        == 0
    )
    assert subprocess.run([cli, "audit", *args, "--policy", "acr", "--out", str(new)],
                          capture_output=True).returncode == 0  # fmt: skip
    before, after = _shown(out), _shown(new)
    assert before != after and before.keys() == after.keys()

    def run(target: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", KILL_AT, str(target), str(out), *args,
                               "--policy", "acr", "--out", str(out)],
                              capture_output=True, text=True)  # fmt: skip

    counted = run(0)
    assert counted.returncode == 0, counted.stderr
    changes = int(counted.stderr.split("changes ")[-1])
    assert changes >= 4
    # Back to the previous outputs, then kill the rerun at each change in turn.
    assert (
        subprocess.run([cli, "audit", *args, "--out", str(out)], capture_output=True).returncode
        == 0
    )
    seen = []
    for target in range(1, changes + 1):
        killed = run(target)
        assert killed.returncode == -9, (target, killed.stderr)
        shown = _shown(out)
        assert shown in (before, after), f"a mix of two runs after a kill at change {target}"
        seen.append("before" if shown == before else "after")
        if shown == after:  # go back, to kill the next change of a rerun
            assert subprocess.run([cli, "audit", *args, "--out", str(out)],
                                  capture_output=True).returncode == 0  # fmt: skip
    # Every kill before the switch leaves the previous run, every kill after it the new one.
    assert seen == sorted(seen, key=["before", "after"].index) and "before" in seen
    done = run(10**9)
    assert done.returncode == 0 and _shown(out) == after
    hidden = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert hidden[0] == ".current" and hidden[1] == ".lock" and len(hidden) == 3, hidden


def test_outputs_are_private(export: Path, tmp_path: Path) -> None:
    """Every output names patients or summarises them: files 0600, folders 0700, whichever
    umask the user has."""
    import os
    import stat
    import subprocess
    import sys

    cli = Path(sys.executable).parent / "spinewise"
    out = tmp_path / "out"
    done = subprocess.run(f"umask 022; {cli} audit {export} --year 2024 --year 2025 --out {out}",
                          shell=True, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    files = 0
    for root, dirs, names in os.walk(out):
        for name in dirs:
            assert stat.S_IMODE((Path(root) / name).stat().st_mode) == 0o700, name
        for name in names:
            path = Path(root) / name
            if path.is_symlink() or name == ".lock":
                continue
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
            files += 1
    assert files >= 2 * 9 + 2  # each year's outputs, years.json and the report


#: publish() alone, killed at the Nth change: outputs "a" and "b" written with `tag`.
PUBLISH_KILLED = """
import os, signal, sys
from pathlib import Path
target, out, tag = int(sys.argv[1]), os.path.realpath(sys.argv[2]), sys.argv[3]
changes = 0
def hook(event, args):
    global changes
    if event in {"os.rename", "os.symlink", "os.link", "os.remove", "shutil.rmtree", "os.mkdir"}:
        paths = [os.fsdecode(a) for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
        if any(os.path.realpath(p).startswith(out + os.sep) for p in paths):
            changes += 1
            if changes == target:
                os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(hook)
from spinewise.population.outputs import publish
def write(folder):
    for name in ("a.json", "b.csv", "report.html"):
        (folder / name).write_text(tag + name)
publish(Path(out), write)
print("changes", changes)
"""


def test_outputs_of_an_older_version_are_taken_over_without_a_mix(tmp_path: Path) -> None:
    """An output folder written by an older spinewise holds plain files: the first run takes
    them over (hard links into a run of their own) so that a kill at any change still shows
    one run whole; other files in the folder are left alone."""
    import subprocess
    import sys

    out = tmp_path / "out"

    def plain() -> None:
        import shutil

        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        for name in ("a.json", "b.csv", "report.html"):
            (out / name).write_text("old" + name)
        (out / "notes.txt").write_text("mine")

    def run(target: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", PUBLISH_KILLED, str(target), str(out), "new"],
                              capture_output=True, text=True)  # fmt: skip

    old = {"a.json": b"olda.json", "b.csv": b"oldb.csv", "report.html": b"oldreport.html",
           "notes.txt": b"mine"}  # fmt: skip
    new = {**{k: v.replace(b"old", b"new") for k, v in old.items()}, "notes.txt": b"mine"}
    plain()
    counted = run(0)
    changes = int(counted.stdout.split("changes ")[-1])
    assert _shown(out) == new and changes > 10
    for target in range(1, changes + 1):
        plain()
        assert run(target).returncode == -9
        assert _shown(out) in (old, new), target
        assert run(10**9).returncode == 0 and _shown(out) == new, target


def _csv(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_cli_writes_the_patient_lists_beside_the_report(export: Path, tmp_path: Path) -> None:
    """The lists a quality team acts on: who had a missed red flag (which flags, where, by
    whom), who had low-value imaging, who was excluded and why; linked from report.html."""
    from spinewise.population.report import CLASS_NAMES

    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["audit", str(export), "--year", "2025", "--out", str(out)])
    assert done.exit_code == 0, done.output
    truth = [json.loads(line) for line in (export / "truth.jsonl").read_text().splitlines()]
    planted = {c: {t["patient"] for t in truth if t["class"] == c} for c in CLASS_NAMES}
    summary = json.loads((out / "summary.json").read_text())

    missed = _csv(out / "missed_red_flags.csv")
    assert {r["patient"] for r in missed} == planted["missed_red_flag"]
    assert len(missed) == summary["missed_red_flags"]
    flag_words = {f.replace("_", " ") for f in RB.findings}
    for row in missed:
        assert row["red_flags"] and set(row["red_flags"].split("; ")) <= flag_words, row
        assert row["urgency"] in ("emergency", "urgent")
        assert row["organization_name"] and row["practitioner_name"]
    by_patient = {r["patient"]: r for r in missed}
    for t in truth:  # the planted flag is the one named
        if t["scenario"] == "fever_not_imaged":
            assert "fever" in by_patient[t["patient"]]["red_flags"].split("; ")

    low = _csv(out / "low_value_imaging.csv")
    assert {r["patient"] for r in low} == planted["low_value_imaging"]
    assert all(r["imaging_date"] and 0 <= int(r["days_to_imaging"]) <= 28 for r in low)

    excluded = _csv(out / "exclusions.csv")
    assert {r["patient"] for r in excluded} == planted["excluded"]
    assert all(r["reason"] and "_" not in r["reason"] for r in excluded)
    assert [r["reason"] for r in excluded] == sorted(r["reason"] for r in excluded)

    html = (out / "report.html").read_text()
    for name in ("missed_red_flags.csv", "low_value_imaging.csv", "exclusions.csv",
                 "organizations.csv", "practitioners.csv", "quarantine.ndjson"):  # fmt: skip
        assert f'href="{name}"' in html and (out / name).is_file()
    for words in CLASS_NAMES.values():  # classes in words, not identifiers
        assert f"<td>{words}</td>" in html
    assert "<td>low_value_imaging</td>" not in html


def test_each_organization_is_ranked_among_the_others(export: Path, tmp_path: Path) -> None:
    """organizations.csv: each rate with its Wilson interval and its percentile among the
    other organizations' rates, recomputed here from episodes.parquet."""
    from spinewise.population.report import wilson

    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["audit", str(export), "--year", "2025", "--out",
                                    str(out)]).exit_code == 0  # fmt: skip
    episodes = pq.read_table(out / "episodes.parquet").to_pylist()
    counts: dict[str, list[int]] = {}
    for e in episodes:
        if e["excluded_reason"] is None:
            c = counts.setdefault(e["organization"], [0, 0])
            c[0] += not e["imaged"]
            c[1] += 1
    rates = {o: good / n for o, (good, n) in counts.items()}
    rows = _csv(out / "organizations.csv")
    assert {r["id"] for r in rows} == set(counts)
    for r in rows:
        good, n = counts[r["id"]]
        assert int(r["episodes"]) == n and int(r["not_imaged_within_28_days"]) == good
        low, high = wilson(good, n)
        assert float(r["ci95_low"]) == round(low, 4) and float(r["ci95_high"]) == round(high, 4)
        others = [v for o, v in rates.items() if o != r["id"]]
        below = (
            sum(v < rates[r["id"]] for v in others) + sum(v == rates[r["id"]] for v in others) / 2
        )
        assert float(r["percentile_among_others"]) == round(100 * below / len(others), 1)
    assert [float(r["hedis_rate"]) for r in rows] == sorted(
        (float(r["hedis_rate"]) for r in rows), reverse=True
    )


def test_cli_several_years_side_by_side(tmp_path: Path) -> None:
    """--year twice: each year audited with the same definition (its outputs equal a run for
    that year alone), and the rates by year side by side in the report."""
    export = tmp_path / "export"
    synthesize(300, 2025, export, seed=8)
    earlier = tmp_path / "earlier"
    synthesize(300, 2024, earlier, seed=9)
    for p in earlier.glob("*.ndjson"):  # one export, the shared organizations once
        if not p.name.startswith(("Organization", "Practitioner")):
            p.rename(export / p.name.replace(".000.", ".001."))
    runner = CliRunner()
    both = runner.invoke(app, ["audit", str(export), "--year", "2025", "--year", "2024",
                               "--out", str(tmp_path / "both")])  # fmt: skip
    assert both.exit_code == 0, both.output
    assert both.output.startswith("2024: ") and "\n2025: " in both.output
    years = json.loads((tmp_path / "both" / "years.json").read_text())
    assert years["years"] == [2024, 2025]
    for year in (2024, 2025):
        alone = runner.invoke(app, ["audit", str(export), "--year", str(year), "--out",
                                    str(tmp_path / str(year))])  # fmt: skip
        assert alone.exit_code == 0
        single = json.loads((tmp_path / str(year) / "summary.json").read_text())
        assert json.loads((tmp_path / "both" / str(year) / "summary.json").read_text()) == single
        assert years["by_year"][str(year)] == single
        assert single["episodes"] > 100
        for name in ("missed_red_flags.csv", "exclusions.csv"):
            assert (tmp_path / "both" / str(year) / name).read_bytes() == (
                tmp_path / str(year) / name
            ).read_bytes()
    html = (tmp_path / "both" / "report.html").read_text()
    assert "HEDIS rate by year" in html and 'href="2024/report.html"' in html
    assert 'href="2025/missed_red_flags.csv"' in html
    assert "HEDIS rate by year" in (tmp_path / "both" / "2024" / "report.html").read_text()
    assert "HEDIS rate by year" not in (tmp_path / "2024" / "report.html").read_text()


def test_every_chart_spec_is_valid_vega_lite() -> None:
    """The report renders its specs unvalidated (0.1 s a chart): check them here, against the
    Vega-Lite schema Altair carries."""
    from spinewise.population import report

    makers = [report._bars([("a", 1), ("b", 2)], "episodes"),
              report._rates([report._rate_row("x", 3, 4)], "rate", 0.5),
              report._rates([], "rate", None)]  # fmt: skip
    for make in makers:
        for width in (report.WIDE, report.NARROW):
            assert make(width).to_dict(validate=True)["$schema"].startswith("https://vega")


def test_missed_red_flags_list_the_true_flags_and_their_evidence() -> None:
    """The flags of a missed red flag are its finding columns that are TRUE (not FALSE or
    unknown), in words; the evidence comes from whatever `evidence_<finding>` columns the
    engine wrote."""
    import datetime

    import pyarrow as pa

    from spinewise.population.report import patient_lists

    day = datetime.date(2025, 6, 10)
    rows = {"patient": ["p1", "p2", "p3"], "index_date": [day] * 3,
            "class": ["missed_red_flag", "missed_red_flag", "low_value_imaging"],
            "urgency": ["urgent", "emergency", None], "excluded_reason": [None, "cancer", None],
            "imaging_date": [None, None, day], "days_to_imaging": [None, None, 0],
            "imaging_code": [None, None, "72148"], "imaging_source": [None, None, "Procedure"],
            "organization": ["o1", "o1", "o2"], "organization_name": ["=HYPERLINK(1)", "A", "B"],
            "practitioner": ["d1", "d2", "d3"], "practitioner_name": ["X", "Y", "Z"],
            "fever": [True, None, True], "saddle_anesthesia": [True, True, False],
            "bladder_dysfunction": [False, None, None],
            "evidence_fever": ["Observation/t1 2025-06-09", None, "Observation/t3 2025-06-10"],
            "evidence_bladder_dysfunction": ["Condition/c1 2025-06-10", None, None]}  # fmt: skip
    lists = patient_lists(pa.table(rows), RB)
    missed = lists["missed_red_flags.csv"].to_pylist()
    assert [m["patient"] for m in missed] == ["p1", "p2"]
    assert missed[0]["red_flags"] == "saddle anesthesia; fever"
    assert missed[0]["evidence"] == "fever: Observation/t1 2025-06-09"  # bladder is FALSE
    assert missed[1]["red_flags"] == "saddle anesthesia" and missed[1]["evidence"] == ""
    assert missed[1]["excluded_reason"] == "cancer"
    assert missed[0]["organization_name"] == "'=HYPERLINK(1)"  # not a formula in a spreadsheet
    assert [r["patient"] for r in lists["low_value_imaging.csv"].to_pylist()] == ["p3"]
    assert lists["exclusions.csv"].num_rows == 0


def test_an_engine_error_never_quotes_the_input() -> None:
    """DuckDB's messages quote the offending line ("Input: ..."): the audit's one line does not."""
    from spinewise.population.engines import DuckDBEngine, EngineError

    engine = DuckDBEngine()
    try:
        with pytest.raises(EngineError) as caught:
            engine.rows("""SELECT from_json('{"name": "Zebediah Quux', '{"name": "VARCHAR"}')""")
    finally:
        engine.close()
    message = str(caught.value)
    assert message.startswith("duckdb, step collecting: ") and "\n" not in message
    assert "Zebediah" not in message and "Quux" not in message


def test_an_export_of_two_resource_types_is_audited(tmp_path: Path) -> None:
    """Types the export lacks are read as absent files, never an engine error."""
    export = tmp_path / "export"
    export.mkdir()
    (export / "Patient.000.ndjson").write_text(
        json.dumps({"resourceType": "Patient", "id": "p1", "birthDate": "1980-01-01"}) + "\n"
    )
    (export / "Condition.000.ndjson").write_text(json.dumps(
        {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M54.50"}]},
         "onsetDateTime": "2025-03-01"}) + "\n")  # fmt: skip
    done = CliRunner().invoke(
        app, ["audit", str(export), "--year", "2025", "--out", str(tmp_path / "o")]
    )
    assert done.exit_code == 0, done.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["episodes"] == 1 and "Organization" in summary["resource_types_missing"]
