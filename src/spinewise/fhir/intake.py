"""FHIR R4 in, a presentation out: age and findings, with the evidence behind each.

Unknown is not absent (CLINICAL.md §3): no code, no observation, no answer leaves a finding
unknown. A finding is absent only when a QuestionnaireResponse answers "no" or a measured value
is normal (a recent normal temperature). Every resource that a conclusion is drawn from is
validated with `fhir.resources` (R4B models); so is any resource whose fields we read but
cannot (a date that is not a date, a coding that is not a list): a `FhirInputError` names the
resource and the field. Resources that say nothing the rules use are not validated: validating
a 200-resource record costs ~30 ms, most of a CDS Hooks call.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from spinewise.fhir.codes import CodeMatcher, codings, matcher_for
from spinewise.model import Presentation
from spinewise.rulebook import Rulebook, default_rulebook

__all__ = ["FhirInputError", "Intake", "Problem", "RecordEvidence", "intake", "resources_of"]

# Only resource types, ids and counts are logged here: never codes, values or dates.
logger = logging.getLogger("spinewise.fhir")

QUESTIONNAIRE_ID = "spinewise-red-flags"
FEVER_C = 38.0
#: A normal temperature this recent makes fever absent (when none was high in the window).
NORMAL_TEMPERATURE_HOURS = 48
READ_TYPES = frozenset(
    {
        "Patient",
        "Condition",
        "Observation",
        "MedicationRequest",
        "MedicationStatement",
        "MedicationDispense",
        "Procedure",
        "QuestionnaireResponse",
        "ServiceRequest",
    }
)
ACTIVE = {"active", "recurrence", "relapse"}
NOT_TRUE = {"refuted", "entered-in-error"}


@dataclass(frozen=True)
class Problem:
    resource: str
    field: str
    message: str


class FhirInputError(ValueError):
    """One or more resources are malformed; each problem names the resource and the field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.resource}: {p.field}: {p.message}" for p in problems))


@dataclass(frozen=True)
class RecordEvidence:
    """Why a finding was set (or only suggested) from the record."""

    finding: str
    value: bool
    resource: str
    code: str
    date: str | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Intake:
    """What the record says: age, findings (true/false only; unknown is left out), evidence,
    and findings the record only suggests asking about."""

    as_of: date
    age: float | None = None
    age_detail: str | None = None
    findings: dict[str, bool] = field(default_factory=dict)
    evidence: list[RecordEvidence] = field(default_factory=list)
    suggestions: list[RecordEvidence] = field(default_factory=list)
    indications: list[str] = field(default_factory=list)

    def set(self, item: RecordEvidence) -> None:
        # A present finding wins over an absent one from another source: a red flag in the
        # record is never hidden by a "no" elsewhere.
        self.evidence.append(item)
        self.findings[item.finding] = self.findings.get(item.finding, False) or item.value

    def presentation(self, setting: str | None = None) -> Presentation:
        data: dict[str, Any] = {"age": self.age, "findings": dict(self.findings)}
        if setting:
            data["setting"] = setting
        return Presentation.model_validate(data)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "age": self.age,
            "age_detail": self.age_detail,
            "findings": dict(self.findings),
            "evidence": [e.as_dict() for e in self.evidence],
            "suggestions": [e.as_dict() for e in self.suggestions],
            "indications": list(self.indications),
        }


def resources_of(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The resources of a Bundle (or a single resource)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("resourceType"), str):
        raise FhirInputError([Problem("(input)", "resourceType", "not a FHIR resource")])
    if data["resourceType"] != "Bundle":
        return [dict(data)]
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise FhirInputError([Problem("Bundle", "entry", "must be a list")])
    out = []
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping):
            raise FhirInputError([Problem("Bundle", f"entry[{i}].resource", "missing")])
        out.append(dict(resource))
    return out


