"""The population audit: episodes (HEDIS "Use of Imaging Studies for Low Back Pain", CLINICAL.md
§7), imaging in the 28 days, HEDIS exclusions from coded data, red flags evaluated with the
rulebook compiled to SQL, and a class per episode, on DuckDB or Spark from one definition
(audit.sql). The export is checked first (inputs.py) so both engines read the same lines; the
outputs replace the previous run's as one unit (outputs.py)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyarrow as pa

from spinewise.fhir.codes import normal_code
from spinewise.population.definition import (
    EXCLUSION_COLUMNS,
    EXCLUSION_SOURCE_COLUMNS,
    RULE_SOURCE_COLUMNS,
    exclusion_rows,
    exclusion_source_rows,
    rule_source_rows,
    steps,
)
from spinewise.population.engines import DuckDBEngine, Engine, SparkEngine
from spinewise.population.inputs import PLACEHOLDER, ExportError, Inputs, read_lines, scan
from spinewise.population.inputs import export_files as export_files
from spinewise.population.outputs import publish
from spinewise.population.report import (
    group_rates,
    group_table,
    patient_lists,
    render_report,
    warm_up,
)
from spinewise.population.schema import READ_TYPES
from spinewise.rulebook import Rulebook, default_rulebook

__all__ = [
    "EPISODE_COLUMNS",
    "AuditError",
    "AuditResult",
    "LoadReport",
    "run_audit",
    "run_audit_years",
]

EPISODE_COLUMNS = (
    "patient", "index_date", "age", "hedis_age", "imaged", "imaging_date", "imaging_code",
    "imaging_source", "days_to_imaging", "decision", "urgency", "excluded_reason", "class",
    "organization", "organization_name", "practitioner", "practitioner_name",
)  # fmt: skip
#: DuckDB's memory limit: beyond it, it spills to disk (the issue's budget is 4 GiB in all).
DEFAULT_MEMORY_LIMIT = "2500MB"
#: Progress: called with (what is being done, steps done, steps in all).
Progress = Callable[[str, int, int], None]


class AuditError(ValueError):
    """The export cannot be audited (said in one line naming the input)."""


@dataclass(frozen=True)
class AuditResult:
    summary: dict[str, Any]
    #: One row per episode, as written to episodes.parquet.
    table: pa.Table
    #: The quarantined lines: file, line number, reason.
    quarantine: list[dict[str, Any]] = field(default_factory=list)

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
    engine.table("exclusion_sources", EXCLUSION_SOURCE_COLUMNS, exclusion_source_rows(rb))
    engine.table("exclusions", EXCLUSION_COLUMNS, exclusion_rows(rb))


def _engine(engine: str, spark_master: str | None, memory_limit: str | None) -> Engine:
    if engine == "spark":
        return SparkEngine(master=spark_master)
    try:
        return DuckDBEngine(memory_limit=memory_limit)
    except ValueError as exc:
        raise AuditError(f"--memory-limit: {exc}") from None


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
    """Audit one measurement year; the outputs replace those in `out_dir` as one unit."""
    results = run_audit_years(export_dir, [year], out_dir, policy=policy, notes=notes,
                              rulebook=rulebook, engine=engine, spark_master=spark_master,
                              memory_limit=memory_limit, progress=progress)  # fmt: skip
    return results[year]


def run_audit_years(
    export_dir: Path,
    years: Sequence[int],
    out_dir: Path,
    *,
    policy: str = "seed",
    notes: bool = False,
    rulebook: Rulebook | None = None,
    engine: str | Engine = "duckdb",
    spark_master: str | None = None,
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
    progress: Progress | None = None,
) -> dict[int, AuditResult]:
    """Audit each year with the same definition (one run of the engine per year). One year:
    its outputs in `out_dir`; several: each year's in `out_dir/YEAR/`, with years.json and a
    report.html carrying the rates by year. Every output is replaced as one unit."""
    rb = rulebook or default_rulebook()
    rb.policy(policy)
    years = sorted(set(years))
    if not years:
        raise AuditError("--year: give at least one year")
    if not isinstance(engine, str) and len(years) > 1:
        raise AuditError("an engine object audits one year; give the engine's name for several")
    if out_dir.exists() and not out_dir.is_dir():
        raise AuditError(f"--out: not a folder: {out_dir}")
    try:
        inputs = scan(export_dir)
    except ExportError as exc:
        raise AuditError(str(exc)) from None
    if not inputs.paths:
        raise AuditError(f"EXPORT_DIR: no .ndjson files in {export_dir}")
    results: dict[int, AuditResult] = {}
    warm_up()
    try:
        for k, year in enumerate(years):
            one = engine if not isinstance(engine, str) else _engine(engine, spark_master,
                                                                      memory_limit)  # fmt: skip
            results[year] = _audit_year(export_dir, inputs, year, rb=rb, policy=policy,
                                        notes=notes, engine=one,
                                        progress=_part(progress, k, len(years), year))  # fmt: skip
    finally:
        inputs.close()
    try:
        publish(out_dir, lambda folder: _write_run(folder, results, rb))
    except (OSError, FileExistsError) as exc:
        raise AuditError(f"--out: cannot write the outputs ({exc})") from None
    if progress:
        progress("done", 1, 1)
    return results


def _part(progress: Progress | None, k: int, n: int, year: int) -> Progress | None:
    """Progress of one year's run as a part of the whole."""
    if progress is None:
        return None
    if n == 1:
        return progress
    say = progress
    return lambda what, done, total: say(f"{year}: {what}", k * total + done, n * total)


