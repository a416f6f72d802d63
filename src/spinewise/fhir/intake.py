"""FHIR R4 in, a presentation out: age and findings, with the evidence behind each.

The record rules of `knowledge/record_rules.yaml` are interpreted here, the point of care's
engine (the audit's SQL is generated from the same rules: population/definition.py). Each
resource is read once into facts (one per reader that reads its type): its day range, statuses,
the value sets its codes are in, and its value or the days it covers. The rules then decide.

Unknown is not absent (CLINICAL.md §3): no code, no observation, no answer leaves a finding
unknown. A finding is absent only when an answer says "no" or a measured value is normal, and
present wins over absent whatever its source. Every resource that a conclusion is drawn from is
validated with `fhir.resources` (R4B models); so is any resource whose fields we read but cannot
(a date that is not a date): a `FhirInputError` names the resource and the field. Resources that
say nothing the rules use are not validated: validating a 200-resource record costs ~30 ms, most
of a CDS Hooks call.
"""

from __future__ import annotations

import calendar
import functools
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from spinewise.fhir.codes import CodeMatcher, matcher_for
from spinewise.model import ADULT_AGE, Presentation, Reader, RecordRule, RecordSource
from spinewise.rulebook import Rulebook, default_rulebook

__all__ = [
    "QUESTIONNAIRE_ID",
    "FhirInputError",
    "Intake",
    "Problem",
    "RecordEvidence",
    "day_range",
    "intake",
    "resources_of",
]

# Only resource types, ids and counts are logged here: never codes, values or dates.
logger = logging.getLogger("spinewise.fhir")

#: The id of spinewise's red-flag Questionnaire (knowledge/record_rules.yaml, `answers`).
QUESTIONNAIRE_ID = default_rulebook().answers.questionnaire
MEDICATION_TYPES = frozenset({"MedicationRequest", "MedicationDispense", "MedicationStatement"})

Days = tuple[date, date]


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
    #: The youngest the patient can be (a partial birth date): for the adults-only check.
    youngest_age: float | None = None
    age_detail: str | None = None
    findings: dict[str, bool] = field(default_factory=dict)
    evidence: list[RecordEvidence] = field(default_factory=list)
    suggestions: list[RecordEvidence] = field(default_factory=list)
    indications: list[str] = field(default_factory=list)
    rulebook: Rulebook | None = field(default=None, repr=False, compare=False)

    def set(self, item: RecordEvidence) -> None:
        # A present finding wins over an absent one from another source: a red flag in the
        # record is never hidden by a "no" elsewhere.
        self.evidence.append(item)
        self.findings[item.finding] = self.findings.get(item.finding, False) or item.value

    def presentation(self, setting: str | None = None) -> Presentation:
        """The presentation, validated against the rulebook the record was read with."""
        data: dict[str, Any] = {"age": self.age, "findings": dict(self.findings)}
        if setting:
            data["setting"] = setting
        context = {"finding_ids": self.rulebook.finding_ids} if self.rulebook else None
        return Presentation.model_validate(data, context=context)

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


def day_range(value: Any) -> Days | None:
    """The days a FHIR date or dateTime covers, as written (the date part of a timestamp, in the
    record's own time zone): "2019" is every day of 2019, "2019-05" every day of May 2019. None
    when it is not a date."""
    if not isinstance(value, str) or len(value) < 4 or not value[:4].isdigit():
        return None
    try:
        year = int(value[:4])
        if len(value) == 4:
            return date(year, 1, 1), date(year, 12, 31)
        if len(value) == 7 and value[4] == "-":
            month = int(value[5:7])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day, day


def _at(resource: Mapping[str, Any], path: str) -> Any:
    value: Any = resource
    for part in _parts(path):
        # dict first: parsed JSON is dicts, and a check against the Mapping ABC costs more.
        value = value.get(part) if isinstance(value, dict | Mapping) else None
    return value


