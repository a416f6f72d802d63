"""The population audit: episodes (HEDIS "Use of Imaging Studies for Low Back Pain", CLINICAL.md
§7), imaging in the 28 days, HEDIS exclusions from coded data, red flags evaluated with the
rulebook compiled to SQL, and a class per episode, on DuckDB or Spark from one definition
(audit.sql). Outputs are written to temporary names and renamed, so an interrupted run leaves
no half-written file."""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyarrow as pa

from spinewise.fhir.codes import normal_code
from spinewise.population.definition import (
    EXCLUSIONS,
    RULE_SOURCE_COLUMNS,
    rule_source_rows,
    steps,
)
from spinewise.population.engines import DuckDBEngine, Engine, SparkEngine
from spinewise.population.report import render_report
from spinewise.population.schema import READ_TYPES
from spinewise.rulebook import Rulebook, default_rulebook

__all__ = ["EPISODE_COLUMNS", "AuditError", "AuditResult", "LoadReport", "run_audit"]

EPISODE_COLUMNS = (
    "patient", "index_date", "age", "hedis_age", "imaged", "imaging_date", "imaging_code",
    "imaging_source", "days_to_imaging", "decision", "urgency", "excluded_reason", "class",
    "organization", "organization_name", "practitioner", "practitioner_name",
)  # fmt: skip
#: DuckDB's memory limit: beyond it, it spills to disk (the issue's budget is 4 GiB in all).
DEFAULT_MEMORY_LIMIT = "2500MB"
#: The columns the summary and the report read.
REPORTED = ("patient", "index_date", "imaging_date", "imaged", "decision", "urgency",
            "excluded_reason", "class", "organization", "organization_name", "practitioner",
            "practitioner_name")  # fmt: skip
#: Progress: called with (what is being done, steps done, steps in all).
Progress = Callable[[str, int, int], None]


class AuditError(ValueError):
    """The export cannot be audited (said in one line naming the input)."""


@dataclass(frozen=True)
class AuditResult:
    summary: dict[str, Any]
    #: One row per episode, as written to episodes.parquet.
    table: pa.Table

    @cached_property
    def episodes(self) -> list[dict[str, Any]]:
        """The episodes as dicts, dates in ISO form (converted on first use: for a large
        population the table is the cheaper form)."""
        return _dicts(self.table)


@dataclass
class LoadReport:
    input_lines: int = 0
    used: int = 0
    ignored: int = 0
    quarantined: int = 0
    types_present: dict[str, int] = field(default_factory=dict)
    #: Resource types seen on any line, used or not.
    types_seen: set[str] = field(default_factory=set)


def _code_rows(rb: Rulebook) -> list[tuple[str, str, str, str, bool]]:
    """(kind, target, system, code, is_prefix): every code of every value set."""
    return [
        ("value_set", vs.id, system, normal_code(system, code.rstrip("*")), code.endswith("*"))
        for vs in rb.value_sets.values()
        for system, codes in vs.codes.by_system()
        for code in codes
    ]


def knowledge_tables(engine: Engine, rb: Rulebook) -> None:
    engine.table("codes", [("kind", "VARCHAR"), ("target", "VARCHAR"), ("system", "VARCHAR"),
                           ("code", "VARCHAR"), ("is_prefix", "BOOLEAN")],
                 _code_rows(rb))  # fmt: skip
    engine.table("systems", [("url", "VARCHAR"), ("system", "VARCHAR")],
                 [(uri, s.name) for s in rb.code_systems.systems for uri in s.uris])  # fmt: skip
    engine.table("findings", [("id", "VARCHAR")], [(fid,) for fid in rb.findings])
    engine.table("rule_sources", RULE_SOURCE_COLUMNS, rule_source_rows(rb))
    named = [v for v in rb.value_sets.values() if v.names]
    engine.table("med_names", [("target", "VARCHAR"), ("name", "VARCHAR")],
                 [(v.id, n.lower()) for v in named for n in v.names])  # fmt: skip
    engine.table("med_words", [("target", "VARCHAR"), ("word", "VARCHAR")],
                 [(v.id, w.lower()) for v in named for w in v.exclude_words])  # fmt: skip
    engine.table("exclusions", [("reason", "VARCHAR"), ("prefix", "VARCHAR"),
                                ("window_days", "INTEGER")],
                 [(reason, normal_code("icd10cm", prefix), window)
                  for reason, prefixes, window in EXCLUSIONS for prefix in prefixes])  # fmt: skip


def export_files(export_dir: Path) -> list[Path]:
    """The NDJSON files of a Bulk Data export (not its log)."""
    return sorted(
        p
        for p in export_dir.iterdir()
        if p.suffix == ".ndjson" and p.name != "log.ndjson" and p.is_file()
    )


