"""The audit's one definition (audit.sql), made ready for an engine: macros expanded, the
rulebook compiled in, and, for Spark, transpiled from DuckDB's dialect with sqlglot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from spinewise.fhir.codes import normal_code
from spinewise.model import CODED_READERS, Reader
from spinewise.population.compile import decision_sql
from spinewise.population.schema import SCHEMAS
from spinewise.rulebook import Rulebook

__all__ = [
    "EXCLUSIONS",
    "FHIR_DATE",
    "PATIENT_REF",
    "RULE_SOURCE_COLUMNS",
    "Step",
    "in_dialect",
    "rule_source_rows",
    "steps",
]

#: HEDIS exclusions from coded diagnoses (CLINICAL.md §7): (reason, ICD-10-CM prefixes, window
#: in days before the index date, or None for "ever"; every window runs to 28 days after the
#: index date). Medications and death are in audit.sql.
EXCLUSIONS: tuple[tuple[str, tuple[str, ...], int | None], ...] = (
    ("cancer", ("C", "Z85"), None),
    ("HIV", ("B20", "Z21"), None),
    ("organ transplant", ("Z94",), None),
    ("osteoporosis", ("M81", "M80"), None),
    ("spondylopathy", ("M45", "M46", "M48"), None),
    ("lumbar surgery", ("Z98.1",), None),
    ("IV drug abuse", ("F11", "F14", "F15", "F19"), 365),
    ("neurologic impairment", ("G83.4", "G95", "R29.2"), 365),
    ("spinal infection", ("M46.2", "M46.3", "M46.4", "M46.5", "A18.01", "G06"), 365),
    ("trauma or fragility fracture", ("S32", "S33", "S34", "S39", "T14"), 90),
    ("palliative care or hospice", ("Z51.5",), 365),
)
#: Medicines whose records exclude an episode from the HEDIS measure (audit.sql).
MEDICATION_EXCLUSIONS = ("osteoporosis_drugs",)


@dataclass(frozen=True)
class Step:
    name: str
    sql: str
    #: Read by two or more later steps (an engine that computes lazily keeps it).
    reused: bool = True


_STEP = re.compile(r"^-- step: (\w+)((?: \[\w+\])*)$", re.M)


def _expand(sql: str, name: str, template: str) -> str:
    """Replace every macro call `name(arg)` (arg may hold parentheses) with the template."""
    out, i = [], 0
    while (j := sql.find(name + "(", i)) >= 0:
        k, depth = j + len(name) + 1, 1
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[k], 0)
            k += 1
        arg = _expand(sql[j + len(name) + 1 : k - 1], name, template)
        out.append(sql[i:j] + template.replace("X", f"({arg})"))
        i = k
    return "".join(out) + sql[i:]


# A FHIR date, dateTime or instant to a DATE: only a full day counts; a partial date ("2019",
# "2019-05") is an unknown day (NULL), never an error.
FHIR_DATE = "CASE WHEN length(X) >= 10 THEN TRY_CAST(substr(X, 1, 10) AS DATE) END"
# The first and last day a FHIR date covers, as written: "2019-05" is May 1 to May 31 (the
# FHIR intake's `day_range`); NULL when it is not a date.
FHIR_DAY0 = (
    "CASE WHEN length(X) >= 10 THEN TRY_CAST(substr(X, 1, 10) AS DATE) "
    "WHEN length(X) = 7 THEN TRY_CAST(X || '-01' AS DATE) "
    "WHEN length(X) = 4 THEN TRY_CAST(X || '-01-01' AS DATE) END"
)
FHIR_DAY1 = (
    "CASE WHEN length(X) >= 10 THEN TRY_CAST(substr(X, 1, 10) AS DATE) "
    "WHEN length(X) = 7 THEN last_day(TRY_CAST(X || '-01' AS DATE)) "
    "WHEN length(X) = 4 THEN TRY_CAST(X || '-12-31' AS DATE) END"
)
# "Patient/123", "https://server/fhir/Patient/123" or "urn:uuid:123" to "123".
PATIENT_REF = (
    "CASE WHEN X LIKE 'urn:uuid:%' THEN substr(X, 10) "
    "WHEN X LIKE '%/%' THEN nullif(regexp_extract(X, '([^/]+)$', 1), '') END"
)


@cache
def _template() -> list[tuple[str, set[str], str]]:
    text = files("spinewise.population").joinpath("audit.sql").read_text(encoding="utf-8")
    parts = _STEP.split(text)
    out = []
    for name, tags, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        out.append((name, set(re.findall(r"\[(\w+)\]", tags)), body.strip().rstrip(";")))
    return out


def _macros(sql: str) -> str:
    for name, template in (("fhir_date", FHIR_DATE), ("fhir_day0", FHIR_DAY0),
                           ("fhir_day1", FHIR_DAY1), ("patient_ref", PATIENT_REF)):  # fmt: skip
        sql = _expand(sql, name, template)
    return sql


def in_dialect(sql: str, dialect: str) -> str:
    """SQL written in DuckDB's dialect, for an engine of `dialect` (sqlglot for Spark)."""
    if dialect == "duckdb":
        return sql
    import sqlglot

    return str(sqlglot.transpile(sql, read="duckdb", write=dialect)[0])


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def steps(
    rb: Rulebook,
    policy_id: str,
    year: int,
    *,
    notes: bool,
    dialect: str,
    only: tuple[str, ...] | None = None,
) -> list[Step]:
    """The steps of the audit for one year and policy, in `dialect` ("duckdb" or "spark").
    `only`: just the steps with one of these tags (e.g. `record` and `findings`, for reading
    findings as of given days without episodes)."""
    decision, urgency = decision_sql(rb.policy(policy_id), rb)
    record = record_sql(rb)
    # Notes of the index week: TRUE if one says present, FALSE if they only say absent.
    noted = ",\n".join(
        f'bool_or(value) FILTER (WHERE finding = {_quote(fid)}) AS "{fid}"' for fid in rb.findings
    )
    # Present anywhere wins; absent only from an absent reading of the record or a note.
    merged = ",\n".join(
        f'CASE WHEN rf."{fid}" OR n."{fid}" THEN TRUE '
        f'WHEN rf."{fid}" = FALSE OR n."{fid}" = FALSE THEN FALSE END AS "{fid}"'
        for fid in rb.findings
    )
    values = {
        "start": f"DATE '{year}-01-01'",
        "end": f"DATE '{year}-12-03'",
        "year": str(year),
        "notes": "TRUE" if notes else "FALSE",
        "noted": noted,
        "merged": merged,
        "evidence": ", ".join(f'rf."evidence_{fid}"' for fid in rb.findings),
        "decision": decision,
        "urgency": urgency,
        **record,
    }
    template = [
        (n, t, b)
        for n, t, b in _template()
        if (notes or "notes" not in t) and (only is None or t & set(only))
    ]
    # Filled in first, so that a step's readers are counted in the SQL that runs.
    filled = [(name, tags, _macros(body.format(**values))) for name, tags, body in template]
    out = []
    for i, (name, tags, sql) in enumerate(filled):
        readers = sum(len(re.findall(rf"\b{name}\b", later)) for _, _, later in filled[i + 1 :])
        out.append(Step(name, in_dialect(sql, dialect), reused=readers >= 2 or "keep" in tags))
    return out