@functools.cache
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _status(value: Any) -> str | None:
    """A status as text: a code, or a CodeableConcept's first code."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for coding in value.get("coding") or []:
            if isinstance(coding, Mapping) and isinstance(coding.get("code"), str):
                return str(coding["code"])
    return None


def _age(birth: str, as_of: date) -> tuple[float, float, str]:
    """Age in full years, the youngest it can be, and how it was read. A partial birth date
    gives the oldest age it allows (the safe side: age-derived red flags are not missed), and
    says so; the youngest is for the adults-only check (a possible child is not rated)."""
    first, last = day_range(birth) or (as_of, as_of)
    oldest = as_of.year - first.year - ((as_of.month, as_of.day) < (first.month, first.day))
    if first == last:
        return float(oldest), float(oldest), f"from birthDate {birth}"
    youngest = as_of.year - last.year - ((as_of.month, as_of.day) < (last.month, last.day))
    if youngest != oldest:
        said = f"from partial birthDate {birth}: {youngest} or {oldest}, {oldest} used"
        return float(oldest), float(youngest), said
    return float(oldest), float(youngest), f"from partial birthDate {birth}"


@dataclass
class _Fact:
    """One resource as one reader reads it."""

    reader: str
    resource: Mapping[str, Any]
    days: Days | None
    current: bool
    value_sets: dict[str, str]  # value set id -> the coding (or name) that put it there
    value: float | None = None  # a measurement in its kind's canonical unit
    shown: str = ""
    covered: Days | None = None  # medication: first and last day covered
    open_ended: bool = False  # medication: runs to the reading day


class _Reader:
    def __init__(self, rulebook: Rulebook, as_of: date, matcher: CodeMatcher) -> None:
        self.rb = rulebook
        self.as_of = as_of
        self.matcher = matcher
        self.out = Intake(as_of=as_of, rulebook=rulebook)
        self.facts: dict[str, list[_Fact]] = {reader: [] for reader in rulebook.readers}
        self._validated: set[int] = set()
        self.by_type: dict[str, list[Reader]] = {}
        for reader in rulebook.readers.values():
            types = MEDICATION_TYPES if reader.resource == "Medication" else {reader.resource}
            for kind in types:
                self.by_type.setdefault(kind, []).append(reader)
        self.named = [vs.id for vs in rulebook.value_sets.values() if vs.names]
        self.paths = {reader.id: reader.path for reader in rulebook.readers.values()}
        # Knowledge quantities in days and degrees, by window (the knowledge outlives the call).
        self._since: dict[int, date] = {}
        self._thresholds: dict[str, float] = {}

    def check(self, r: Mapping[str, Any]) -> None:
        """Validate a resource that a conclusion is drawn from (once)."""
        if id(r) not in self._validated:
            _validate(r)
            self._validated.add(id(r))

    def days_of(self, r: Mapping[str, Any], paths: Iterable[str]) -> tuple[Days | None, str]:
        """The day range of the first date present at these paths; a date that is there but
        cannot be read is an error naming the field, never a silent "no date"."""
        for path in paths:
            value = _at(r, path)
            if value is None:
                continue
            days = day_range(value)
            if days is None:
                self.check(r)
                raise FhirInputError([Problem(_name(r), path, f"cannot read date {value!r}")])
            return days, path
        return None, ""

    # --- reading each resource into facts ------------------------------------------------------

    def read(self, r: Mapping[str, Any]) -> None:
        kind = str(r.get("resourceType"))
        if kind == "Patient":
            self.patient(r)
        for reader in self.by_type.get(kind, ()):
            if any(_status(r.get(element)) in out for element, out in reader.never.items()):
                continue
            self.facts[reader.id].extend(self.fact(reader, r))

    def fact(self, reader: Reader, r: Mapping[str, Any]) -> Iterator[_Fact]:
        # The date first: a date that cannot be read is an error wherever it is (a resource in
        # no value set included), never skipped.
        days, _ = self.days_of(r, reader.dates)
        if days is None and reader.undated == "reading_day":
            days = (self.as_of, self.as_of)
        current = all(
            _status(r.get(element)) in (None, *allowed)
            for element, allowed in reader.current.items()
        )
        if reader.id == "QuestionnaireResponse.answer":
            yield _Fact(reader.id, r, days, current, {})
            return
        if reader.id == "Medication.daysCovered":
            yield from self.medication(reader, r, days, current)
            return
        element = self.paths[reader.id]
        concepts = _at(r, element) if element != "valueQuantity" else r.get("code")
        value_sets = self.coded(concepts if isinstance(concepts, list) else [concepts])
        if not value_sets:
            return
        fact = _Fact(reader.id, r, days, current, value_sets)
        if reader.id == "Observation.valueQuantity":
            self.measured(fact)
        if reader.id == "ServiceRequest.reasonCode" and "low_back_pain" in value_sets:
            self.out.indications.append(value_sets["low_back_pain"])
        yield fact

    def coded(self, concepts: Iterable[Any]) -> dict[str, str]:
        found: dict[str, str] = {}
        for concept in concepts:
            for system, code, display in self.matcher.codings(concept):
                label = f"{system} {code}" + (f" {display}" if display else "")
                for vs in self.matcher.value_sets_of(system, code):
                    found.setdefault(vs, label)
        return found

    def measured(self, fact: _Fact) -> None:
        """A temperature's value in degrees Celsius (units.yaml); an unknown unit is an error
        naming the field (the value cannot be read, and is not guessed)."""
        r = fact.resource
        quantity = r.get("valueQuantity")
        if not isinstance(quantity, Mapping) or quantity.get("value") is None:
            return
        raw = quantity["value"]
        unit = str(quantity.get("code") or quantity.get("unit") or "")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            self.check(r)
            raise FhirInputError(
                [Problem(_name(r), "valueQuantity.value", "not a number")]
            ) from None
        known = self.rb.units.temperature_unit(unit)
        if known is None:
            raise FhirInputError(
                [Problem(_name(r), "valueQuantity.code", f"unknown temperature unit {unit!r}")]
            )
        # The same arithmetic as the SQL engines: (v - minus) * numerator / denominator.
        times = known.times
        fact.value = (value - float(known.minus)) * times.numerator / times.denominator
        fact.shown = f"{value:g} {unit}"

    def medication(
        self, reader: Reader, r: Mapping[str, Any], days: Days | None, current: bool
    ) -> Iterator[_Fact]:
        concept = r.get("medicationCodeableConcept")
        value_sets = self.coded([concept])
        for vs in self.named:
            # Its codes were looked up just above: only the names are left to read.
            if vs not in value_sets and (label := self.matcher.named(vs, concept)):
                value_sets[vs] = label
        if not value_sets:
            return
        # Only a full day starts a course (a partial date says too little about it).
        start = days[0] if days is not None and days[0] == days[1] else None
        if start is None:
            return
        covered, open_ended = self.covered_days(r, start)
        yield _Fact(reader.id, r, days, current, value_sets, covered=covered, open_ended=open_ended)

    def covered_days(self, r: Mapping[str, Any], start: date) -> tuple[Days, bool]:
        """First and last day a medication record covers (one day when it does not say)."""
        kind = r["resourceType"]
        count: float | None = None
        if kind == "MedicationDispense":
            count = self.duration(r.get("daysSupply"), default_unit="d")
        elif kind == "MedicationRequest":
            dispense = r.get("dispenseRequest") or {}
            length = self.duration(dispense.get("expectedSupplyDuration"))
            repeats = dispense.get("numberOfRepeatsAllowed")
            if length is not None:
                count = length * (1 + (int(repeats) if isinstance(repeats, int | str) else 0))
            else:
                end, _ = self.days_of(r, ["dispenseRequest.validityPeriod.end"])
                count = (end[1] - start).days + 1 if end else None
        else:  # MedicationStatement
            end, _ = self.days_of(r, ["effectivePeriod.end"])
            if end is not None:
                count = (end[1] - start).days + 1
            elif r.get("status") == "active":
                return (start, start), True
        whole = int(count) if count is not None and count >= 1 else 1
        return (start, _shift(start, whole - 1)), False

    def duration(self, quantity: Any, default_unit: str | None = None) -> float | None:
        """A Duration in days (units.yaml); None when its unit is not a unit of time."""
        if not isinstance(quantity, Mapping) or not isinstance(quantity.get("value"), int | float):
            return None
        spelling = quantity.get("code") or quantity.get("unit") or default_unit
        unit = self.rb.units.time_unit(str(spelling)) if spelling else None
        if unit is None:
            return None
        return float(quantity["value"]) * unit.days.numerator / unit.days.denominator

    def patient(self, r: Mapping[str, Any]) -> None:
        birth = r.get("birthDate")
        if birth is None:
            return
        self.check(r)
        if not isinstance(birth, str) or day_range(birth) is None:
            raise FhirInputError([Problem(_name(r), "birthDate", "not a date")])
        oldest, youngest, self.out.age_detail = _age(birth, self.as_of)
        if oldest < 0:
            raise FhirInputError([Problem(_name(r), "birthDate", "in the future")])
        if youngest > ADULT_AGE[1]:
            raise FhirInputError(
                [Problem(_name(r), "birthDate", f"an age of {youngest:g}: over {ADULT_AGE[1]}")]
            )
        self.out.age, self.out.youngest_age = oldest, max(youngest, 0.0)

    # --- the rules --------------------------------------------------------------------------------

    def within(self, days: Days | None, window: Any) -> bool:
        """Some day of the record falls in [reading day - window, reading day]; `ever`: on or
        before the reading day, or undated."""
        if window == "ever":
            return days is None or days[0] <= self.as_of
        if days is None:
            return False
        return days[0] <= self.as_of and days[1] >= self.since(window)

    def since(self, window: Any) -> date:
        """The first day of a window ending on the reading day (worked out once per window)."""
        first = self._since.get(id(window))
        if first is None:
            first = self._since[id(window)] = _shift(self.as_of, -int(self.rb.days(window)))
        return first

    def threshold(self, finding: str) -> float:
        value = self._thresholds.get(finding)
        if value is None:
            value = self._thresholds[finding] = self.rb.threshold(finding)
        return value

    def hits(self, rule: RecordRule, source: RecordSource) -> list[tuple[_Fact, str, str]]:
        """The facts that match one source of a rule, with a word on how."""
        if source.read == ("Medication.daysCovered",):
            return self.coverage(rule, source)
        out = []
        for reader in source.read:
            for fact in self.facts[reader]:
                if source.value_set not in fact.value_sets:
                    continue
                if source.status == "current" and not fact.current:
                    continue
                if not self.within(fact.days, source.window):
                    continue
                if source.compare is not None:
                    if fact.value is None:
                        continue
                    threshold = self.threshold(rule.finding)
                    if (fact.value >= threshold) != (source.compare == "at_least"):
                        continue
                out.append((fact, source.value_set, _window_text(source)))
        return out

    def coverage(self, rule: RecordRule, source: RecordSource) -> list[tuple[_Fact, str, str]]:
        """Days covered (once each) in the window, against the rule's threshold."""
        first = self.since(source.window) if source.window != "ever" else _shift(self.as_of, -36500)
        spans = []
        for fact in self.facts["Medication.daysCovered"]:
            if source.value_set not in fact.value_sets or fact.covered is None:
                continue
            start, last = fact.covered
            if fact.open_ended:
                last = max(last, self.as_of)
            start, last = max(start, first), min(last, self.as_of)
            if last >= start:
                spans.append((start, last, fact))
        spans.sort(key=lambda s: (s[0], s[1]))
        covered, cursor = 0, _shift(first, -1)
        for start, last, _ in spans:
            start = max(start, _shift(cursor, 1))
            if last >= start:
                covered += (last - start).days + 1
                cursor = last
        if (covered >= self.threshold(rule.finding)) != (source.compare == "at_least"):
            return []
        detail = f"{covered} days covered in {_window_text(source)}"
        return [(fact, source.value_set, detail) for _, _, fact in spans]

    def finish(self) -> Intake:
        for rule in self.rb.record_rules.values():
            present = [hit for s in rule.present for hit in self.hits(rule, s)]
            for fact, value_set, detail in present:
                self.evidence(rule.finding, True, fact, value_set, detail)
            if not present:
                for s in rule.absent:
                    for fact, value_set, detail in self.hits(rule, s):
                        self.evidence(rule.finding, False, fact, value_set, f"normal, {detail}")
            for s in rule.suggests:
                for fact, _, _ in self.hits(rule, s):
                    self.out.suggestions.append(
                        RecordEvidence(rule.finding, True, _name(fact.resource),
                                       fact.value_sets[s.value_set], _day_text(fact.days),
                                       "suggests asking")
                    )  # fmt: skip
        self.answers()
        return self.out

    def evidence(self, finding: str, value: bool, fact: _Fact, value_set: str, detail: str) -> None:
        self.check(fact.resource)
        code = fact.shown or fact.value_sets[value_set]
        self.out.set(
            RecordEvidence(finding, value, _name(fact.resource), code, _day_text(fact.days), detail)
        )

    def answers(self) -> None:
        """Yes/no answers to spinewise's own Questionnaire (linkId = finding id), recent ones."""
        rule = self.rb.answers
        for fact in self.facts["QuestionnaireResponse.answer"]:
            r = fact.resource
            canonical = str(r.get("questionnaire") or "").split("|")[0].rstrip("/")
            if not canonical.endswith(rule.questionnaire) or not self.within(
                fact.days, rule.window
            ):
                continue
            self.check(r)
            for item in _items(r.get("item") or []):
                link = str(item.get("linkId"))
                answers = item.get("answer") or []
                if not answers or not isinstance(answers[0], Mapping):
                    continue
                answer = answers[0]
                if link == "age":
                    value = answer.get("valueDecimal", answer.get("valueInteger"))
                    if isinstance(value, int | float) and 0 <= value <= 120:
                        self.out.age, self.out.age_detail = float(value), f"answered in {_name(r)}"
                        # Any source saying the patient may be a child keeps them unrated.
                        known = self.out.youngest_age
                        self.out.youngest_age = float(value) if known is None else min(
                            known, float(value))  # fmt: skip
                elif link in self.rb.findings and isinstance(answer.get("valueBoolean"), bool):
                    self.out.set(
                        RecordEvidence(link, answer["valueBoolean"], _name(r), f"linkId {link}",
                                       _day_text(fact.days), "answered")
                    )  # fmt: skip


def _window_text(source: RecordSource) -> str:
    if source.window == "ever":
        return "any time"
    return f"within {source.window.value:g} {source.window.unit}"


def _day_text(days: Days | None) -> str | None:
    if days is None:
        return None
    return days[0].isoformat() if days[0] == days[1] else f"{days[0]}..{days[1]}"


def _shift(day: date, days: int) -> date:
    """`day` moved by `days`, clamped to the calendar's ends instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


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
    counts: dict[str, int] = {}
    for resource in resources:
        if not isinstance(resource, Mapping):
            continue
        kind = str(resource.get("resourceType"))
        counts[kind] = counts.get(kind, 0) + 1
        try:
            reader.read(resource)
        except FhirInputError:
            raise
        except (TypeError, AttributeError, ValueError, KeyError, IndexError) as exc:
            # A resource whose shape we could not read: let the FHIR model name the field.
            _validate(resource)
            raise FhirInputError(
                [Problem(_name(resource), "(resource)", f"cannot be read: {type(exc).__name__}")]
            ) from None
    logger.debug("intake read %s", counts)
    return reader.finish()
