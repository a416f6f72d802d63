"""Read a patient's chart through the FHIR API a SMART launch opened, into answers with their
evidence for the clinician's page.

The record is read by the FHIR intake (the same queries as the CDS Hooks prefetch); recent notes
(DocumentReference, `knowledge/cards.yaml` `chart`) by the note extractor. A present finding from
any source wins; a "no" fills only what nothing says is present; unknown stays unknown.
Nothing is assessed here: the page is pre-filled and the clinician confirms.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import httpx
from starlette.concurrency import run_in_threadpool

from spinewise.api.notes import MAX_NOTE_CHARS, read_note
from spinewise.cds.hooks import PREFETCH
from spinewise.fhir.intake import Intake, day_range, intake
from spinewise.outbound import (
    FHIR_ID,
    Limits,
    OutboundError,
    base_url,
    fhir_search,
    get_json,
    within,
)
from spinewise.rulebook import Rulebook

__all__ = ["Chart", "read_chart"]


@dataclass
class Chart:
    """What the page shows: the answers to pre-fill, the evidence behind each, the patient."""

    answers: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    suggestions: dict[str, list[str]] = field(default_factory=dict)
    patient_name: str | None = None
    birth_date: str | None = None
    age_detail: str | None = None
    notes_read: int = 0
    resources_read: int = 0


def _name(patient: Mapping[str, Any]) -> str | None:
    for name in patient.get("name") or []:
        if isinstance(name, Mapping):
            if isinstance(name.get("text"), str):
                return str(name["text"])
            given = " ".join(str(g) for g in name.get("given") or [] if isinstance(g, str))
            family = name.get("family") if isinstance(name.get("family"), str) else ""
            text = f"{given} {family}".strip()
            if text:
                return text
    return None


def _note_text(doc: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(text, Binary URL to fetch) of a DocumentReference's first plain-text attachment."""
    for content in doc.get("content") or []:
        attachment = content.get("attachment") if isinstance(content, Mapping) else None
        if not isinstance(attachment, Mapping):
            continue
        kind = str(attachment.get("contentType") or "text/plain")
        if not kind.startswith("text/plain"):
            continue
        if isinstance(attachment.get("data"), str):
            try:
                raw = base64.b64decode(attachment["data"], validate=False)
            except (binascii.Error, ValueError):
                continue
            return raw.decode("utf-8", errors="replace")[:MAX_NOTE_CHARS], None
        if isinstance(attachment.get("url"), str):
            return None, str(attachment["url"])
    return None, None


async def read_chart(
    rb: Rulebook,
    http: httpx.AsyncClient,
    *,
    fhir_base: str,
    access_token: str,
    patient: str,
    as_of: date,
    limits: Limits,
) -> Chart:
    """Read the chart within one deadline. `OutboundError` if the FHIR server fails;
    `FhirInputError` (from the intake) if a resource is malformed."""
    if not FHIR_ID.fullmatch(patient):
        raise OutboundError("the launch context's patient is not a FHIR id")
    headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/fhir+json"}
    encoded = quote(patient, safe="")
    queries = [q.replace("{{context.patientId}}", encoded) for q in PREFETCH.values()]
    reading = rb.cds_cards.chart
    if reading.max_notes:
        queries.append(
            f"DocumentReference?patient={encoded}&_sort=-date&_count={reading.max_notes}"
        )
    searches = [fhir_search(http, fhir_base, q, headers=headers, max_pages=10) for q in queries]
    results = await within(limits.deadline, "FHIR server", asyncio.gather(*searches))
    resources = [r for found in results for r in found]
    record = [r for r in resources if r.get("resourceType") != "DocumentReference"]
    found = intake(record, as_of, rulebook=rb)
    chart = Chart(resources_read=len(resources), age_detail=found.age_detail)
    patients = [r for r in record if r.get("resourceType") == "Patient"]
    if patients:
        chart.patient_name = _name(patients[0])
        birth = patients[0].get("birthDate")
        chart.birth_date = str(birth) if isinstance(birth, str) else None
    _from_record(rb, found, chart)
    # The notes of this presentation: the window the audit reads notes in (record_rules.yaml).
    since = as_of - timedelta(days=int(rb.days(rb.notes.window)))
    notes = [
        r for r in resources
        if r.get("resourceType") == "DocumentReference"
        and r.get("status") != "entered-in-error"
        and _written(r) is not None and since <= _written(r) <= as_of  # type: ignore[operator]
    ][: reading.max_notes]  # fmt: skip
    for doc in notes:
        text, url = _note_text(doc)
        if text is None and url is not None and base_url(url).startswith(base_url(fhir_base) + "/"):
            binary = await within(
                limits.deadline, "FHIR server", get_json(http, url, headers=headers)
            )
            if isinstance(binary, Mapping) and isinstance(binary.get("data"), str):
                text = base64.b64decode(binary["data"]).decode("utf-8", "replace")[:MAX_NOTE_CHARS]
        if not text or not text.strip():
            continue
        extracted = await run_in_threadpool(read_note, text)
        if extracted is None:
            break  # the note extractor is not installed: the record alone pre-fills the page
        chart.notes_read += 1
        _from_note(extracted, text, f"DocumentReference/{doc.get('id', '?')}", chart)
    return chart


def _written(doc: Mapping[str, Any]) -> date | None:
    context = doc.get("context") if isinstance(doc.get("context"), Mapping) else {}
    period = context.get("period") if isinstance(context, Mapping) else None
    start = period.get("start") if isinstance(period, Mapping) else None
    days = day_range(doc.get("date")) or day_range(start)
    return days[1] if days else None


def _from_record(rb: Rulebook, found: Intake, chart: Chart) -> None:
    if found.age is not None:
        chart.answers["age"] = f"{found.age:g}"
    for fid, value in found.findings.items():
        chart.answers[fid] = "yes" if value else "no"
    for e in found.evidence:
        when = f", {e.date}" if e.date else ""
        shown = "present" if e.value else "absent"
        chart.evidence.setdefault(e.finding, []).append(
            f"{e.resource}: {e.code}{when} ({e.detail}; {shown})"
        )
    for e in found.suggestions:
        if e.finding in rb.findings:
            chart.suggestions.setdefault(e.finding, []).append(f"{e.resource}: {e.code}")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a mention (what the clinician checks it against), at most 200
    characters."""
    left = max(text.rfind(mark, 0, start) for mark in (".", "!", "?", "\n")) + 1
    rights = [i for i in (text.find(mark, end) for mark in (".", "!", "?", "\n")) if i != -1]
    right = min(rights) + 1 if rights else len(text)
    sentence = " ".join(text[left:right].split())
    return sentence if len(sentence) <= 200 else sentence[:197] + "..."


def _from_note(extracted: Any, text: str, name: str, chart: Chart) -> None:
    for fid, value in extracted.findings.items():
        if value is None:
            continue
        if value:
            chart.answers[fid] = "yes"  # present anywhere wins
        elif fid not in chart.answers:
            chart.answers[fid] = "no"
    for mention in extracted.mentions:
        if mention.counts_as is not None:
            shown = "present" if mention.counts_as else "absent"
            quoted = _sentence(text, mention.start, mention.end)
            shown_here = chart.evidence.setdefault(mention.finding, [])
            line = f'{name}: "{quoted}" ({shown})'
            if line not in shown_here:  # two mentions in one sentence: one line
                shown_here.append(line)
    if extracted.age is not None and "age" not in chart.answers:
        chart.answers["age"] = f"{extracted.age:g}"