# --- the record rules, generated (knowledge/record_rules.yaml) ----------------------------------


def _path(alias: str, path: str) -> str:
    return f"{alias}." + ".".join(path.split("."))


def _status_sql(resource: str, alias: str, element: str) -> str:
    """A status element as text: a code, or a CodeableConcept's first code."""
    if isinstance(SCHEMAS[resource].get(element), dict):
        return f"{alias}.{element}.coding[1].code"
    return f"{alias}.{element}"


def _reader_filters(reader: Reader, alias: str) -> tuple[str, str, str, str]:
    """(kept, current, first day, last day) of a reader's records, as SQL over `alias`."""
    resource = reader.resource
    kept = (
        " AND ".join(
            f"coalesce({_status_sql(resource, alias, element)}, '') NOT IN "
            f"({', '.join(_quote(s) for s in statuses)})"
            for element, statuses in reader.never.items()
        )
        or "TRUE"
    )
    current = (
        " AND ".join(
            f"coalesce({_status_sql(resource, alias, element)} IN "
            f"({', '.join(_quote(s) for s in statuses)}), TRUE)"
            for element, statuses in reader.current.items()
        )
        or "TRUE"
    )
    day0 = "coalesce(" + ", ".join(f"fhir_day0({_path(alias, d)})" for d in reader.dates) + ")"
    day1 = "coalesce(" + ", ".join(f"fhir_day1({_path(alias, d)})" for d in reader.dates) + ")"
    return kept, current, day0, day1