def run_audit(
    export_dir: Path,
    year: int,
    out_dir: Path,
    *,
    policy: str = "seed",
    notes: bool = False,
    rulebook: Rulebook | None = None,
    engine: str | Engine = "duckdb",
    spark_master: str | None = None,
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
    progress: Progress | None = None,
) -> AuditResult:
    rb = rulebook or default_rulebook()
    rb.policy(policy)
    paths = export_files(export_dir)
    if not paths:
        raise AuditError(f"EXPORT_DIR: no .ndjson files in {export_dir}")
    if isinstance(engine, str):
        if engine == "spark":
            engine = SparkEngine(master=spark_master)
        else:
            try:
                engine = DuckDBEngine(memory_limit=memory_limit)
            except ValueError as exc:
                raise AuditError(f"--memory-limit: {exc}") from None
    plan = steps(rb, policy, year, notes=notes, dialect=engine.dialect)
    total = len(plan) + 2
    say = progress or (lambda what, done, total: None)
    try:
        say("reading the export", 0, total)
        engine.read(paths, notes)
        knowledge_tables(engine, rb)
        engine.table("note_findings", [("patient", "VARCHAR"), ("finding", "VARCHAR"),
                                       ("value", "BOOLEAN")], [])  # fmt: skip
        bad_notes: list[dict[str, Any]] = []
        for done, step in enumerate(plan, 1):
            say(step.name.replace("_", " "), done, total)
            engine.step(step.name, step.sql, step.reused)
            if step.name == "index_notes":
                bad_notes = _read_notes(engine, rb)
        say("collecting the results", total - 1, total)
        report = _outcomes(engine)
        quarantined = engine.rows("SELECT * FROM quarantined")
        table = _episode_table(engine.arrow("SELECT * FROM episodes ORDER BY patient"))
    finally:
        engine.close()
    # A note whose data is not base64 was counted as used: it is quarantined instead.
    report.used -= len(bad_notes)
    report.quarantined += len(bad_notes)
    # What the summary and the report read, not every finding column.
    episodes = _dicts(table.select(REPORTED))
    summary = _summary(year, policy, engine.name, report, episodes)
    summary["notes"] = notes
    _write(out_dir, table, episodes, summary,
           _quarantine_lines(export_dir, quarantined + bad_notes))  # fmt: skip
    say("done", total, total)
    return AuditResult(summary, table)


def _outcomes(engine: Engine) -> LoadReport:
    report = LoadReport()
    for row in engine.rows("SELECT * FROM outcomes"):
        n = int(row["n"])
        report.input_lines += n
        if row["rtype"]:
            report.types_seen.add(str(row["rtype"]))
        if row["outcome"] == "used":
            report.used += n
            kind = row["rtype"]
            report.types_present[kind] = report.types_present.get(kind, 0) + n
        elif row["outcome"] == "ignored":
            report.ignored += n
        else:
            report.quarantined += n
    report.types_present = dict(sorted(report.types_present.items()))
    return report


def _read_notes(engine: Engine, rb: Rulebook) -> list[dict[str, Any]]:
    """note_findings(patient, finding, value): what the notes of the index visit say, through
    the note extractor. Returns the notes whose data is not base64 (to quarantine)."""
    from spinewise.nlp import extract_many

    rows = engine.rows("SELECT * FROM index_notes ORDER BY patient, written, id, data")
    texts: list[tuple[str, str]] = []
    bad = []
    for row in rows:
        try:
            text = base64.b64decode(row["data"], validate=True).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            bad.append({"rtype": "DocumentReference", "id": row["id"], "bad_text": None,
                        "file": None, "reason": "note data is not base64"})  # fmt: skip
            continue
        texts.append((row["patient"], text))
    found = extract_many((text for _, text in texts), rulebook=rb)
    findings = [
        (patient, fid, value)
        for (patient, _), result in zip(texts, found, strict=True)
        for fid, value in result.findings.items()
        if value is not None
    ]
    engine.table("note_findings", [("patient", "VARCHAR"), ("finding", "VARCHAR"),
                                   ("value", "BOOLEAN")], findings)  # fmt: skip
    return bad


