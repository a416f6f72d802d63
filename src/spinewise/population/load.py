"""Read a FHIR Bulk Data export (NDJSON) into flat tables, quarantining bad lines.

One pass over every file, line by line (memory flat in the export's size): each line is
`used` (a resource the audit reads), `ignored` (a resource type or content it does not need),
or `quarantined` with its file, line number and reason (not JSON, a resource of another type
than its file, no code system spinewise knows). `input_lines = used + ignored + quarantined`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from spinewise.fhir.codes import SYSTEMS

__all__ = ["TABLES", "LoadReport", "read_export"]

#: Flat tables and their columns (all VARCHAR; dates as ISO text, parsed in SQL).
TABLES: dict[str, tuple[str, ...]] = {
    "patients": ("patient", "birth_date", "deceased"),
    "conditions": ("patient", "system", "code", "onset", "status", "verification"),
    "temperatures": ("patient", "value", "unit", "effective"),
    "procedures": ("patient", "system", "code", "performed", "source"),
    "notes": ("patient", "written", "text"),
}
READ = {
    "Patient",
    "Condition",
    "Observation",
    "Procedure",
    "ImagingStudy",
    "DiagnosticReport",
    "ServiceRequest",
}


@dataclass
class LoadReport:
    input_lines: int = 0
    used: int = 0
    ignored: int = 0
    quarantined: int = 0
    types_present: dict[str, int] = field(default_factory=dict)


def _patient(resource: dict[str, Any]) -> str | None:
    ref = (resource.get("subject") or resource.get("patient") or {}).get("reference")
    if isinstance(ref, str) and "/" in ref:
        return ref.rsplit("/", 1)[1]
    if isinstance(ref, str) and ref.startswith("urn:uuid:"):
        return ref.removeprefix("urn:uuid:")
    return None


def _codings(concept: Any) -> list[tuple[str, str]]:
    out = []
    if isinstance(concept, dict):
        for coding in concept.get("coding") or []:
            if isinstance(coding, dict) and isinstance(coding.get("code"), str):
                system = SYSTEMS.get(coding.get("system") or "")
                out.append((system or "?", coding["code"]))
    return out


def _first_code(concept: Any) -> str | None:
    codes = _codings(concept)
    return codes[0][1] if codes else None


def _date(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and len(value) >= 4:
            return value[:10]
    return None


def read_export(
    export_dir: Path,
    rows: dict[str, list[tuple[Any, ...]]],
    quarantine: IO[str],
    *,
    notes: bool = False,
) -> LoadReport:
    """Fill `rows` (table → row tuples) from every `*.ndjson` file of the export; the text of
    DocumentReferences (clinical notes) only when `notes`."""
    report = LoadReport()
    files = sorted(
        p for p in export_dir.iterdir() if p.suffix == ".ndjson" and p.name != "log.ndjson"
    )
    for path in files:
        expected = path.name.split(".", 1)[0]
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                report.input_lines += 1
                outcome = _line(path.name, expected, number, line, rows, quarantine, notes)
                if outcome == "used":
                    report.used += 1
                    report.types_present[expected] = report.types_present.get(expected, 0) + 1
                elif outcome == "ignored":
                    report.ignored += 1
                else:
                    report.quarantined += 1
    return report


def _quarantine(out: IO[str], name: str, number: int, reason: str) -> str:
    out.write(json.dumps({"file": name, "line": number, "reason": reason}) + "\n")
    return "quarantined"


def _line(
    name: str,
    expected: str,
    number: int,
    line: str,
    rows: dict[str, list[tuple[Any, ...]]],
    quarantine: IO[str],
    notes: bool = False,
) -> str:
    try:
        r = json.loads(line)
    except json.JSONDecodeError as exc:
        return _quarantine(quarantine, name, number, f"not valid JSON: {exc.msg}")
    if not isinstance(r, dict) or not isinstance(r.get("resourceType"), str):
        return _quarantine(quarantine, name, number, "not a FHIR resource")
    kind = r["resourceType"]
    if kind != expected and expected in READ | {"Encounter", "MedicationRequest"}:
        return _quarantine(quarantine, name, number, f"a {kind} in a {expected} file")
    if kind == "DocumentReference" and notes:
        return _note(r, name, number, rows, quarantine)
    if kind not in READ:
        return "ignored"
    if kind == "Patient":
        rows["patients"].append(
            (r.get("id"), _date(r.get("birthDate")), _date(r.get("deceasedDateTime")))
        )
        return "used"
    patient = _patient(r)
    if patient is None:
        return _quarantine(quarantine, name, number, "no subject Patient reference")
    if kind == "Condition":
        codes = _codings(r.get("code"))
        if codes and all(system == "?" for system, _ in codes):
            return _quarantine(quarantine, name, number, "no code system spinewise knows")
        onset = _date(
            r.get("onsetDateTime"), (r.get("onsetPeriod") or {}).get("start"), r.get("recordedDate")
        )
        status = _first_code(r.get("clinicalStatus"))
        verification = _first_code(r.get("verificationStatus"))
        for system, code in codes:
            if system != "?":
                rows["conditions"].append((patient, system, code, onset, status, verification))
        return "used"
    if kind == "Observation":
        codes = _codings(r.get("code"))
        if ("loinc", "8310-5") not in codes:
            return "ignored"
        quantity = r.get("valueQuantity") or {}
        value = quantity.get("value")
        if not isinstance(value, int | float):
            return _quarantine(quarantine, name, number, "temperature without a numeric value")
        unit = quantity.get("code") or quantity.get("unit") or ""
        effective = _date(r.get("effectiveDateTime"), (r.get("effectivePeriod") or {}).get("start"))
        rows["temperatures"].append((patient, str(value), str(unit), effective))
        return "used"
    # Imaging, from any of the resources that can carry it.
    if kind == "ServiceRequest" and r.get("status") != "completed":
        return "ignored"
    concept = r.get("code")
    if kind == "ImagingStudy":
        concept = {
            "coding": [c for s in r.get("procedureCode") or [] for c in (s.get("coding") or [])]
        }
    codes = [(s, c) for s, c in _codings(concept) if s != "?"]
    if not codes:
        return "ignored"
    when = _date(
        r.get("performedDateTime"),
        (r.get("performedPeriod") or {}).get("start"),
        r.get("started"),
        r.get("effectiveDateTime"),
        r.get("issued"),
        r.get("occurrenceDateTime"),
        r.get("authoredOn"),
    )
    for system, code in codes:
        rows["procedures"].append((patient, system, code, when, kind))
    return "used"


def _note(
    r: dict[str, Any],
    name: str,
    number: int,
    rows: dict[str, list[tuple[Any, ...]]],
    quarantine: IO[str],
) -> str:
    """The plain text of a clinical note (base64 attachment data)."""
    patient = _patient(r)
    if patient is None:
        return _quarantine(quarantine, name, number, "no subject Patient reference")
    written = _date(r.get("date"), ((r.get("context") or {}).get("period") or {}).get("start"))
    texts = []
    for content in r.get("content") or []:
        attachment = (content or {}).get("attachment") or {}
        if str(attachment.get("contentType", "text/plain")).startswith("text/") and attachment.get(
            "data"
        ):
            try:
                texts.append(base64.b64decode(attachment["data"]).decode("utf-8", errors="replace"))
            except (ValueError, TypeError):
                return _quarantine(quarantine, name, number, "note data is not base64")
    if not texts:
        return "ignored"
    rows["notes"].append((patient, written, "\n".join(texts)))
    return "used"


def batches(rows: list[tuple[Any, ...]], size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