def _spellings(spellings: tuple[str, ...], ucum: str) -> str:
    return ", ".join(_quote(x) for x in sorted({*spellings, ucum.lower()}))


def _celsius_sql(rb: Rulebook, value: str, unit: str) -> str:
    """A temperature in degrees Celsius from its value and unit text (units.yaml); NULL for a
    unit that is not a temperature. The same arithmetic as the FHIR intake."""
    whens = []
    for u in rb.units.temperature:
        whens.append(
            f"WHEN lower(trim({unit})) IN ({_spellings(u.spellings, u.ucum)}) "
            f"THEN ({value} - {float(u.minus)!r}) * {u.times.numerator} / {u.times.denominator}"
        )
    return f"CASE {' '.join(whens)} END"


def _coded_reader_sql(rb: Rulebook, reader: Reader) -> str:
    """One row per coding of a record in a value set: the facts the rules read."""
    resource = reader.resource
    element = reader.id.split(".", 1)[1]
    col = f"p.r_{resource}"
    kept, current, day0, day1 = _reader_filters(reader, col)
    undated = "TRUE" if reader.undated == "reading_day" else "FALSE"
    value = "CAST(NULL AS DOUBLE)"
    if element == "valueQuantity":
        element = "code"
        value = _celsius_sql(
            rb,
            f"TRY_CAST({col}.valueQuantity.value AS DOUBLE)",
            f"coalesce({col}.valueQuantity.code, {col}.valueQuantity.unit, '')",
        )
    if isinstance(SCHEMAS[resource][element], list):  # a list of concepts
        source = (
            f"(SELECT *, unnest(cc.coding) AS c FROM (SELECT *, unnest({col}.{element}) AS cc "
            f"FROM parsed p WHERE {col} IS NOT NULL) p) p"
        )
    else:
        source = (
            f"(SELECT *, unnest({col}.{element}.coding) AS c FROM parsed p "
            f"WHERE {col} IS NOT NULL) p"
        )
    return (
        f"SELECT p.lid, p.patient, {_quote(resource + '/')} || {col}.id AS ref, "
        f"{_quote(reader.id)} AS reader, y.system, "
        f"CASE WHEN y.system IN ('icd10cm', 'icd10pcs') THEN upper(replace(trim(c.code), '.', '')) "
        f"ELSE upper(trim(c.code)) END AS code, {day0} AS day0, {day1} AS day1, "
        f"{undated} AS undated_reading, {current} AS is_current, {value} AS value\n"
        f"FROM {source} JOIN systems y ON y.url = c.system\n"
        f"WHERE p.patient IS NOT NULL AND c.code IS NOT NULL AND {kept}"
    )


def _prefix_lengths(rb: Rulebook) -> list[int]:
    lengths = set()
    for vs in rb.value_sets.values():
        for system, codes in vs.codes.by_system():
            lengths |= {len(normal_code(system, c[:-1])) for c in codes if c.endswith("*")}
    return sorted(lengths)


def _window_sql(window: Any, rb: Rulebook, first: str, last: str, day: str) -> str:
    """Some day of [first, last] falls in [day - window, day]; `ever`: on or before the day, or
    undated."""
    if window == "ever":
        return f"({first} IS NULL OR {first} <= {day})"
    return f"({first} <= {day} AND {last} >= {day} - {int(rb.days(window))})"


