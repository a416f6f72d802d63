"""The audit's one definition (audit.sql), made ready for an engine: macros expanded, the
rulebook compiled in, and, for Spark, transpiled from DuckDB's dialect with sqlglot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from spinewise.population.compile import decision_sql
from spinewise.rulebook import Rulebook

__all__ = ["EXCLUSIONS", "FHIR_DATE", "PATIENT_REF", "Step", "steps"]

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
        body = _expand(_expand(body, "fhir_date", FHIR_DATE), "patient_ref", PATIENT_REF)
        out.append((name, set(re.findall(r"\[(\w+)\]", tags)), body.strip().rstrip(";")))
    return out


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def steps(rb: Rulebook, policy_id: str, year: int, *, notes: bool, dialect: str) -> list[Step]:
    """The steps of the audit for one year and policy, in `dialect` ("duckdb" or "spark")."""
    findings = list(rb.findings)
    decision, urgency = decision_sql(rb.policy(policy_id), rb)
    # Finding columns: TRUE from a coded diagnosis that counts at the index date; NULL otherwise.
    coded = ",\n".join(
        f'bool_or(CASE WHEN m.target = {_quote(fid)} THEN TRUE END) AS "{fid}"' for fid in findings
    )
    noted = ",\n".join(
        f'bool_or(value) FILTER (WHERE finding = {_quote(fid)}) AS "{fid}"' for fid in findings
    )
    # Present anywhere wins; absent only from a note or a measured normal temperature.
    merged = ",\n".join(
        f'CASE WHEN c."{fid}" OR n."{fid}"{" OR tm.tmax >= 38.0" if fid == "fever" else ""} '
        f'THEN TRUE WHEN n."{fid}" = FALSE{" OR tm.recent > 0" if fid == "fever" else ""} '
        f'THEN FALSE END AS "{fid}"'
        for fid in findings
    )
    values = {
        "start": f"DATE '{year}-01-01'",
        "end": f"DATE '{year}-12-03'",
        "year": str(year),
        "notes": "TRUE" if notes else "FALSE",
        "steroid_days": str(
            rb.findings["prolonged_corticosteroid_use"].record.min_days_in_last_year or 90
        ),
        "coded": coded,
        "noted": noted,
        "merged": merged,
        "decision": decision,
        "urgency": urgency,
    }
    template = [(n, t, b) for n, t, b in _template() if notes or "notes" not in t]
    out = []
    for i, (name, tags, body) in enumerate(template):
        sql = body.format(**values)
        readers = sum(len(re.findall(rf"\b{name}\b", later)) for _, _, later in template[i + 1 :])
        if dialect != "duckdb":
            import sqlglot

            sql = sqlglot.transpile(sql, read="duckdb", write=dialect)[0]
        out.append(Step(name, sql, reused=readers >= 2 or "keep" in tags))
    return out