def _name(resource: Mapping[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id', '?')}"


def _validate(resource: Mapping[str, Any]) -> None:
    model = get_fhir_model_class(str(resource["resourceType"]))
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        raise FhirInputError(
            [
                Problem(
                    _name(resource),
                    ".".join(str(p) for p in e["loc"]) or "(resource)",
                    e["msg"],
                )
                for e in exc.errors()
            ]
        ) from None


def parse_date(value: Any) -> datetime | None:
    """FHIR date or dateTime (YYYY, YYYY-MM, YYYY-MM-DD, full timestamp) → naive UTC start."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    try:
        if len(value) == 4:
            return datetime(int(value), 1, 1)
        if len(value) == 7:
            return datetime(int(value[:4]), int(value[5:7]), 1)
        if len(value) == 10:
            return datetime.fromisoformat(value)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(tz=None).replace(tzinfo=None)
    return parsed


def _age(birth: str, as_of: date) -> tuple[float, str]:
    """Age in full years; a partial birth date gives the oldest age it allows (the safe side:
    age-derived red flags are not missed), and says so."""
    year = int(birth[:4])
    month = int(birth[5:7]) if len(birth) >= 7 else 1
    day = int(birth[8:10]) if len(birth) >= 10 else 1
    oldest = as_of.year - year - ((as_of.month, as_of.day) < (month, day))
    if len(birth) >= 10:
        return float(oldest), f"from birthDate {birth}"
    youngest = (
        as_of.year - year - 1
        if len(birth) == 4
        else oldest - ((as_of.month, as_of.day) < (month, 28))
    )
    if youngest != oldest:
        return float(
            oldest
        ), f"from partial birthDate {birth}: {youngest} or {oldest}, {oldest} used"
    return float(oldest), f"from partial birthDate {birth}"


class _Reader:
    def __init__(self, rulebook: Rulebook, as_of: date, matcher: CodeMatcher) -> None:
        self.rb = rulebook
        self.as_of = as_of
        self.now = datetime.combine(as_of, datetime.max.time())
        self.matcher = matcher
        self.out = Intake(as_of=as_of)
        self.temperatures: list[tuple[datetime, float, str, Mapping[str, Any]]] = []
        self.steroid_days: list[tuple[datetime, datetime, str, Mapping[str, Any]]] = []
        self._validated: set[int] = set()

    def check(self, r: Mapping[str, Any]) -> None:
        """Validate a resource that a conclusion is drawn from (once)."""
        if id(r) not in self._validated:
            _validate(r)
            self._validated.add(id(r))

    def when(self, r: Mapping[str, Any], *paths: str) -> datetime | None:
        """The first date at these paths (`a.b` for nested); a date that is there but cannot
        be read is an error naming the field, never a silent "no date"."""
        for path in paths:
            value: Any = r
            for part in path.split("."):
                value = value.get(part) if isinstance(value, Mapping) else None
            if value is None:
                continue
            parsed = parse_date(value)
            if parsed is None:
                self.check(r)
                raise FhirInputError([Problem(_name(r), path, f"cannot read date {value!r}")])
            return parsed
        return None

    def days_ago(self, when: datetime | None) -> float | None:
        return None if when is None else (self.now - when).total_seconds() / 86400

    # --- per resource type -------------------------------------------------------------------

    def patient(self, r: Mapping[str, Any]) -> None:
        birth = r.get("birthDate")
        if birth is None:
            return
        self.check(r)
        if not isinstance(birth, str) or parse_date(birth) is None:
            raise FhirInputError([Problem(_name(r), "birthDate", "not a date")])
        self.out.age, self.out.age_detail = _age(birth, self.as_of)

    def coded(
        self,
        r: Mapping[str, Any],
        concepts: Iterable[Any],
        when: datetime | None,
        status: str | None,
        *,
        order: bool = False,
    ) -> None:
        """Findings recorded by codes (Conditions, order reasons), with their status rules."""
        hits: list[tuple[str, str]] = []
        prompts: list[tuple[str, str]] = []
        for concept in concepts:
            if not isinstance(concept, Mapping):
                continue
            for system, code, display in codings(concept):
                label = f"{system} {code}" + (f" {display}" if display else "")
                hits += [(fid, label) for fid in self.matcher.findings(system, code)]
                prompts += [(fid, label) for fid in self.matcher.suggested(system, code)]
                if order and "low_back_pain" in self.matcher.value_sets_of(system, code):
                    self.out.indications.append(label)
        if not hits and not prompts:
            return
        self.check(r)
        stamp = when.date().isoformat() if when else None
        for fid, label in hits:
            rule = self.rb.findings[fid].record
            if not order:
                if rule.statuses == "active" and status is not None and status not in ACTIVE:
                    continue
                age_days = self.days_ago(when)
                if rule.lookback_days is not None and (
                    age_days is None or age_days > rule.lookback_days
                ):
                    continue
            self.out.set(RecordEvidence(fid, True, _name(r), label, stamp, "coded"))
        for fid, label in prompts:
            self.out.suggestions.append(
                RecordEvidence(fid, True, _name(r), label, stamp, "suggests asking")
            )

    def condition(self, r: Mapping[str, Any]) -> None:
        verification = _first_code(r.get("verificationStatus"))
        if verification in NOT_TRUE:
            return
        when = self.when(r, "onsetDateTime", "onsetPeriod.start", "recordedDate")
        self.coded(r, [r.get("code")], when, _first_code(r.get("clinicalStatus")))

    def observation(self, r: Mapping[str, Any]) -> None:
        if r.get("status") in ("entered-in-error", "cancelled"):
            return
        if not self.matcher.in_value_set("body_temperature", _concept(r.get("code"))):
            return
        quantity = r.get("valueQuantity") or {}
        value, unit = quantity.get("value"), (quantity.get("code") or quantity.get("unit") or "")
        when = self.when(r, "effectiveDateTime", "effectivePeriod.start", "issued")
        if value is None or when is None:
            return
        celsius = _celsius(float(value), str(unit))
        if celsius is None:
            raise FhirInputError(
                [Problem(_name(r), "valueQuantity.code", f"unknown temperature unit {unit!r}")]
            )
        self.temperatures.append((when, celsius, f"{float(value):g} {unit}", r))

    def medication(self, r: Mapping[str, Any]) -> None:
        status = r.get("status")
        if status in ("entered-in-error", "cancelled", "draft", "not-taken", "declined"):
            return
        concept = _concept(r.get("medicationCodeableConcept"))
        matched = self.matcher.in_value_set("systemic_corticosteroids", concept)
        if not matched:
            return
        kind = r["resourceType"]
        start: datetime | None
        end: datetime | None
        if kind == "MedicationDispense":
            start = self.when(r, "whenHandedOver", "whenPrepared")
            days = _days(r.get("daysSupply") or {})
            end = _shift(start, days) if start and days else None
        elif kind == "MedicationStatement":
            start = self.when(r, "effectivePeriod.start", "effectiveDateTime")
            end = self.when(r, "effectivePeriod.end") or (self.now if status == "active" else None)
        else:  # MedicationRequest
            start = self.when(r, "authoredOn")
            dispense = r.get("dispenseRequest") or {}
            days = _days(dispense.get("expectedSupplyDuration") or {})
            repeats = int(dispense.get("numberOfRepeatsAllowed") or 0)
            end = self.when(r, "dispenseRequest.validityPeriod.end")
            if start and days:
                end = _shift(start, days * (1 + repeats))
        if start and end and end > start:
            self.steroid_days.append((start, end, f"{_name(r)} ({matched})", r))

    def procedure(self, r: Mapping[str, Any]) -> None:
        if r.get("status") not in ("completed", "in-progress", None):
            return
        label = self.matcher.in_value_set("spinal_procedures", _concept(r.get("code")))
        if not label:
            return
        when = self.when(r, "performedDateTime", "performedPeriod.end", "performedPeriod.start")
        limit = self.rb.findings["recent_spinal_procedure"].record.lookback_days or 30
        age_days = self.days_ago(when)
        if age_days is not None and -1 <= age_days <= limit:
            self.check(r)
            self.out.set(
                RecordEvidence(
                    "recent_spinal_procedure",
                    True,
                    _name(r),
                    label,
                    when.date().isoformat() if when else None,
                    f"within {limit} days",
                )
            )

    def questionnaire_response(self, r: Mapping[str, Any]) -> None:
        canonical = str(r.get("questionnaire") or "")
        if not canonical.split("|")[0].rstrip("/").endswith(QUESTIONNAIRE_ID):
            return
        if r.get("status") in ("entered-in-error", "stopped"):
            return
        self.check(r)
        when = self.when(r, "authored")
        stamp = when.date().isoformat() if when else None
        for item in _items(r.get("item") or []):
            link = str(item.get("linkId"))
            answers = item.get("answer") or []
            if not answers:
                continue
            answer = answers[0]
            if link == "age":
                value = answer.get("valueDecimal", answer.get("valueInteger"))
                if isinstance(value, int | float) and 0 <= value <= 120:
                    self.out.age, self.out.age_detail = float(value), f"answered in {_name(r)}"
            elif link in self.rb.findings and isinstance(answer.get("valueBoolean"), bool):
                value = answer["valueBoolean"]
                self.out.set(
                    RecordEvidence(link, value, _name(r), f"linkId {link}", stamp, "answered")
                )

    def service_request(self, r: Mapping[str, Any]) -> None:
        self.coded(r, r.get("reasonCode") or [], None, None, order=True)

    # --- conclusions over several resources -----------------------------------------------------

    def finish(self) -> Intake:
        self._fever()
        self._steroids()
        return self.out

    def _fever(self) -> None:
        """Any reading of 38.0 °C or more in the lookback window: fever (the highest is the
        evidence); else a normal reading in the last 48 hours: no fever (the latest); else
        unknown."""
        lookback = self.rb.findings["fever"].record.lookback_days or 7
        recent = [t for t in self.temperatures if 0 <= (self.days_ago(t[0]) or 0) <= lookback]
        high = [t for t in recent if t[1] >= FEVER_C]
        normal = [t for t in recent if (self.days_ago(t[0]) or 0) * 24 <= NORMAL_TEMPERATURE_HOURS]
        if high:
            reading, present, detail = max(high, key=lambda t: t[1]), True, f">= {FEVER_C:g} °C"
        elif normal:
            reading, present = max(normal, key=lambda t: t[0]), False
            detail = f"normal within {NORMAL_TEMPERATURE_HOURS} h"
        else:
            return
        when, _, shown, r = reading
        self.check(r)
        self.out.set(
            RecordEvidence(
                "fever", present, _name(r), f"loinc 8310-5 {shown}", when.date().isoformat(), detail
            )
        )

    def _steroids(self) -> None:
        need = self.rb.findings["prolonged_corticosteroid_use"].record.min_days_in_last_year or 90
        window_start = _shift(self.now, -365)
        spans = sorted(
            ((max(s, window_start), min(e, self.now), what, r)
             for s, e, what, r in self.steroid_days
             if e > window_start and s < self.now),
            key=lambda span: span[:2],
        )  # fmt: skip
        covered, cursor = 0.0, window_start
        for start, end, _, _ in spans:
            start = max(start, cursor)
            if end > start:
                covered += (end - start).total_seconds() / 86400
                cursor = end
        if covered >= need:
            for *_, r in spans:
                self.check(r)
            sources = "; ".join(what for _, _, what, _ in spans)
            self.out.set(
                RecordEvidence(
                    "prolonged_corticosteroid_use",
                    True,
                    sources.split(" (")[0],
                    sources,
                    None,
                    f"{covered:.0f} days in the last year",
                )
            )


def _shift(moment: datetime, days: float) -> datetime:
    """`moment` moved by `days`, clamped to the calendar's ends instead of overflowing."""
    try:
        return moment + timedelta(days=days)
    except OverflowError:
        return datetime.max if days > 0 else datetime.min


def _first_code(concept: Any) -> str | None:
    if isinstance(concept, Mapping):
        for coding in concept.get("coding") or []:
            if isinstance(coding, Mapping) and isinstance(coding.get("code"), str):
                return str(coding["code"])
    return None


def _concept(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _days(duration: Mapping[str, Any]) -> float | None:
    value = duration.get("value")
    unit = (duration.get("code") or duration.get("unit") or "d").lower()
    if not isinstance(value, int | float):
        return None
    scale = {
        "d": 1,
        "day": 1,
        "days": 1,
        "wk": 7,
        "week": 7,
        "weeks": 7,
        "mo": 30,
        "month": 30,
        "months": 30,
    }
    return float(value) * scale.get(unit, 1)


def _celsius(value: float, unit: str) -> float | None:
    unit = unit.strip().lower().replace("°", "").replace("deg", "")
    if unit in ("cel", "c", "celsius", "[c]"):
        return value
    if unit in ("[f]", "f", "fahrenheit", "[degf]"):
        return (value - 32) * 5 / 9
    return None


def _items(items: Iterable[Any]) -> Iterable[Mapping[str, Any]]:
    for item in items:
        if isinstance(item, Mapping):
            yield item
            yield from _items(item.get("item") or [])


def intake(
    resources: Iterable[Mapping[str, Any]],
    as_of: date,
    *,
    rulebook: Rulebook | None = None,
    matcher: CodeMatcher | None = None,
) -> Intake:
    """Read resources (any order, any mix) into age, findings and evidence as of a date."""
    rb = rulebook or default_rulebook()
    reader = _Reader(rb, as_of, matcher or matcher_for(rb))
    dispatch = {
        "Patient": reader.patient,
        "Condition": reader.condition,
        "Observation": reader.observation,
        "MedicationRequest": reader.medication,
        "MedicationStatement": reader.medication,
        "MedicationDispense": reader.medication,
        "Procedure": reader.procedure,
        "QuestionnaireResponse": reader.questionnaire_response,
        "ServiceRequest": reader.service_request,
    }
    counts: dict[str, int] = {}
    for resource in resources:
        kind = resource.get("resourceType") if isinstance(resource, Mapping) else None
        handler = dispatch.get(str(kind))
        if handler is not None:
            counts[str(kind)] = counts.get(str(kind), 0) + 1
            try:
                handler(resource)
            except FhirInputError:
                raise
            except (TypeError, AttributeError, ValueError, KeyError, IndexError) as exc:
                # A resource whose shape we could not read: let the FHIR model name the field.
                _validate(resource)
                raise FhirInputError(
                    [Problem(_name(resource), "(resource)", f"cannot be read: {exc}")]
                ) from None
    logger.debug("intake read %s", counts)
    return reader.finish()