#: The record rules as a table the SQL joins (one row per reader of each source): the rules are
#: interpreted by one join, not written out as one query per rule.
RULE_SOURCE_COLUMNS = (
    ("finding", "VARCHAR"), ("value", "BOOLEAN"), ("reader", "VARCHAR"), ("value_set", "VARCHAR"),
    ("window_days", "INTEGER"), ("needs_current", "BOOLEAN"), ("compare", "VARCHAR"),
    ("threshold", "DOUBLE"),
)  # fmt: skip


def rule_source_rows(rb: Rulebook) -> list[tuple[Any, ...]]:
    """Every source of every record rule, one row per reader (`window_days` NULL: ever;
    `threshold` in its kind's canonical unit)."""
    rows = []
    for rule in rb.record_rules.values():
        for part, value in (("present", True), ("absent", False)):
            for source in getattr(rule, part):
                window = None if source.window == "ever" else int(rb.days(source.window))
                threshold = rb.threshold(rule.finding) if source.compare else None
                rows += [
                    (rule.finding, value, reader, source.value_set, window,
                     source.status == "current", source.compare, threshold)
                    for reader in source.read
                ]  # fmt: skip
    return rows


def _days_sql(rb: Rulebook, value: str, unit: str) -> str:
    """A duration in days from its value and unit text (units.yaml); NULL for a unit that is not
    a unit of time. The same arithmetic as the FHIR intake."""
    whens = [
        f"WHEN lower(trim({unit})) IN ({_spellings(u.spellings, u.ucum)}) "
        f"THEN {value} * {u.days.numerator} / {u.days.denominator}"
        for u in rb.units.time
    ]
    return f"CASE {' '.join(whens)} END"


def record_sql(rb: Rulebook) -> dict[str, str]:
    """The placeholders of audit.sql that the record rules fill: the facts each reader reads,
    the medicines' value sets, every rule's hits, and the finding columns."""
    coded = [
        r for r in rb.readers.values() if r.id in (*CODED_READERS, "Observation.valueQuantity")
    ]
    facts = "\nUNION ALL\n".join(_coded_reader_sql(rb, r) for r in coded)
    # Each coding against the value sets: exact codes, then each prefix length, all equi-joins.
    joins = ["k.code = x.code AND NOT k.is_prefix"] + [
        f"k.is_prefix AND length(k.code) = {n} AND k.code = substr(x.code, 1, {n})"
        for n in _prefix_lengths(rb)
    ]
    matched = "\nUNION ALL\n".join(
        f"SELECT x.*, k.target AS value_set FROM record_codings x JOIN codes k "
        f"ON k.kind = 'value_set' "
        f"AND k.system = x.system AND {join}"
        for join in joins
    )
    medication_sets = sorted(
        {
            s.value_set
            for r in rb.record_rules.values()
            for s in r.present
            if s.read == ("Medication.daysCovered",)
        }
        | set(MEDICATION_EXCLUSIONS)
    )
    answers = rb.readers["QuestionnaireResponse.answer"]
    kept, _, day0, day1 = _reader_filters(answers, "p.r_QuestionnaireResponse")
    medication = rb.readers["Medication.daysCovered"]
    return {
        "record_codings": facts,
        "record_facts": f"SELECT DISTINCT * FROM (\n{matched}\n) z",
        "medication_sets": ", ".join(_quote(v) for v in medication_sets),
        "medication_never": ", ".join(_quote(x) for x in medication.never["status"]),
        "medication_days": _days_sql(rb, "x.days_value", "x.days_unit"),
        "answers_kept": kept,
        "answers_day0": day0,
        "answers_day1": day1,
        "answers_questionnaire": _quote("%" + rb.answers.questionnaire),
        "answers_window": _window_sql(rb.answers.window, rb, "a.day0", "a.day1", "r.reading_day"),
        "notes_days": str(int(rb.days(rb.notes.window))),
        "record_columns": ",\n".join(
            f'bool_or(value) FILTER (WHERE finding = {_quote(fid)}) AS "{fid}",\n'
            f"min(CASE WHEN finding = {_quote(fid)} AND winning "
            f"THEN ref || ' ' || coalesce(CAST(day AS VARCHAR), '') END) "
            f'AS "evidence_{fid}"'
            for fid in rb.findings
        ),
    }
