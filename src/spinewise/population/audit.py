"""The audit on DuckDB: episodes (HEDIS "Use of Imaging Studies for Low Back Pain", CLINICAL.md
§7), imaging in the 28 days, HEDIS exclusions from coded data, red flags evaluated with the
rulebook compiled to SQL, and a class per episode. Outputs are written to temporary names and
renamed, so an interrupted run leaves no half-written file."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from spinewise.population.compile import decision_sql
from spinewise.population.load import TABLES, LoadReport, read_export
from spinewise.population.report import render_report
from spinewise.rulebook import Rulebook, default_rulebook

__all__ = ["EPISODE_COLUMNS", "AuditResult", "run_audit"]

#: HEDIS exclusions from coded diagnoses: (reason, ICD-10-CM prefixes, window in days before the
#: index date, or None for "ever"; every window runs to 28 days after the index date).
EXCLUSIONS: tuple[tuple[str, tuple[str, ...], int | None], ...] = (
    ("cancer", ("C", "Z85"), None),
    ("HIV", ("B20", "Z21"), None),
    ("organ transplant", ("Z94",), None),
    ("osteoporosis", ("M81", "M80"), None),
    ("spondylopathy", ("M45", "M46", "M48"), None),
    ("lumbar surgery", ("Z98.1", "Z981"), None),
    ("IV drug abuse", ("F11", "F14", "F15", "F19"), 365),
    ("neurologic impairment", ("G83.4", "G834", "G95", "R29.2", "R292"), 365),
    ("spinal infection", ("M46.2", "M46.3", "M46.4", "M46.5", "A18.01", "G06"), 365),
    ("trauma or fragility fracture", ("S32", "S33", "S34", "S39", "T14"), 90),
    ("palliative care or hospice", ("Z51.5", "Z515"), 365),
)
EPISODE_COLUMNS = (
    "patient", "index_date", "age", "hedis_age", "imaged", "imaging_date", "imaging_code",
    "days_to_imaging", "decision", "urgency", "excluded_reason", "class",
)  # fmt: skip


@dataclass(frozen=True)
class AuditResult:
    summary: dict[str, Any]
    episodes: list[dict[str, Any]]


def _norm(system: str, code: str) -> str:
    code = code.strip().upper()
    return code.replace(".", "") if system == "icd10cm" else code


def _code_rows(rb: Rulebook) -> list[tuple[str, str, str, str, bool, str, int | None]]:
    """(kind, target, system, code, is_prefix, statuses, lookback) for findings and code lists."""
    rows: list[tuple[str, str, str, str, bool, str, int | None]] = []
    for f in rb.findings.values():
        for system in ("icd10cm", "snomed"):
            for code in getattr(f.codes, system):
                prefix = code.endswith("*")
                rows.append(("finding", f.id, system, _norm(system, code.rstrip("*")), prefix,
                             f.record.statuses, f.record.lookback_days))  # fmt: skip
    for vs in ("low_back_pain", "lumbar_imaging"):
        codes = rb.value_sets[vs].codes
        for system in ("icd10cm", "snomed", "cpt"):
            for code in getattr(codes, system):
                rows.append(("value_set", vs, system, _norm(system, code.rstrip("*")),
                             code.endswith("*"), "any", None))  # fmt: skip
    return rows


def _load(con: duckdb.DuckDBPyConnection, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    for table, columns in TABLES.items():
        data = rows[table]
        arrow = pa.table(
            {c: pa.array([r[i] for r in data], type=pa.string()) for i, c in enumerate(columns)}
        )
        con.register(f"{table}_arrow", arrow)
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM {table}_arrow")
        con.unregister(f"{table}_arrow")


def run_audit(
    export_dir: Path,
    year: int,
    out_dir: Path,
    *,
    policy: str = "seed",
    notes: bool = False,
    rulebook: Rulebook | None = None,
) -> AuditResult:
    rb = rulebook or default_rulebook()
    pol = rb.policy(policy)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLES}
    quarantine_tmp = out_dir / ".quarantine.ndjson.partial"
    with quarantine_tmp.open("w", encoding="utf-8") as quarantine:
        report = read_export(export_dir, rows, quarantine, notes=notes)
    con = duckdb.connect()
    try:
        _load(con, rows)
        del rows
        con.execute(
            "CREATE TABLE codes (kind VARCHAR, target VARCHAR, system VARCHAR, code VARCHAR, "
            "is_prefix BOOLEAN, statuses VARCHAR, lookback INTEGER)"
        )
        con.executemany("INSERT INTO codes VALUES (?, ?, ?, ?, ?, ?, ?)", _code_rows(rb))
        episodes = _episodes(con, rb, pol.id, year, notes)
    finally:
        con.close()
    summary = _summary(year, policy, report, episodes)
    summary["notes"] = notes
    _write(out_dir, episodes, summary, quarantine_tmp)
    return AuditResult(summary, episodes)


def _read_notes(con: duckdb.DuckDBPyConnection, rb: Rulebook, notes: bool) -> None:
    """note_findings(patient, finding, value): what the notes of the index visit (the week up
    to the index date) say, through the note extractor; empty without --notes."""
    con.execute("CREATE TABLE note_findings (patient VARCHAR, finding VARCHAR, value BOOLEAN)")
    if not notes:
        return
    from spinewise.nlp import extract_many

    pairs = con.execute(
        "SELECT e.patient, n.text FROM eligible e JOIN notes n ON n.patient = e.patient "
        "WHERE TRY_CAST(n.written AS DATE) BETWEEN e.index_date - INTERVAL 7 DAY "
        "AND e.index_date ORDER BY e.patient, n.written"
    ).fetchall()
    found = extract_many((text for _, text in pairs), rulebook=rb)
    rows = [
        (patient, fid, value)
        for (patient, _), result in zip(pairs, found, strict=True)
        for fid, value in result.findings.items()
        if value is not None
    ]
    con.executemany("INSERT INTO note_findings VALUES (?, ?, ?)", rows)


def _episodes(
    con: duckdb.DuckDBPyConnection, rb: Rulebook, policy_id: str, year: int, notes: bool
) -> list[dict[str, Any]]:
    start, end, dec31 = f"DATE '{year}-01-01'", f"DATE '{year}-12-03'", f"DATE '{year}-12-31'"
    findings = list(rb.findings)
    decision, urgency = decision_sql(rb.policy(policy_id), rb)
    # Finding columns: TRUE from a coded diagnosis that counts at the index date (status and
    # lookback as in the FHIR intake); NULL otherwise.
    coded = ",\n".join(
        f"bool_or(CASE WHEN m.target = '{fid}' THEN TRUE END) AS \"{fid}\"" for fid in findings
    )
    # From notes: TRUE if a note says present, FALSE if the notes only say absent, NULL if silent.
    noted = ",\n".join(
        f"bool_or(value) FILTER (WHERE finding = '{fid}') AS \"{fid}\"" for fid in findings
    )
    # Present anywhere wins; absent only from a note or a measured normal temperature.
    merged = ",\n".join(
        f'CASE WHEN c."{fid}" OR n."{fid}"{" OR tm.tmax >= 38.0" if fid == "fever" else ""} '
        f'THEN TRUE WHEN n."{fid}" = FALSE{" OR tm.recent > 0" if fid == "fever" else ""} '
        f'THEN FALSE END AS "{fid}"'
        for fid in findings
    )
    exclusions = ", ".join(
        f"('{reason}', '{prefix.replace('.', '')}', {window if window is not None else 'NULL'})"
        for reason, prefixes, window in EXCLUSIONS
        for prefix in prefixes
    )
    sql_files = files("spinewise.population")
    step1 = sql_files.joinpath("eligible.sql").read_text(encoding="utf-8")
    con.execute(step1.format(start=start, end=end, dec31=dec31))
    _read_notes(con, rb, notes)
    template = sql_files.joinpath("episodes.sql").read_text(encoding="utf-8")
    sql = template.format(
        year=year, coded=coded, noted=noted, merged=merged,
        exclusions=exclusions, decision=decision, urgency=urgency,
    )  # fmt: skip
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        index = record["index_date"]
        imaging = record["imaging_date"]
        record["imaged"] = imaging is not None
        record["days_to_imaging"] = (imaging - index).days if imaging else None
        record["class"] = _class(record)
        record["index_date"] = index.isoformat()
        record["imaging_date"] = imaging.isoformat() if imaging else None
        record.pop("deceased", None)
        out.append(record)
    return out


def _class(e: dict[str, Any]) -> str:
    # Safety first: an urgent red flag not imaged within 2 days is a missed red flag, whether or
    # not the episode is excluded from the HEDIS measure.
    urgent = e["decision"] == "image" and e["urgency"] in ("emergency", "urgent")
    if urgent and (e["days_to_imaging"] is None or e["days_to_imaging"] > 2):
        return "missed_red_flag"
    if e["excluded_reason"]:
        return "excluded"
    if e["imaged"]:
        return "appropriate_imaging" if e["decision"] == "image" else "low_value_imaging"
    return "no_imaging_needed"


def _summary(
    year: int, policy: str, report: LoadReport, episodes: list[dict[str, Any]]
) -> dict[str, Any]:
    denominator = [e for e in episodes if not e["excluded_reason"]]
    imaged = sum(1 for e in denominator if e["imaged"])
    classes: dict[str, int] = {}
    for e in episodes:
        classes[e["class"]] = classes.get(e["class"], 0) + 1
    return {
        "year": year,
        "policy": policy,
        "engine": "duckdb",
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
    }


def _write(
    out_dir: Path, episodes: list[dict[str, Any]], summary: dict[str, Any], quarantine: Path
) -> None:
    """Every output under a temporary name first, then renamed: all or nothing."""
    columns = list(episodes[0]) if episodes else list(EPISODE_COLUMNS)
    table = (
        pa.table({c: [e.get(c) for e in episodes] for c in columns})
        if episodes
        else pa.table({c: pa.array([], type=pa.string()) for c in columns})
    )
    import pyarrow.parquet as pq

    fd, parquet_tmp = tempfile.mkstemp(dir=out_dir, suffix=".parquet.partial")
    os.close(fd)
    pq.write_table(table, parquet_tmp)
    summary_tmp = out_dir / ".summary.json.partial"
    summary_tmp.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    report_tmp = out_dir / ".report.html.partial"
    report_tmp.write_text(render_report(summary, episodes), encoding="utf-8")
    Path(parquet_tmp).replace(out_dir / "episodes.parquet")
    summary_tmp.replace(out_dir / "summary.json")
    report_tmp.replace(out_dir / "report.html")
    quarantine.replace(out_dir / "quarantine.ndjson")