def _quarantine_lines(export_dir: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """File, line number and reason of each quarantined line. The engines read lines in
    parallel and know no line numbers: the few bad lines are found again in their files, by
    their text or by their resource type and id."""
    out: list[dict[str, Any]] = []
    by_file: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        by_file.setdefault(unquote(row["file"]) if row["file"] else None, []).append(row)
    for name in sorted(by_file, key=lambda n: n or ""):
        wanted = by_file[name]
        paths = [export_dir / name] if name else export_files(export_dir)
        out.extend(_find(paths, wanted))
    return sorted(out, key=lambda q: (q["file"], q["line"], q["reason"]))


def _find(paths: list[Path], wanted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_text: dict[str, list[dict[str, Any]]] = {}
    by_id: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for row in wanted:
        if row["bad_text"] is not None:
            by_text.setdefault(row["bad_text"].strip(), []).append(row)
        else:
            by_id.setdefault((row["rtype"], row["id"]), []).append(row)
    found = []
    for path in paths:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                text = line.strip()
                if not text:
                    continue
                if by_text.get(text):
                    row = by_text[text].pop()
                    found.append(_entry(path.name, number, row, text))
                    continue
                if not by_id or '"resourceType"' not in text:
                    continue
                key = _key(text)
                if by_id.get(key):
                    found.append(_entry(path.name, number, by_id[key].pop(), text))
    return found


def _key(text: str) -> tuple[str, str | None]:
    try:
        resource = json.loads(text)
    except json.JSONDecodeError:
        return ("", None)
    if not isinstance(resource, dict):
        return ("", None)
    rid = resource.get("id")
    return (str(resource.get("resourceType")), rid if isinstance(rid, str) else None)


def _entry(name: str, number: int, row: dict[str, Any], text: str) -> dict[str, Any]:
    reason = row.get("reason")
    if row["bad_text"] is not None:
        try:
            resource = json.loads(text)
        except json.JSONDecodeError as exc:
            reason = f"not valid JSON: {exc.msg}"
        else:
            kind = resource.get("resourceType") if isinstance(resource, dict) else None
            if not isinstance(kind, str):
                reason = "not a FHIR resource"
            else:
                reason = f"a {kind} in a {row['expected']} file"
    return {"file": name, "line": number, "reason": reason}


def _dicts(table: pa.Table) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = table.to_pylist()
    for e in rows:
        e["index_date"] = e["index_date"].isoformat()
        e["imaging_date"] = e["imaging_date"].isoformat() if e["imaging_date"] else None
    return rows


def _episode_table(table: pa.Table) -> pa.Table:
    """The episodes in a fixed column order and types, whichever engine made them (Spark's
    Arrow strings are large_string, its date differences int32, DuckDB's not always)."""
    order = [*EPISODE_COLUMNS, *(c for c in table.column_names if c not in EPISODE_COLUMNS)]
    fields = []
    for name in order:
        kind = table.schema.field(name).type
        if pa.types.is_large_string(kind) or pa.types.is_null(kind):
            kind = pa.string()
        elif pa.types.is_integer(kind):
            kind = pa.int32()
        fields.append(pa.field(name, kind))
    return table.select(order).cast(pa.schema(fields))


def _summary(
    year: int, policy: str, engine: str, report: LoadReport, episodes: list[dict[str, Any]]
) -> dict[str, Any]:
    denominator = [e for e in episodes if not e["excluded_reason"]]
    imaged = sum(1 for e in denominator if e["imaged"])
    classes: dict[str, int] = {}
    for e in episodes:
        classes[e["class"]] = classes.get(e["class"], 0) + 1
    return {
        "year": year,
        "policy": policy,
        "engine": engine,
        "patients": report.types_present.get("Patient", 0),
        "episodes": len(episodes),
        "excluded": len(episodes) - len(denominator),
        "denominator": len(denominator),
        "imaged_within_28_days": imaged,
        "hedis_lbp_inverted_rate": round(1 - imaged / len(denominator), 4) if denominator else None,
        "low_value_imaging": classes.get("low_value_imaging", 0),
        "missed_red_flags": classes.get("missed_red_flag", 0),
        "classes": classes,
        "quarantined_lines": report.quarantined,
        "input_lines": report.input_lines,
        "used_lines": report.used,
        "ignored_lines": report.ignored,
        "resource_types": report.types_present,
        # The types the audit reads that the export does not have: fine, and said.
        "resource_types_missing": sorted(set(READ_TYPES) - report.types_seen),
    }


def _write(
    out_dir: Path,
    table: pa.Table,
    episodes: list[dict[str, Any]],
    summary: dict[str, Any],
    quarantine: list[dict[str, Any]],
) -> None:
    """Every output under a temporary name first, then renamed: all or nothing."""
    out_dir.mkdir(parents=True, exist_ok=True)
    import pyarrow.parquet as pq

    fd, parquet_tmp = tempfile.mkstemp(dir=out_dir, suffix=".parquet.partial")
    os.close(fd)
    pq.write_table(table, parquet_tmp)
    summary_tmp = out_dir / ".summary.json.partial"
    summary_tmp.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    report_tmp = out_dir / ".report.html.partial"
    report_tmp.write_text(render_report(summary, episodes), encoding="utf-8")
    quarantine_tmp = out_dir / ".quarantine.ndjson.partial"
    quarantine_tmp.write_text("".join(json.dumps(q) + "\n" for q in quarantine))
    Path(parquet_tmp).replace(out_dir / "episodes.parquet")
    summary_tmp.replace(out_dir / "summary.json")
    report_tmp.replace(out_dir / "report.html")
    quarantine_tmp.replace(out_dir / "quarantine.ndjson")