def _audit_year(
    export_dir: Path,
    inputs: Inputs,
    year: int,
    *,
    rb: Rulebook,
    policy: str,
    notes: bool,
    engine: Engine,
    progress: Progress | None,
) -> AuditResult:
    plan = steps(rb, policy, year, notes=notes, dialect=engine.dialect)
    total = len(plan) + 2
    say = progress or (lambda what, done, total: None)
    try:
        say("reading the export", 0, total)
        engine.read(inputs.paths, notes)
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
    summary = _summary(year, policy, engine.name, report, table)
    summary["notes"] = notes
    # Which knowledge made these numbers: its version, and any value set the user replaced.
    summary["rulebook_version"] = rb.version
    summary["value_sets_replaced"] = list(rb.replaced_value_sets)
    found = _quarantine_lines(export_dir, [q for q in quarantined + bad_notes
                                           if q["bad_text"] != PLACEHOLDER])  # fmt: skip
    lines = sorted(found + inputs.quarantined, key=lambda q: (q["file"], q["line"], q["reason"]))
    say("done", total, total)
    return AuditResult(summary, table, lines)


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
            by_text.setdefault(_bare(row["bad_text"]), []).append(row)
        else:
            by_id.setdefault((row["rtype"], row["id"]), []).append(row)
    found = []
    for path in paths:
        for number, raw in read_lines(path):
            try:
                text = _bare(raw.decode("utf-8"))
            except UnicodeDecodeError:  # quarantined before the engine read the file
                continue
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


def _bare(text: str) -> str:
    """A line as both engines compare it: no byte order mark, no blanks around."""
    return text.lstrip("\ufeff").strip(" \t")


def _key(text: str) -> tuple[str, str | None]:
    try:
        resource = json.loads(text)
    except json.JSONDecodeError:
        return ("", None)
    if not isinstance(resource, dict):
        return ("", None)
    rid = resource.get("id")
    return (str(resource.get("resourceType")), rid if isinstance(rid, str) else None)


#: What a resource type looks like; anything else is not repeated (it may be patient data).
_TYPE = re.compile(r"[A-Z][A-Za-z]{1,63}")


def _entry(name: str, number: int, row: dict[str, Any], text: str) -> dict[str, Any]:
    """File, line and reason: the reason says what is wrong, never what the line holds."""
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
            elif not _TYPE.fullmatch(kind):
                reason = "not a FHIR resource type"
            elif kind == row["expected"]:
                reason = "not valid JSON"  # valid to Python's parser, not to the engine's
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
    year: int, policy: str, engine: str, report: LoadReport, table: pa.Table
) -> dict[str, Any]:
    import pyarrow.compute as pc

    measured = table.filter(pc.is_null(table.column("excluded_reason")))
    denominator = measured.num_rows
    imaged = pc.sum(measured.column("imaged")).as_py() or 0
    counts = pc.value_counts(table.column("class")).to_pylist()
    classes = {c["values"]: c["counts"] for c in sorted(counts, key=lambda c: -c["counts"])}
    return {
        "year": year,
        "policy": policy,
        "engine": engine,
        "patients": report.types_present.get("Patient", 0),
        "episodes": table.num_rows,
        "excluded": table.num_rows - denominator,
        "denominator": denominator,
        "imaged_within_28_days": imaged,
        "hedis_lbp_inverted_rate": round(1 - imaged / denominator, 4) if denominator else None,
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
        # Continuous enrolment needs the export's Coverage resources (measure.yaml).
        "enrolment": "checked"
        if "Coverage" in report.types_seen
        else "not checked: the export has no Coverage resources",
        "excluded_by_reason": _reasons(table),
    }


def _reasons(table: pa.Table) -> dict[str, int]:
    """Excluded episodes by their (first) reason, most frequent first."""
    import pyarrow.compute as pc

    counts = pc.value_counts(pc.drop_null(table.column("excluded_reason"))).to_pylist()
    return {
        c["values"]: c["counts"] for c in sorted(counts, key=lambda c: (-c["counts"], c["values"]))
    }


def _csv(table: pa.Table, path: Path) -> None:
    from pyarrow import csv

    csv.write_csv(table, path)


def _write_year(folder: Path, result: AuditResult, rb: Rulebook, **page: Any) -> None:
    """One year's outputs: the episodes, the summary, the quarantine, the report and the
    lists (patients; rates by organization and practitioner)."""
    import pyarrow.parquet as pq

    folder.mkdir(exist_ok=True)
    pq.write_table(result.table, folder / "episodes.parquet")
    (folder / "summary.json").write_text(
        json.dumps(result.summary, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (folder / "quarantine.ndjson").write_text(
        "".join(json.dumps(q) + "\n" for q in result.quarantine), encoding="utf-8"
    )
    for name, table in patient_lists(result.table, rb).items():
        _csv(table, folder / name)
    for name, key in (("organizations.csv", "organization"), ("practitioners.csv", "practitioner")):
        _csv(group_table(group_rates(result.table, key, f"{key}_name")), folder / name)
    (folder / "report.html").write_text(
        render_report(result.summary, result.table, rulebook=rb, **page),
        encoding="utf-8",
    )


def _write_run(folder: Path, results: dict[int, AuditResult], rb: Rulebook) -> None:
    if len(results) == 1:
        (result,) = results.values()
        _write_year(folder, result, rb)
        return
    summaries = [results[y].summary for y in sorted(results)]
    for year, result in results.items():
        _write_year(folder / str(year), result, rb, years=summaries, root="../")
    latest = max(results)
    (folder / "years.json").write_text(
        json.dumps({"years": sorted(results), "by_year": {str(s["year"]): s for s in summaries}},
                   indent=2, sort_keys=True) + "\n", encoding="utf-8",
    )  # fmt: skip
    # The top page: the latest year's report, its links into that year's folder.
    (folder / "report.html").write_text(
        render_report(results[latest].summary, results[latest].table, rulebook=rb,
                      years=summaries, prefix=f"{latest}/", root=""),
        encoding="utf-8",
    )  # fmt: skip
