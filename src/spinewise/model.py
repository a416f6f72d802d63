"""Frozen, typed models: the knowledge (findings, conditions, policies) and its use
(presentations in, assessments out).

This module imports nothing above it: the rulebook loads YAML into these types and the engines
run them. The JSON shapes of `Presentation` and `Assessment` are those of CONTRACT.md §3-§4.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Annotated, Any, Literal, Protocol, TypeAlias, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

Decision: TypeAlias = Literal["image", "conservative", "incomplete"]
Urgency: TypeAlias = Literal["emergency", "urgent", "routine"]
Setting: TypeAlias = Literal["primary_care", "emergency", "specialist"]

#: Urgencies from most to least pressing; the engine takes the first one that applies.
URGENCY_ORDER: tuple[Urgency, ...] = ("emergency", "urgent", "routine")


class Frozen(BaseModel):
    """Base of the knowledge models: immutable, and unknown keys are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------------------------
# Knowledge
# --------------------------------------------------------------------------------------------


class Source(Frozen):
    id: str
    citation: str


class Codes(Frozen):
    """Codes by system (short names of knowledge/code_systems.yaml). A trailing `*` matches a
    prefix (a code family)."""

    icd10cm: tuple[str, ...] = ()
    icd10pcs: tuple[str, ...] = ()
    snomed: tuple[str, ...] = ()
    rxnorm: tuple[str, ...] = ()
    loinc: tuple[str, ...] = ()
    cpt: tuple[str, ...] = ()
    hcpcs: tuple[str, ...] = ()
    discharge_disposition: tuple[str, ...] = ()

    def by_system(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(system, codes) for each system that has codes."""
        for system, codes in self:
            if codes:
                yield system, codes


class Finding(Frozen):
    """A question a clinician answers: true, false or unknown."""

    id: str
    tier: Literal["seed", "extension", "suspicion"]
    question: str
    help: str
    answer: Literal["boolean"] = "boolean"
    screens: tuple[str, ...]
    sources: tuple[str, ...] = Field(min_length=1)


# --- reading the record (knowledge/record_rules.yaml, units.yaml, code_systems.yaml) --------


def _fraction(value: Any) -> Fraction:
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"not a number or fraction: {value!r}") from None


class TimeUnit(Frozen):
    ucum: str
    days: Fraction
    spellings: tuple[str, ...] = Field(min_length=1)

    @field_validator("days", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Fraction:
        return _fraction(value)


class TemperatureUnit(Frozen):
    """celsius = (value - minus) * times"""

    ucum: str
    minus: Fraction
    times: Fraction
    spellings: tuple[str, ...] = Field(min_length=1)

    @field_validator("minus", "times", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Fraction:
        return _fraction(value)


class VolumeUnit(Frozen):
    ucum: str
    millilitres: Fraction
    spellings: tuple[str, ...] = Field(min_length=1)

    @field_validator("millilitres", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Fraction:
        return _fraction(value)


class MassUnit(Frozen):
    ucum: str
    kilograms: Fraction
    spellings: tuple[str, ...] = Field(min_length=1)

    @field_validator("kilograms", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Fraction:
        return _fraction(value)


_U = TypeVar("_U", TimeUnit, TemperatureUnit, VolumeUnit, MassUnit)


def _spelled(units: tuple[_U, ...], spelling: str) -> _U | None:
    """The unit of `units` a text means (its UCUM code or a usual spelling, any case)."""
    text = spelling.strip().lower()
    return next((u for u in units if text in u.spellings or text == u.ucum.lower()), None)


class Units(Frozen):
    version: int
    time: tuple[TimeUnit, ...] = Field(min_length=1)
    temperature: tuple[TemperatureUnit, ...] = Field(min_length=1)
    volume: tuple[VolumeUnit, ...] = ()
    mass: tuple[MassUnit, ...] = ()

    def time_unit(self, spelling: str) -> TimeUnit | None:
        """The time unit a record's unit text means (UCUM code or a usual spelling)."""
        return _spelled(self.time, spelling)

    def temperature_unit(self, spelling: str) -> TemperatureUnit | None:
        return _spelled(self.temperature, spelling)

    def volume_unit(self, spelling: str) -> VolumeUnit | None:
        return _spelled(self.volume, spelling)

    def mass_unit(self, spelling: str) -> MassUnit | None:
        return _spelled(self.mass, spelling)

    def kind_of(self, ucum: str) -> Literal["time", "temperature", "volume", "mass"] | None:
        if any(u.ucum == ucum for u in self.time):
            return "time"
        if any(u.ucum == ucum for u in self.temperature):
            return "temperature"
        if any(u.ucum == ucum for u in self.volume):
            return "volume"
        if any(u.ucum == ucum for u in self.mass):
            return "mass"
        return None

    def canonical(self, value: float, ucum: str) -> float:
        """A knowledge quantity in the canonical unit of its kind (days, degrees Celsius)."""
        for t in self.time:
            if t.ucum == ucum:
                return float(Fraction(str(value)) * t.days)
        for c in self.temperature:
            if c.ucum == ucum:
                return float((Fraction(str(value)) - c.minus) * c.times)
        for v in self.volume:
            if v.ucum == ucum:
                return float(Fraction(str(value)) * v.millilitres)
        for m in self.mass:
            if m.ucum == ucum:
                return float(Fraction(str(value)) * m.kilograms)
        raise KeyError(ucum)


class CodeSystem(Frozen):
    name: str
    title: str
    uris: tuple[str, ...] = Field(min_length=1)


class CodeSystems(Frozen):
    version: int
    systems: tuple[CodeSystem, ...] = Field(min_length=1)


class Quantity(Frozen):
    """A number with its UCUM unit (knowledge/units.yaml); a unit is never implied."""

    value: float
    unit: str

    @model_validator(mode="before")
    @classmethod
    def _with_unit(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "unit" not in data:
            raise ValueError("a number needs its unit (a UCUM code of units.yaml)")
        return data


#: `ever`: on or before the reading day (or undated); otherwise a look-back with its unit.
Window: TypeAlias = Literal["ever"] | Quantity

ReaderId: TypeAlias = Literal[
    "Condition.code",
    "ServiceRequest.reasonCode",
    "Observation.valueQuantity",
    "Procedure.code",
    "Encounter.type",
    "Encounter.dischargeDisposition",
    "Medication.daysCovered",
    "QuestionnaireResponse.answer",
]
#: Readers of codes alone (a coded record); the others compare a value with a threshold.
CODED_READERS: tuple[ReaderId, ...] = (
    "Condition.code",
    "ServiceRequest.reasonCode",
    "Procedure.code",
    "Encounter.type",
    "Encounter.dischargeDisposition",
)


class Reader(Frozen):
    """How one kind of record is read: its dates (first present wins) and statuses."""

    id: ReaderId
    resource: str
    element: str | None = Field(
        None, description="The element read, when it is not the id's own (a.b for nested)."
    )
    dates: tuple[str, ...] = Field(min_length=1)

    @property
    def path(self) -> str:
        """The element read: `element`, or what the id names after the resource type."""
        return self.element or self.id.split(".", 1)[1]

    undated: Literal["unknown", "reading_day"] = Field(
        "unknown", description="reading_day: a record with no date is read as of that day."
    )
    never: Mapping[str, tuple[str, ...]] = Field(
        default_factory=dict, description="Element → statuses that take a record out."
    )
    current: Mapping[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="Element → statuses a rule with `status: current` requires (none given "
        "counts as current).",
    )


class RecordSource(Frozen):
    """One way a record shows a finding: a reader, a value set, a window, and for measured
    values a comparison with the rule's threshold."""

    read: tuple[ReaderId, ...] = Field(min_length=1)
    value_set: str
    window: Window
    status: Literal["any", "current"] = "any"
    compare: Literal["at_least", "below"] | None = None

    @field_validator("read", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value


class RecordRule(Frozen):
    """How a finding is read from a record: present, absent (measurements only), or only
    suggested (the question is prompted, not answered)."""

    finding: str
    sources: tuple[str, ...] = Field(min_length=1)
    threshold: Quantity | None = None
    present: tuple[RecordSource, ...] = ()
    absent: tuple[RecordSource, ...] = ()
    suggests: tuple[RecordSource, ...] = ()


class Recent(Frozen):
    """A look-back for what is about the presentation itself (answers, notes)."""

    window: Quantity
    sources: tuple[str, ...] = Field(min_length=1)


class Answers(Recent):
    """Answers to spinewise's own red-flag Questionnaire, read for every finding."""

    questionnaire: str


class RecordRules(Frozen):
    version: int
    readers: tuple[Reader, ...] = Field(min_length=1)
    answers: Answers
    notes: Recent
    rules: tuple[RecordRule, ...]


class AgeRange(Frozen):
    """An open or closed age interval; `gt: 50` means strictly over 50."""

    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    def contains(self, age: float) -> bool:
        return (
            (self.gt is None or age > self.gt)
            and (self.ge is None or age >= self.ge)
            and (self.lt is None or age < self.lt)
            and (self.le is None or age <= self.le)
        )

    def describe(self) -> str:
        parts = [
            f"{op} {value:g}"
            for op, value in (("over", self.gt), ("at least", self.ge))
            if value is not None
        ] + [
            f"{op} {value:g}"
            for op, value in (("under", self.lt), ("at most", self.le))
            if value is not None
        ]
        return "age " + " and ".join(parts)


class AgeFlag(Frozen):
    """A flag derived from the age; unknown when the age is unknown."""

    id: str
    label: str
    age: AgeRange
    screens: tuple[str, ...]
    sources: tuple[str, ...] = Field(min_length=1)


class Condition(Frozen):
    id: str
    name: str
    description: str
    sources: tuple[str, ...] = Field(min_length=1)


class Study(Frozen):
    id: str
    procedure: str
    modality: Literal["MRI", "CT", "radiography"]
    codes: Codes
    if_mri_contraindicated: str | None = None
    covers: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)


class EvidenceItem(Frozen):
    """A published figure shown beside the flag or condition it belongs to (CLINICAL.md §4)."""

    about: str
    setting: Literal["primary_care", "emergency", "any"]
    statement: str
    min_flags: int = 1
    sources: tuple[str, ...] = Field(min_length=1)


class ValueSet(Frozen):
    id: str
    title: str
    sources: tuple[str, ...] = Field(min_length=1)
    codes: Codes
    names: tuple[str, ...] = Field(
        (),
        description="Ingredient names that identify a product whose code is not in the list "
        "(records often code the product, not the ingredient).",
    )
    exclude_words: tuple[str, ...] = Field(
        (), description="Words in a product's name that take it out (e.g. topical forms)."
    )


class AnyOf(Frozen):
    """True if any part is true; false if all are false; otherwise unknown."""

    any: tuple[When, ...] = Field(min_length=1)


class AllOf(Frozen):
    """True if all parts are true; false if any is false; otherwise unknown."""

    all: tuple[When, ...] = Field(min_length=1)


#: A rule's condition: a finding or age-flag id (true when present), or a combination.
When: TypeAlias = str | AnyOf | AllOf
AnyOf.model_rebuild()
AllOf.model_rebuild()


def when_text(when: When, *, nested: bool = False) -> str:
    """A condition in words: `a or b`, `(a or b) and c`."""
    if isinstance(when, str):
        return when
    joiner, parts = (" or ", when.any) if isinstance(when, AnyOf) else (" and ", when.all)
    text = joiner.join(when_text(part, nested=True) for part in parts)
    return f"({text})" if nested and len(parts) > 1 else text


def when_ids(when: When) -> list[str]:
    """Every finding or age-flag id a condition mentions, in order."""
    if isinstance(when, str):
        return [when]
    parts = when.any if isinstance(when, AnyOf) else when.all
    return [ref for part in parts for ref in when_ids(part)]


class NextStep(Frozen):
    action: str
    when: str
    study: str | None = Field(
        None,
        description="The study the step would order: the step is dropped when an order placed "
        "now already covers it (nothing is both ordered now and planned for later).",
    )


class Referral(Frozen):
    """A team a policy refers to (knowledge/referrals.yaml)."""

    id: str
    to: str
    sources: tuple[str, ...] = Field(min_length=1)


class PlanStep(Frozen):
    """A step a plan adds beside the order and the referrals (knowledge/steps.yaml)."""

    id: str
    text: str
    covers: tuple[str, ...] = Field((), description="Steps this one makes redundant.")
    with_study: tuple[str, ...] = Field(
        (), description="Only in a plan that orders one of these studies (empty: any plan)."
    )
    sources: tuple[str, ...] = Field(min_length=1)


class Rule(Frozen):
    """When `when` is true: `image` orders `study` now; `watch` plans `next_step` instead."""

    id: str
    title: str
    when: When
    decision: Literal["image", "watch"]
    suspects: tuple[str, ...]
    urgency: Urgency | None = None
    study: str | None = None
    acr_variant: str | None = None
    timing: str | None = Field(
        None, description="Timing of this rule's study beyond the urgency (e.g. within 4 hours)."
    )
    refer: tuple[str, ...] = Field((), description="Referral ids (knowledge/referrals.yaml).")
    next_step: NextStep | None = None
    plan: tuple[str, ...] = Field((), description="Step ids (knowledge/steps.yaml).")
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _decision_fields(self) -> Rule:
        if self.decision == "image":
            missing = [name for name in ("urgency", "study", "refer") if not getattr(self, name)]
            if missing:
                raise ValueError(f"an image rule needs {', '.join(missing)}")
            if self.next_step is not None:
                raise ValueError("an image rule has no next_step (its study is ordered now)")
        else:
            if self.next_step is None:
                raise ValueError("a watch rule needs a next_step")
            extra = [
                name for name in ("urgency", "study", "refer", "timing") if getattr(self, name)
            ]
            if extra:
                raise ValueError(f"a watch rule orders nothing now: remove {', '.join(extra)}")
        return self


class Outcome(Frozen):
    plan: tuple[str, ...]
    sources: tuple[str, ...] = Field(min_length=1)


class Outcomes(Frozen):
    image: Outcome
    conservative: Outcome
    incomplete: Outcome


class AgeAlone(Frozen):
    """Said first when every red flag of an `image` decision is an age flag."""

    text: str
    compare_with: str = Field(description="The policy whose view is shown beside this one.")
    sources: tuple[str, ...] = Field(min_length=1)


class Policy(Frozen):
    id: str
    title: str
    version: int
    sources: tuple[str, ...] = Field(min_length=1)
    required: tuple[str, ...]
    not_used: Mapping[str, str] = Field(default_factory=dict)
    when: Mapping[Urgency, str]
    age_alone: AgeAlone | None = None
    rules: tuple[Rule, ...] = Field(min_length=1)
    outcomes: Outcomes


class AskBeforeOrdering(Frozen):
    raises_urgency: str
    changes_study: str
    sources: tuple[str, ...] = Field(min_length=1)


class Notices(Frozen):
    """Caveats said first, above the order (knowledge/notices.yaml)."""

    version: int
    ask_before_ordering: AskBeforeOrdering
    urgency_words: Mapping[Urgency, str]


class HandoutSection(Frozen):
    heading: str
    bullets: tuple[str, ...] = Field(min_length=1)


class HandoutLabels(Frozen):
    """The handout's own words around the content, in its language."""

    language: str = Field(description="The language's name in itself (English, Español).")
    reasons: str
    scan: str
    referrals: str
    tests: str
    next_steps: str
    print: str
    pdf: str
    letter: str
    a4: str


class ConservativeHandout(Frozen):
    """No scan now and no flag to watch."""

    title: str
    intro: str
    sections: tuple[HandoutSection, ...]


class WatchHandout(Frozen):
    """No scan now, with a planned next step for a weak flag (a `watch` rule)."""

    title: str
    intro: str
    next_steps: Mapping[str, str] = Field(description="Watch rule id -> the step in plain words.")
    sections: tuple[HandoutSection, ...]


class ImageHandout(Frozen):
    """Why a scan is ordered, when, and who the patient will see. `{scan}` and `{scan_short}`
    in a title or intro are the study in plain words."""

    titles: Mapping[Urgency, str]
    intro: Mapping[Urgency, str]
    when: Mapping[Urgency, str]
    here_titles: Mapping[Urgency, str] = Field(
        description="Replace `titles` when the patient is already in the emergency department."
    )
    here: Mapping[Urgency, str] = Field(
        description="Replace `when` when the patient is already in the emergency department."
    )
    scans: Mapping[str, str]
    scan_short: Mapping[str, str]
    conditions: Mapping[str, str]
    other_reason: str
    referrals: Mapping[str, str]
    steps: Mapping[str, str] = Field(description="Plan step id -> the step in plain words.")
    sections: tuple[HandoutSection, ...]


class WarningSign(Frozen):
    text: str
    findings: tuple[str, ...] = Field(
        min_length=1, description="Not listed when the patient already has one of these."
    )


class HandoutWarnings(Frozen):
    emergency_heading: str
    soon_heading: str
    worse: str = Field(description="For a patient who already has a warning sign.")
    emergency: tuple[WarningSign, ...] = Field(min_length=1)
    soon: tuple[WarningSign, ...] = Field(min_length=1)


class Handout(Frozen):
    """The patient handout in one language (knowledge/handout.yaml, handout.<lang>.yaml)."""

    version: int
    lang: str
    labels: HandoutLabels
    self_care: HandoutSection
    conservative: ConservativeHandout
    watch: WatchHandout
    image: ImageHandout
    warnings: HandoutWarnings
    sources: tuple[str, ...] = Field(min_length=1)


class NlpPlace(Frozen):
    """ConText categories that place a mention where its finding is not about (`elsewhere`),
    unless one of `here` places it there too."""

    elsewhere: tuple[str, ...] = Field(min_length=1)
    here: tuple[str, ...] = ()
    #: Of `elsewhere`, the places that take only a normal or denied mention away ("Perineum:
    #: sensation normal" is not the legs'; "perirectal numbness" is still a numbness told).
    normal_only: tuple[str, ...] = ()


class NlpPlacedHelper(Frozen):
    """A helper whose findings depend on where its mention is placed (ConText categories):
    denied, it denies the findings of the places found (`unplaced` when none is); present,
    it makes those and `unplaced` present (a present red flag is never placed away)."""

    unplaced: tuple[str, ...] = Field(min_length=1)
    places: Mapping[str, tuple[str, ...]] = Field(min_length=1)


class NlpRegimenOpen(Frozen):
    """Findings that a helper's mention of the patient keeps from "absent" against a denial in
    generic words, though it tells nothing now, when the words after it in its sentence (up to
    `reach` characters) match `when` (a regimen: "prednisone 5 mg daily") and not `unless` (a
    course placed or ended: "in 2024", "through 11/21"), and its course is not told as short."""

    findings: tuple[str, ...] = Field(min_length=1)
    when: str
    unless: str = "(?!)"
    reach: int = Field(gt=0)


class NlpMeasurement(Frozen):
    """A measured value that makes a finding present beyond a threshold: above it
    (`present_above`, a bladder scan) or at or below it (`present_at_or_below`, a bone
    density T-score). A value on the other side says nothing."""

    name: str
    finding: str
    patterns: tuple[str, ...] = Field(
        min_length=1,
        description="Regular expressions with a named group `value` (a number, with its "
        "sign when it has one) and, when the note may write the unit, a group `unit` (a "
        "spelling of a units.yaml unit of the kind of `unit`).",
    )
    unit: str
    present_above: float | None = None
    present_at_or_below: float | None = None
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_threshold(self) -> NlpMeasurement:
        if (self.present_above is None) == (self.present_at_or_below is None):
            raise ValueError("give one of present_above and present_at_or_below")
        return self

    def present(self, value: float) -> bool:
        """Is the finding present at this value (in `unit`)?"""
        if self.present_above is not None:
            return value > self.present_above
        return self.present_at_or_below is not None and value <= self.present_at_or_below

    @property
    def threshold(self) -> str:
        """The threshold, in words ("above 200", "at or below -2.5")."""
        if self.present_above is not None:
            return f"above {self.present_above:g}"
        return f"at or below {self.present_at_or_below:g}"


class NlpQuantity(Frozen):
    """A value in a unit of units.yaml."""

    value: float
    unit: str


_TERM = re.compile(r"\$\{(\w+)\}")


def expand_term(text: Any, terms: Mapping[str, str], where: str) -> Any:
    """`text` with each `${name}` written out as its term; a name with no term is an error
    naming it."""
    if not isinstance(text, str):
        return text

    def one(match: re.Match[str]) -> str:
        if match.group(1) not in terms:
            raise PydanticCustomError(
                "unknown_term",
                "{where}: no term named '{name}' (defined before it)",
                {"where": where, "name": match.group(1)},
            )
        return terms[match.group(1)]

    return _TERM.sub(one, text)


def _expanded_terms(
    raw: Mapping[str, Any], given: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Named terms, each written out (a term may use terms defined before it, and the
    `given` ones, which it may not redefine)."""
    given = given or {}
    terms: dict[str, str] = dict(given)
    for name, text in raw.items():
        if name in given:
            raise PydanticCustomError(
                "given_term",
                "terms.{name}: this term is written from units.yaml's spellings",
                {"name": name},
            )
        terms[name] = expand_term(text, terms, f"terms.{name}")
    return terms


def unit_terms(units: Units) -> dict[str, str]:
    """The terms `${volume_unit}` and `${mass_unit}`: every spelling of a unit of that kind in
    units.yaml (and each UCUM code that is a word), longest first, so that a note's unit is
    read by the one list that converts it."""

    def spelled(kind: Iterable[VolumeUnit | MassUnit]) -> str:
        words = {s for u in kind for s in u.spellings}
        words |= {u.ucum for u in kind if re.fullmatch(r"\w+", u.ucum)}
        longest_first = sorted(words, key=lambda w: (-len(w), w))
        return "(?:" + "|".join(re.escape(w) for w in longest_first) + ")"

    return {"volume_unit": spelled(units.volume), "mass_unit": spelled(units.mass)}


class NlpFailedCare(Frozen):
    """Care tried and failed, told in one sentence ("failed 8 weeks of PT", "despite PT x 8
    wks"): with a course of at least the duration's `at_least`, the finding is present."""

    care: str = Field(description="A regular expression: conservative care.")
    failed: str = Field(description="A regular expression: it did not help.")
    not_when: str | None = Field(
        default=None,
        description="A regular expression: a sentence that tells of a plan, a denial of care, "
        "another person or a recovery says nothing of failed care.",
    )
    span: str = Field(
        description="A regular expression with named groups `value` and `unit`: a length of "
        "time (of the care or of the symptoms)."
    )
    tried: str | None = Field(
        default=None,
        description="A regular expression: care told as tried, without its outcome ('Tried: "
        "physio, naproxen'). In a note that tells no shorter course, and a course of at least "
        "`at_least` there or a span that long in the care's own clause ('has had 8 weeks of "
        "PT'), care tried has not helped: the patient still has the symptoms.",
    )
    other_condition: str | None = Field(
        default=None,
        description="A regular expression: care named for another condition ('PT for plantar "
        "fasciitis'); care told without its failure in its own clause says nothing then.",
    )
    outcome: str | None = Field(
        default=None,
        description="A regular expression: a short clause that tells only the outcome of the "
        "care named in the clause before it ('Physio x 6 sessions. Minimal benefit.'): the "
        "whole clause. Without it, the failure must be told in the care's own clause.",
    )


class NlpDuration(Frozen):
    """How long the symptoms have lasted, told in a note: shorter than `at_least` makes the
    finding absent, unless the note tells of a longer course anywhere (`longer`, or `chronic`
    for a duration not of this episode)."""

    name: str
    finding: str
    terms: dict[str, str] = Field(
        default_factory=dict,
        description="Named parts of the expressions below, written `${name}` in them.",
    )
    patterns: tuple[str, ...] = Field(
        min_length=1,
        description="Regular expressions with named groups `value` and `unit` (a time unit), "
        "or `day` (a word of `days_ago`).",
    )
    days_ago: dict[str, float] = Field(
        default_factory=dict,
        description="Days named without a number ('yesterday', 'this morning'), in lower case "
        "with single spaces: how many days ago at most.",
    )
    longer: str = Field(description="A regular expression: a longer course told in the note.")
    chronic: str | None = Field(
        default=None,
        description="A regular expression: a long-standing condition ('chronic', 'a flare'), "
        "which leaves a duration open unless it is this episode's (`episode`).",
    )
    episode: str | None = Field(
        default=None,
        description="A regular expression: words placing a duration in this episode.",
    )
    other: str | None = Field(
        default=None,
        description="A regular expression: another symptom's or place's duration, searched from "
        "a little before the duration to its end ('knee pain x 5 days').",
    )
    open_ended: str | None = Field(
        default=None,
        description="A regular expression: words right after a duration that make it a lower "
        "bound ('3 days or more', '3/7+').",
    )
    failed_care: NlpFailedCare | None = None
    at_least: NlpQuantity
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _expand_terms(cls, data: Any) -> Any:
        """Write each `${name}` of the expressions out as its term (terms may use terms
        defined before them); a name with no term is an error naming it."""
        if not isinstance(data, dict) or not isinstance(data.get("terms", {}), dict):
            return data  # pydantic names the field that is not a mapping
        terms = _expanded_terms(data.get("terms", {}))

        def expand(text: Any, where: str) -> Any:
            return expand_term(text, terms, where)

        out = dict(data, terms=terms)
        if isinstance(data.get("patterns"), list):
            out["patterns"] = [expand(p, f"patterns[{i}]") for i, p in enumerate(data["patterns"])]
        for key in ("longer", "chronic", "episode", "other", "open_ended"):
            if key in data:
                out[key] = expand(data[key], key)
        care = data.get("failed_care")
        if isinstance(care, dict):
            out["failed_care"] = {k: expand(v, f"failed_care.{k}") for k, v in care.items()}
        return out


class NlpAnswers(Frozen):
    """A question answered in place ("Saddle anaesthesia? No", "Q: Fever? A: yes"): the
    answer decides what the question asks of, in place of the question's own doubt."""

    answer: str = Field(
        description="A regular expression matched at the question mark, with named groups "
        "`no` and `yes` (one of them matches)."
    )
    question: str = Field(description="A regular expression: the words that open a question.")
    opens: str | None = Field(
        default=None,
        description="A regular expression: words after which a question opens within its "
        "clause ('... and any trouble passing urine?').",
    )
    continues: str | None = Field(
        default=None,
        description="A regular expression matched at a question's last clause: with a "
        "speaker's answer (group `speaker` of `answer`), the question is the whole line "
        "('..., or around the back passage? A: No').",
    )
    asks: str | None = Field(
        default=None,
        description="A regular expression matched at a line's start, with a named group "
        "`asks`: a line that is one question, answered whole ('Any numbness around your "
        "bottom, or any change peeing? pt: no').",
    )
    qualifier: str | None = Field(
        default=None,
        description="A regular expression matched at a form label's end: words that qualify "
        "the question ('Steroid use > 3 months: No', 'Cancer in the last year: No'); the label "
        "is the words before them.",
    )
    presupposes: str | None = Field(
        default=None,
        description="A regular expression: the word after which a question takes a thing as "
        "given ('Any change in your bladder since your back surgery? No'); its answer is not "
        "that thing's.",
    )
    normal_label: str | None = Field(
        default=None,
        description="A regular expression: a question or form label that asks whether a normal "
        "holds ('Normal sensation in saddle area ...... N'); its answer speaks of the abnormal "
        "the other way round, and the question is asked from its group 'normal' on.",
    )
    normal_named: str | None = Field(
        default=None,
        description="A regular expression: a question's clause that names a normal it does "
        "not ask alone (normal_label failed): a 'no' to it decides nothing.",
    )
    normal_contrast: str | None = Field(
        default=None,
        description="A regular expression matched after a phrase that says a normal, to its "
        "sentence's end, with a group 'contrast': a contrast that may take the normal back "
        "('Stools normal, but he has had two accidents'), and optionally 'deficit' (a deficit "
        "word after a comma: 'intact on the right, reduced on the left'); the phrase then "
        "says nothing.",
    )
    normal_contrast_for: list[str] = Field(
        default_factory=list,
        description="The target categories whose normal a contrast takes back "
        "(normal_contrast): the sphincters' words, which a later clause often qualifies.",
    )
    answered_each: str | None = Field(
        default=None,
        description="A regular expression matched at a list's mark: answers given item by "
        "item ('No, no and yes'); the list is then answered by none of them.",
    )
    each: str | None = Field(
        default=None,
        description="A regular expression found in a note: a question's mark or a label's "
        "colon and two or more answer words, group 'each' ('fevers, weight loss, cancer: N N "
        "Y'); each answers one item of the list in turn (each_item, each_label).",
    )
    each_answer: str | None = Field(
        default=None,
        description="A regular expression found in an `each` group: one answer word, with "
        "named groups `yes` and `no`.",
    )
    each_item: str | None = Field(
        default=None,
        description="A regular expression: what parts the items of a list answered item by "
        "item ('fevers, weight loss' or 'fever/weight loss').",
    )
    each_label: str | None = Field(
        default=None,
        description="A regular expression matched at a line's start: what comes before the "
        "list of items an `each` answers (a bullet, a question's number, a clause's last "
        "colon).",
    )
    list_label: str | None = Field(
        default=None,
        description="A regular expression matched from a line's start to its question mark or "
        "a form label's colon: a list of short items asked as one ('- fevers, sweats: no'); "
        "its group 'list' is where the question opens.",
    )
    leader: str | None = Field(
        default=None,
        description="A regular expression matched at a form label's end: a dotted leader to "
        "its answer ('Cancer, tumour or growth ........ N'); the label is the whole row.",
    )
    inline: str | None = Field(
        default=None,
        description="A regular expression, matched at the space before it: a form's bare "
        "answer after its label ('Fever N / Ca hx Y'), with named groups `no` and `yes`.",
    )
    boxes: str | None = Field(
        default=None,
        description="A regular expression, matched at the space before it: a form's ticked "
        "box or bracketed answer after its label ('Saddle anaesthesia \u2610 Yes \u2611 No', "
        "'urinary retention [No]'), with named groups `no` and `yes`.",
    )
    denial_after: str | None = Field(
        default=None,
        description="A regular expression matched right after a question's mark: a plain "
        "denial in free words ('Fever? \"No fevers.\"') that answers it, so the question "
        "keeps nothing open.",
    )
    legend: str | None = Field(
        default=None,
        description="A regular expression: one entry of a form's own legend of answer codes "
        "('D = documented present, A = documented absent, ND = not documented'), with groups "
        "'code' and 'meaning'; a line of two or more entries is a legend.",
    )
    legend_scale: str | None = Field(
        default=None,
        description="A regular expression: a legend's meaning that makes it a scale of a "
        "function ('I = intact, R = reduced, A = absent'), not answers: its line is no legend.",
    )
    legend_yes: str | None = Field(
        default=None, description="A regular expression: a legend's meaning that answers yes."
    )
    legend_no: str | None = Field(
        default=None, description="A regular expression: a legend's meaning that answers no."
    )
    legend_unanswered: str | None = Field(
        default=None,
        description="A regular expression: a legend's meaning that leaves the question "
        "unanswered ('not documented'); tried before legend_no and legend_yes.",
    )
    table_unanswered: str | None = Field(
        default=None,
        description="A regular expression: the answer cell of a two-column form table "
        "('| Saddle anaesthesia | Not assessed |') that leaves its question unanswered.",
    )
    table_yes: str | None = Field(
        default=None,
        description="A regular expression: the heading of a form table's yes column "
        "('| Question | Y | N |').",
    )
    table_no: str | None = Field(
        default=None, description="A regular expression: the heading of its no column."
    )
    table_mark: str | None = Field(
        default=None, description="A regular expression: a cell that marks its column."
    )


class NlpRange(Frozen):
    """A range of a quantity, in a unit of units.yaml."""

    low: float
    high: float
    unit: str


class NlpProcedures(Frozen):
    """What a spinal procedure (a helper feeding `recent`) says: one the note documents makes
    `documented` true; one planned or considered makes `planned` true (false when ruled out)."""

    recent: str
    documented: tuple[str, ...]
    planned: tuple[str, ...]
    #: Helper categories that only say whether an intervention is planned or ruled out
    #: ("surgical intervention", "surgical indication").
    considered: tuple[str, ...] = ()
    #: Helper categories of a procedure done for something else (a spinal anaesthetic for a
    #: caesarean): recent when done, but planned or documented it is no candidacy.
    no_candidacy: tuple[str, ...] = ()
    #: A regular expression: the words of a denial that decides against an intervention ("she
    #: declines surgery", "surgery not advised"): not a candidate, planned or not.
    refused: str | None = None
    #: A regular expression: words dating a procedure to the recent past ("yesterday",
    #: "POD 3"); with a number of days ago within the record rules' window, it is recent.
    recent_words: str


class NlpSteroidCourse(Frozen):
    """How long a systemic steroid has been taken, told in its sentence; the threshold in days
    is the record rules' (prolonged_corticosteroid_use)."""

    long: str = Field(
        description="A regular expression: a course told as long ('long-term', 'since 2019', "
        "'maintenance'): prolonged."
    )
    short: str = Field(
        description="A regular expression: a course told as short ('burst', 'taper', 'dose "
        "pack'): not prolonged."
    )


class NlpWeightChange(Frozen):
    """Two weights a note tells a time apart: a loss of more than `lost_over` or
    `lost_over_percent` of the earlier weight is a weight loss; a weight kept or gained denies
    it; a smaller loss says nothing."""

    finding: str
    sentence: str = Field(description="A regular expression: the words of a weight.")
    quantity: str = Field(
        description="A regular expression with named groups `value` and `unit` (a spelling of "
        "a units.yaml mass unit)."
    )
    earlier: str = Field(
        description="A regular expression: the words that place a weight before the other "
        "('was', 'ago', 'in January', 'on admission'), right before it or after it."
    )
    order: str = Field(
        description="A regular expression: what between two weights puts the first one earlier "
        "('->', 'down to', 'to')."
    )
    arrow: str | None = Field(
        default=None,
        description="A regular expression: an arrow between two weights ('71 kg -> 64 kg'): the "
        "first is the earlier, whatever the words around them say ('... since January').",
    )
    explained: str | None = Field(
        default=None,
        description="A regular expression: a sentence's words that explain a loss; it then "
        "says nothing.",
    )
    explanation_denied: str | None = Field(
        default=None,
        description="A regular expression: words before an explanation in a loss's clause "
        "that deny it ('with no attempt at dieting').",
    )
    too_long: str | None = Field(
        default=None,
        description="A regular expression: a sentence's words that put a loss over a longer "
        "time than the finding's; it then says nothing.",
    )
    parts: str = Field(
        description="A regular expression: what parts two weights told together; the words "
        "before it go with the first ('Wt 64 kg, was 72 kg')."
    )
    lead: str = Field(
        description="A regular expression matched at the end of the words before a number "
        "without a unit: the number is a weight ('was 184 in March')."
    )
    body_weight: NlpRange = Field(
        description="A number is read as a body weight only inside this range (else a change "
        "of weight or a count)."
    )
    lost_over: NlpQuantity
    lost_over_percent: float
    sources: tuple[str, ...] = Field(min_length=1)


class NlpUncheckedBox(Frozen):
    """A form's empty box right before what it labels ('\u2610 weakness of the legs'), with
    no box of the label's own after it: the form says nothing of the label."""

    before: str = Field(
        description="A regular expression, matched at the end of a mention's line before it: "
        "an empty box and at most a few words."
    )
    after: str = Field(
        description="A regular expression, matched right after the mention: a box there is "
        "the label's own ('Fever \u2610  Weight loss \u2611')."
    )
    answers: str = Field(
        description="A regular expression, matched right after the label's own box: an "
        "answer's word ('\u2610 Yes \u2611 No'), so the box is the answer's."
    )
    box: str = Field(description="A regular expression: any box, ticked or not.")
    leads: str = Field(
        description="A regular expression, matched at the end of the text before the line's "
        "first box: the boxes lead the line's items ('Mechanism: [ ] fall from height [ ] "
        "slip'), so a box after an item is the next one's."
    )
    option: str = Field(
        description="A regular expression, matched at the end of the line before a denial: "
        "an option left unticked ('Weakness: \u2610 none \u2610 mild \u2611 severe')."
    )


class NlpKeptOpen(Frozen):
    """A diagnosis judged unlikely and kept open later in its sentence ('CES is unlikely
    (...) but it cannot be excluded'): a doubt, not a denial."""

    findings: tuple[str, ...] = Field(min_length=1)
    judged: str = Field(
        description="A regular expression, searched in the denial's words: a judgement "
        "('unlikely', 'low suspicion for')."
    )
    open: str = Field(
        description="A regular expression, searched in the rest of the sentence: the words "
        "that keep it open ('but it cannot be excluded')."
    )
    worked_up: str = Field(
        default="(?!)",
        description="A regular expression, searched in the rest of the sentence: a work-up "
        "ordered to exclude it, after which any denial of it is a doubt, not a denial (for a "
        "suspected condition, a suspicion: 'No evidence of cauda equina syndrome on exam, but "
        "MRI ordered tonight to exclude it').",
    )


class NlpGradeFall(Frozen):
    """Two strength grades a sentence tells a time apart, the first placed at its time
    ("DF 4/5 at 02:00 and 3/5 at 06:00", "4/5 yesterday, 3/5 today"): a later grade lower than
    the earlier is a deficit that is progressing; the same or a better grade says nothing."""

    finding: str
    patterns: tuple[str, ...] = Field(
        min_length=1,
        description="Regular expressions with named groups `first` and `second`: the two "
        "grades' numbers (0 to 5), the first told with the time it was found, or the two of "
        "a fall told ('decreased from 4/5 to 3/5').",
    )
    unless: str | None = Field(
        default=None,
        description="A regular expression: a sentence's words that make the grades none of the "
        "legs' or none found (an arm's muscles, a condition: 'if').",
    )
    also: tuple[str, ...] = Field(
        default=(),
        description="Findings the later, lower grade shows too: below 5/5, a leg's weakness.",
    )
    sources: tuple[str, ...] = Field(min_length=1)


class NlpStableDeficit(Frozen):
    """A deficit told as unchanged ("numbness both soles, unchanged", "stable motor deficit")
    denies a progressive one, unless it is severe."""

    deficits: tuple[str, ...] = Field(min_length=1)
    denies: str
    not_of: tuple[str, ...] = Field(
        default=(),
        description="Findings whose denial the same stability words are not: 'numbness, no "
        "worse' says nothing of the pain's course.",
    )
    after: str = Field(
        description="A regular expression: stability words after a present deficit, in its clause."
    )
    reach: int = Field(
        gt=0, description="At most this many characters between the deficit and those words."
    )
    other_subjects: str = Field(
        description="A regular expression: words between that make the stability another "
        "subject's ('pain unchanged')."
    )
    before: str = Field(
        description="A regular expression matched at the end of the words before the deficit: "
        "'stable motor deficit'."
    )
    new: str = Field(
        description="A regular expression: words of another present deficit's sentence that "
        "make it new; the course is then unknown."
    )
    severe: str = Field(
        description="A regular expression: words of the deficit's sentence that make it "
        "severe, a red flag whatever its course."
    )
    sources: tuple[str, ...] = Field(min_length=1)


class NlpTemperatures(Frozen):
    """Temperatures told in a note (groups `value` and `unit` in each pattern)."""

    labelled: str = Field(description="A regular expression: a reading after its label.")
    unlabelled: str = Field(
        description="A regular expression: a reading told by its unit or its instrument."
    )
    listed_between: str = Field(
        description="A regular expression: what parts readings listed after a labelled one."
    )
    listed: str = Field(description="A regular expression: a reading listed after another.")
    own_denial: str = Field(
        description="A regular expression matched at the end of the words before a fever "
        "mention: a denial of its own ('has not been febrile to 101'), not a list's before it."
    )


class NlpSpelling(Frozen):
    """Misspelt words of the target rules read as the words they miss (nlp/spelling.py)."""

    min_length: int = Field(
        ge=4,
        description="Only words of the target rules this long or longer are corrected to "
        "(a shorter word has too many real words one edit away).",
    )


class NlpDeniedLists(Frozen):
    """A heading that denies what its bullet list names ("Denies:" over "- fever", "- weight
    loss"): the list is read as one sentence after it."""

    heading: str = Field(
        description="A regular expression (multi-line): a denying heading, to its line's end."
    )
    bullet: str = Field(
        description="A regular expression matched at a line's start: a bullet that continues "
        "the list."
    )


class NlpThresholds(Frozen):
    """What makes a number a rule's threshold rather than a reading of the patient ("return
    if T > 38", "catheterise if PVR >200"): it then says nothing."""

    words: str = Field(
        description="A regular expression: words before a number in its sentence that make it "
        "a threshold ('if', 'above')."
    )
    signs: str = Field(
        description="A regular expression: signs before a number ('>', '≤') that make it a "
        "threshold in a sentence holding `rule_words` (alone, a reading's bound: 'scan "
        ">999 mL')."
    )
    rule_words: str = Field(
        description="A regular expression: the words of a sentence that states a rule "
        "('if', 'should', 'criteria')."
    )
    bound_after: str = Field(
        description="A regular expression matched right after a temperature (and its unit): "
        "words that make it a bound after `rule_words` before it in its sentence ('call for a "
        "temperature of 101 F or higher'; alone, a reading: 'Temp 101.5 or higher at home')."
    )


class NlpSettings(Frozen):
    """How note mentions become findings (knowledge/nlp/settings.yaml)."""

    version: int
    terms: dict[str, str] = Field(
        default_factory=dict,
        description="Named parts of the expressions of `exceptions`, `change_words`, "
        "`affirmations` and `asserts_itself`, written `${name}` in them.",
    )
    helpers: Mapping[str, tuple[str, ...]]
    history_counts: tuple[str, ...]
    history_counts_when: Mapping[str, tuple[str, ...]] = {}
    #: Findings a mention counts for when only a past history's header files it (not a cue in
    #: its own sentence): "PAST MEDICAL HISTORY: COPD on chronic prednisone".
    header_history_counts: tuple[str, ...] = ()
    #: ... unless its sentence matches this ("weaned off 2023", "discontinued in 2001").
    header_history_unless: str | None = None
    #: ... and only when its sentence matches this ("on", "takes", "maintenance").
    header_history_when: str | None = None
    #: ConText categories whose cue says a mention has ended: it says nothing of now.
    ended_by: Mapping[str, tuple[str, ...]] = {}
    #: ConText categories placing a mention at an earlier encounter: it says nothing of now.
    earlier_encounter: tuple[str, ...] = ()
    #: ConText categories bounding a mention to the recent past: denied, no history denied.
    recent_past: tuple[str, ...] = ()
    #: ConText categories making a denial one of a record ("no fever was documented"): it
    #: says nothing of the patient.
    record_only: tuple[str, ...] = ()
    uncertain_counts: tuple[str, ...]
    sections: Mapping[str, Literal["other", "historical", "hypothetical", "procedure"]]
    #: Sections whose header, written inline, covers only the sentence it starts.
    one_sentence_sections: tuple[str, ...] = ()
    #: Sections whose header covers its own sentence up to a ";" and the list items after it
    #: (sentences marked by `list_item`), not the prose after the list.
    list_sections: tuple[str, ...] = ()
    #: A regular expression: a list item's mark ("1.", "2)", "-"), right before a sentence or
    #: as its first word.
    list_item: str | None = None
    #: Sections whose header covers only its line, inside the section it sits in, which then
    #: goes on ("Procedure: ..." then "Indication: ..." then the procedure's account).
    one_line_sections: tuple[str, ...] = ()
    #: ... and those whose header does so when it stands inside a line, as a form's field
    #: ("Patient: Ms K., 40. Procedure: caudal epidural." then the pre-procedure checklist).
    one_line_inline_sections: tuple[str, ...] = ()
    places: Mapping[str, NlpPlace] = {}
    placed_helpers: Mapping[str, NlpPlacedHelper] = {}
    procedures: NlpProcedures
    negation_only: tuple[str, ...] = ()
    #: Category -> findings its mentions can make present but never absent (it names only a
    #: part of what the finding asks).
    present_only: Mapping[str, tuple[str, ...]] = {}
    #: Category -> findings that its mention of the patient, telling nothing now, still keeps
    #: from "absent" against a denial in generic words (a steroid regimen, its course untold).
    regimen_keeps_open: Mapping[str, NlpRegimenOpen] = {}
    #: Finding -> findings that a present mention of it in its own words makes present too
    #: (never absent): "long-term prednisone" is an immunosuppressive drug.
    implies: Mapping[str, tuple[str, ...]] = {}
    helper_needs: Mapping[str, tuple[str, ...]] = {}
    measurements: tuple[NlpMeasurement, ...] = ()
    thresholds: NlpThresholds
    denied_lists: NlpDeniedLists | None = None
    spelling: NlpSpelling | None = None
    weight_change: NlpWeightChange | None = None
    grade_fall: NlpGradeFall | None = None
    steroid_course: NlpSteroidCourse
    stable_deficit: NlpStableDeficit | None = None
    durations: tuple[NlpDuration, ...] = ()
    answers: NlpAnswers | None = None
    #: Category -> findings whose presence anywhere in the note voids its denials.
    contradicted_by: Mapping[str, tuple[str, ...]] = {}
    #: Category -> findings of which one must be present in the note for its mentions to
    #: count as present (a minor fall is severe trauma only in an osteoporotic patient).
    only_with: Mapping[str, tuple[str, ...]] = {}
    exceptions: str | None = Field(
        default=None,
        description="A regular expression: words right after a denied mention that make the "
        "denial partial (the finding is present).",
    )
    change_words: str | None = Field(
        default=None,
        description="A regular expression: words right before a denied mention that make it "
        "a denial of a change only.",
    )
    affirmations: str | None = Field(
        default=None,
        description="A regular expression: words right after a mention that assert it, over a "
        "denial that reaches it across a list ('no fever, saddle numbness present').",
    )
    asserts_itself: str | None = Field(
        default=None,
        description="A regular expression: a mention holding these words asserts itself (its "
        "own negation, 'unable to void'; a low strength grade, '3/5'); only a denial right "
        "before it denies it.",
    )
    #: A history finding -> the suspicion its work-up now makes present ("r/o metastatic
    #: disease": suspected malignancy), when its doubt holds `suspicion_words`.
    suspected_when_doubted: Mapping[str, str] = {}
    #: Helper categories whose doubt works up no history: a drug named in a doubted cause
    #: ("most likely paclitaxel neuropathy") doubts the cause, not the cancer.
    not_worked_up: tuple[str, ...] = ()
    suspicion_words: str | None = Field(
        default=None,
        description="A regular expression: the words of a doubt (a POSSIBLE_EXISTENCE cue) "
        "that work a diagnosis up ('r/o', 'cannot exclude', 'in the differential').",
    )
    hedges: str | None = Field(
        default=None,
        description="A regular expression: a doubt (a POSSIBLE_EXISTENCE cue) that neither "
        "raises nor denies a suspected condition ('no definite cauda equina syndrome').",
    )
    conditions: str | None = Field(
        default=None,
        description="A regular expression: the words that open a condition ('until', "
        "'unless'): a denial after a mention in such a clause ('until cauda equina compression "
        "has been excluded') says nothing yet.",
    )
    events_after: str | None = Field(
        default=None,
        description="A regular expression, matched at the end of the words right before a "
        "denied mention: an event named after the denial ('No LOC after the RTA') happened; "
        "the denial is of what came after it.",
    )
    section_ends: str | None = Field(
        default=None,
        description="A regular expression, matched at a line's start: the words that open the "
        "patient's own complaint ('c/o LBP x 1/52') end the section before it (a 'PMHx:' line "
        "does not make the next line's complaint a history).",
    )
    doubts_of_normal: str | None = Field(
        default=None,
        description="A regular expression: the words of a doubt (a POSSIBLE_EXISTENCE cue) "
        "that question a normal phrase itself ('unsure if she has urinated'): such a doubt "
        "keeps the finding from absent.",
    )
    past_of_normal: str | None = Field(
        default=None,
        description="A regular expression: the words of a HISTORICAL cue that place a normal "
        "phrase in the past ('no longer has saddle sensation intact'): it says nothing of now.",
    )
    earlier_examinations: str | None = Field(
        default=None,
        description="A regular expression: the words of a heading that places an "
        "examination at another time ('Prior exam:'): a normal under it says nothing of now.",
    )
    unchecked_box: NlpUncheckedBox | None = None
    kept_open: NlpKeptOpen | None = None
    #: Findings that are a change, and the words of a change whose denial denies them.
    changes: Mapping[str, str] = {}
    #: Findings, and the words of a denial that does not deny them: a judgement on a diagnosis
    #: is no denial of a history ("malignancy unlikely" is no "no history of cancer"), a
    #: history denied no denial of a suspicion now ("no history of fragility fracture").
    judgements: Mapping[str, str] = {}
    #: A number is read as a body temperature only inside this range (else an age, a count).
    body_temperature: NlpRange
    temperatures: NlpTemperatures

    @model_validator(mode="before")
    @classmethod
    def _expand_terms(cls, data: Any, info: ValidationInfo) -> Any:
        """Write each `${name}` of the word expressions out as its term (with the unit terms
        the rulebook gives, `unit_terms`)."""
        if not isinstance(data, dict) or not isinstance(data.get("terms", {}), dict):
            return data  # pydantic names the field that is not a mapping
        given = (info.context or {}).get("terms", {})
        terms = _expanded_terms(data.get("terms", {}), given)
        out = dict(data, terms={k: v for k, v in terms.items() if k not in given})
        for key in ("exceptions", "change_words", "affirmations", "asserts_itself"):
            if key in data:
                out[key] = expand_term(data[key], terms, key)
        if isinstance(data.get("measurements"), list):
            out["measurements"] = [
                dict(m, patterns=[
                    expand_term(p, terms, f"measurements[{i}].patterns[{j}]")
                    for j, p in enumerate(m["patterns"])
                ])
                if isinstance(m, dict) and isinstance(m.get("patterns"), list) else m
                for i, m in enumerate(data["measurements"])
            ]  # fmt: skip
        for key in ("weight_change", "thresholds", "unchecked_box", "answers", "steroid_course"):
            if isinstance(data.get(key), dict):
                out[key] = {k: expand_term(v, terms, f"{key}.{k}") for k, v in data[key].items()}
        return out


def term_names(text: str) -> list[str]:
    """The names of the `${name}` terms that `text` uses."""
    return _TERM.findall(text)


def spliced(
    items: Iterable[Any], lists: Mapping[str, Sequence[Any]]
) -> tuple[list[Any], list[str], list[str]]:
    """`items` with each `${name}` item written out as the words of `lists[name]`; and the
    names written out, and those `lists` has not."""
    words: list[Any] = []
    used: list[str] = []
    unknown: list[str] = []
    for item in items:
        ref = word_list_name(item)
        if ref is None:
            words.append(item)
        elif ref in lists:
            used.append(ref)
            words.extend(lists[ref])
        else:
            unknown.append(ref)
    return words, used, unknown


def word_list_name(item: Any) -> str | None:
    """The name in an item `${name}` of a token pattern's `IN` or `NOT_IN` list, else None."""
    match = _TERM.fullmatch(item) if isinstance(item, str) else None
    return match.group(1) if match else None


class NlpWords(Frozen):
    """Word lists that the token patterns of the rule files share (knowledge/nlp/words.yaml),
    each written once: an item `${name}` of a pattern's `IN` or `NOT_IN` list stands for every
    word of the list of that name. A list may take in a list named before it the same way."""

    version: int
    words: dict[str, tuple[str, ...]]
    terms: dict[str, str] = Field(
        default_factory=dict,
        description="Named regular expressions that ConText rules' `metadata.or_list` share, "
        "written `${name}` in them (a term may use terms defined before it).",
    )

    @field_validator("terms", mode="before")
    @classmethod
    def _expand_terms(cls, value: Any) -> Any:
        return _expanded_terms(value) if isinstance(value, dict) else value

    @field_validator("words", mode="before")
    @classmethod
    def _expand(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value  # pydantic names the field that is not a mapping
        out: dict[str, list[Any]] = {}
        for name, items in value.items():
            if not isinstance(name, str) or not re.fullmatch(r"\w+", name):
                raise PydanticCustomError(
                    "word_list_name", "words: {name!r} is not a name (letters, digits, _)",
                    {"name": name},
                )  # fmt: skip
            if not isinstance(items, list) or not items:
                raise PydanticCustomError(
                    "word_list", "{name}: a list of words, not empty", {"name": name}
                )
            words, _, unknown = spliced(items, out)
            if unknown:
                raise PydanticCustomError(
                    "unknown_word_list",
                    "{name}: no list named '{ref}' before it",
                    {"name": name, "ref": unknown[0]},
                )
            out[name] = words
        return out


class NlpRules(Frozen):
    """The NLP rule files, in medspaCy's own JSON formats, checked against the catalogue; their
    `${name}` word lists are written out (`NlpWords`)."""

    settings: NlpSettings
    target_rules: tuple[Mapping[str, Any], ...]
    context_rules: tuple[Mapping[str, Any], ...]
    section_rules: tuple[Mapping[str, Any], ...]


# --------------------------------------------------------------------------------------------
# Knowledge for EHR integration: imaging orders (knowledge/imaging_orders.yaml) and the wording of
# the CDS Hooks cards (knowledge/cards.yaml)
# --------------------------------------------------------------------------------------------


class OrderedStudy(Frozen):
    """What a lumbar imaging order's CPT code orders."""

    id: str
    label: str
    modality: Literal["MRI", "CT", "radiography"]
    region: Literal[
        "lumbar",
        "level_in_order",
        "whole_spine",
        "cervical",
        "thoracic",
        "sacroiliac",
        "sacrum_coccyx",
    ] = Field(
        description="lumbar: always rated; any other: rated only with a low back pain reason."
    )
    cpt: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)


class ImagingScenario(Frozen):
    """The ordered studies ACR rates usually or maybe appropriate in one clinical scenario."""

    id: str
    title: str
    acr_variant: str | None = None
    usually: tuple[str, ...] = Field(min_length=1)
    may_be: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)


class ImagingOrders(Frozen):
    """Orders as the EHR sends them: CPT code → study, and the acceptable studies per scenario."""

    version: int
    value_set: str
    studies: tuple[OrderedStudy, ...] = Field(min_length=1)
    scenarios: tuple[ImagingScenario, ...] = Field(min_length=1)
    rule_scenarios: Mapping[str, str] = Field(default_factory=dict)

    def study_of(self, cpt: str) -> OrderedStudy | None:
        """The study a CPT code orders (None for a code outside the table)."""
        for study in self.studies:
            if cpt in study.cpt:
                return study
        return None

    def scenario_for(self, rule: Rule) -> ImagingScenario | None:
        """The scenario whose ratings apply to an image rule."""
        wanted = self.rule_scenarios.get(rule.id)
        for scenario in self.scenarios:
            if (wanted is not None and scenario.id == wanted) or (
                wanted is None and rule.acr_variant is not None
                and scenario.acr_variant == rule.acr_variant
            ):  # fmt: skip
                return scenario
        return None


class CardText(Frozen):
    """One kind of card: its words, with `{placeholders}` the service fills."""

    indicator: Literal["info", "warning", "critical"]
    emergency_indicator: Literal["info", "warning", "critical"] | None = Field(
        None, description="The indicator when the assessment's urgency is emergency."
    )
    summary: str = Field(max_length=139)
    detail: str
    suggestion: str | None = None
    override_reasons: tuple[str, ...] = Field(
        (), description="Codes from override_reasons offered when the card is dismissed."
    )


class CardKinds(Frozen):
    better_study: CardText
    wrong_study: CardText
    not_appropriate: CardText
    information_needed: CardText
    no_indication: CardText
    ask_first: CardText
    age_alone: CardText
    not_adult: CardText


class CardLinks(Frozen):
    page: str
    answer: str
    handout: str


class CardNotes(Frozen):
    not_consulted: str
    more_questions: str
    delete_order: str
    change_order: str
    rating: str
    planned: str


class CardSource(Frozen):
    label: str
    topic: str


class OverrideReasonText(Frozen):
    code: str
    display: str


class ChartReading(Frozen):
    """How the SMART launch reads the chart beyond the record rules: how many notes (how recent:
    record_rules.yaml, `notes`)."""

    max_notes: int = Field(ge=0, le=100)
    sources: tuple[str, ...] = Field(min_length=1)


class CdsCards(Frozen):
    """The wording of the CDS Hooks cards, the reasons a clinician may give to override, and
    how the SMART launch reads the chart."""

    version: int
    source: CardSource
    max_questions: int = Field(ge=1, le=10)
    links: CardLinks
    notes: CardNotes
    cards: CardKinds
    override_reasons: tuple[OverrideReasonText, ...] = Field(min_length=1, max_length=10)
    sources: tuple[str, ...] = Field(min_length=1)
    chart: ChartReading


#: The placeholders each card text may use (the service fills exactly these).
CARD_PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "better_study": frozenset({"recommended", "ordered", "flags", "when", "sources"}),
    "wrong_study": frozenset(
        {"recommended", "ordered", "flags", "urgency", "referral", "when", "sources"}
    ),
    "not_appropriate": frozenset({"ordered", "sources"}),
    "information_needed": frozenset({"count", "questions", "ordered", "sources"}),
    "no_indication": frozenset({"ordered"}),
    "ask_first": frozenset({"questions", "notice", "ordered", "sources"}),
    "age_alone": frozenset({"policy", "notice", "compared", "sources"}),
    "not_adult": frozenset({"age", "low", "high", "ordered"}),
    "source.label": frozenset({"policy"}),
    "notes.more_questions": frozenset({"count"}),
    "notes.delete_order": frozenset({"ordered"}),
    "notes.change_order": frozenset({"recommended"}),
    "notes.rating": frozenset({"rating", "policy"}),
    "notes.planned": frozenset({"steps"}),
}


# --- the quality measure (knowledge/measure.yaml) ---------------------------------------------

MeasureReader: TypeAlias = Literal[
    "Condition.code",
    "Procedure.code",
    "Encounter.type",
    "Encounter.dischargeDisposition",
    "Medication.record",
    "Medication.consecutiveDays",
    "Patient.deceased",
]
#: `history`: any time up to the end of the exclusion window, or undated; the measurement year;
#: the measurement year and the year before; or a look-back from the index date.
MeasureWindow: TypeAlias = (
    Literal["history", "measurement_year", "measurement_year_and_prior"] | Quantity
)


class MeasureSource(Frozen):
    """One way a record shows an exclusion."""

    read: tuple[MeasureReader, ...] = Field(min_length=1)
    value_set: str | None = None
    window: MeasureWindow
    unless_in: str | None = Field(
        None, description="A code also in this value set never counts (the index diagnosis)."
    )
    at_least: Quantity | None = Field(
        None, description="Medication.consecutiveDays: the shortest run that counts."
    )


class SourceGroup(Frozen):
    any: tuple[MeasureSource, ...] = Field(min_length=1)


class Exclusion(Frozen):
    """A denominator exclusion: every group holds (each by any of its sources)."""

    id: str
    reason: str
    age_at_least: int | None = None
    all: tuple[SourceGroup, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _one_group(cls, data: Any) -> Any:
        # `any: [...]` alone is one group.
        if isinstance(data, Mapping) and "any" in data and "all" not in data:
            data = {k: v for k, v in data.items() if k != "any"} | {"all": [{"any": data["any"]}]}
        return data


class MeasureAge(Frozen):
    """At least `at_least` on the first day of the year, at most `at_most` on the last."""

    at_least: int
    at_most: int


class IntakePeriod(Frozen):
    first_day: str = Field(pattern=r"^\d\d-\d\d$")
    last_day: str = Field(pattern=r"^\d\d-\d\d$")


class IndexRule(Frozen):
    value_set: str
    visit_classes: tuple[str, ...] = Field(min_length=1)
    negative_history: Quantity


class Numerator(Frozen):
    value_set: str
    within: Quantity


class Enrolment(Frozen):
    before: Quantity
    after: Quantity
    allowed_gap: Quantity


class MissedRedFlag(Frozen):
    urgencies: tuple[Urgency, ...] = Field(min_length=1)
    within: Quantity


class Measure(Frozen):
    """The HEDIS low back pain imaging measure as the audit computes it."""

    version: int
    id: str
    title: str
    sources: tuple[str, ...] = Field(min_length=1)
    age: MeasureAge
    intake: IntakePeriod
    index: IndexRule
    numerator: Numerator
    exclusions_through: Quantity
    enrolment: Enrolment
    missed_red_flag: MissedRedFlag
    exclusions: tuple[Exclusion, ...] = Field(min_length=1)


# --------------------------------------------------------------------------------------------
# Presentation (input)
# --------------------------------------------------------------------------------------------

FindingValue: TypeAlias = StrictBool | None

#: spinewise covers adults (CONTRACT.md §3): the source text and the ACR criteria are for adults,
#: and red flags in children are another question. Ages outside this range are refused, never
#: decided.
ADULT_AGE = (18, 120)
_ADULT_AGE_SCHEMA = WithJsonSchema(
    {"type": "number", "minimum": ADULT_AGE[0], "maximum": ADULT_AGE[1]}
)
AdultAge: TypeAlias = Annotated[
    float, Field(strict=True), AfterValidator(lambda age: _adult_age(age)), _ADULT_AGE_SCHEMA
]


def _adult_age(age: float) -> float:
    low, high = ADULT_AGE
    if not low <= age <= high:
        raise PydanticCustomError(
            "adult_age",
            "spinewise is for adults: give an age from {low} to {high} years, not {age}",
            {"low": low, "high": high, "age": f"{age:g}"},
        )
    return age


class Presentation(BaseModel):
    """What is known about one patient: age, setting and tri-state findings.

    A missing finding and `null` both mean unknown (not asked), never absent. Finding ids are
    checked against the catalogue: pass `context={"finding_ids": ...}` to validate against
    another rulebook than the packaged one.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "age": 62,
                    "setting": "primary_care",
                    "findings": {"history_of_cancer": True, "fever": False},
                }
            ]
        },
    )

    age: AdultAge | None = Field(
        None, description=f"Years, {ADULT_AGE[0]} to {ADULT_AGE[1]} (adults only)."
    )
    setting: Setting | None = None
    findings: dict[str, FindingValue] = Field(
        default_factory=dict,
        description="Finding id → true (present), false (asked and absent) or null (unknown).",
        json_schema_extra=lambda schema: _findings_schema(schema),
    )

    @model_validator(mode="wrap")
    @classmethod
    def _known_findings(cls, data: Any, handler: Any, info: ValidationInfo) -> Presentation:
        # Wrap validation so that unknown finding ids and bad values are reported together,
        # in one error that names every bad field.
        errors: list[InitErrorDetails] = []
        try:
            result: Presentation = handler(data)
        except ValidationError as exc:
            errors.extend(_as_init_errors(exc))
            result = None  # type: ignore[assignment]
        raw = data.get("findings") if isinstance(data, Mapping) else None
        if isinstance(raw, Mapping):
            known = _known_finding_ids(info)
            unknown = [key for key in raw if key not in known]
            for i, key in enumerate(unknown):
                # A "did you mean" for the first few only: a body of thousands of unknown ids
                # would otherwise hold the event loop for as many fuzzy matches.
                errors.append(_unknown_finding_error(key, raw[key], known, i < SUGGESTIONS))
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return result

    def value(self, finding_id: str) -> bool | None:
        """The answer for a finding: True, False, or None when unknown."""
        return self.findings.get(finding_id)


class Catalogue(Protocol):
    """What a presentation's findings are checked against: a rulebook's findings."""

    @property
    def findings(self) -> Mapping[str, Finding]: ...

    @property
    def finding_ids(self) -> frozenset[str]: ...


#: The catalogue a presentation is checked against when no other is given (the packaged
#: rulebook, registered by rulebook.py: this module imports nothing above it).
_default_catalogue: Callable[[], Catalogue] | None = None


def register_default_catalogue(source: Callable[[], Catalogue]) -> None:
    """Name the catalogue presentations are checked against by default (called once, by the
    rulebook module)."""
    global _default_catalogue
    _default_catalogue = source


def _catalogue() -> Catalogue:
    if _default_catalogue is None:
        raise RuntimeError("no finding catalogue: import spinewise.rulebook first")
    return _default_catalogue()


def _findings_schema(schema: dict[str, Any]) -> None:
    """In JSON Schema, list the catalogue's finding ids and forbid any other key."""
    findings = _catalogue().findings
    schema["properties"] = {
        fid: {"anyOf": [{"type": "boolean"}, {"type": "null"}], "description": f.question}
        for fid, f in findings.items()
    }
    schema["additionalProperties"] = False


def _known_finding_ids(info: ValidationInfo) -> frozenset[str]:
    context = info.context or {}
    ids = context.get("finding_ids")
    return frozenset(ids) if ids is not None else _catalogue().finding_ids


#: Unknown finding ids given a "did you mean" in one presentation; ids longer than
#: `SUGGEST_LENGTH` get none (no finding id is nearly that long).
SUGGESTIONS = 10
SUGGEST_LENGTH = 100


def _unknown_finding_error(
    key: Any, value: Any, known: frozenset[str], suggest: bool = True
) -> InitErrorDetails:
    text = str(key)
    close = (
        difflib.get_close_matches(text, sorted(known), n=1)
        if suggest and len(text) <= SUGGEST_LENGTH
        else []
    )
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return InitErrorDetails(
        type=PydanticCustomError(
            "unknown_finding",
            "unknown finding id '{key}'{hint}",
            {"key": str(key), "hint": hint},
        ),
        loc=("findings", str(key)),
        input=value,
    )


_CUSTOM_ERRORS = frozenset({"adult_age", "unknown_finding"})


def _as_init_errors(exc: ValidationError) -> list[InitErrorDetails]:
    details: list[InitErrorDetails] = []
    for error in exc.errors():
        kind: str | PydanticCustomError = error["type"]
        if kind in _CUSTOM_ERRORS:  # ours: its message is already written out
            kind = PydanticCustomError(error["type"], error["msg"].replace("{", "{{"))
        detail = InitErrorDetails(type=kind, loc=error["loc"], input=error.get("input"))
        if "ctx" in error:
            detail["ctx"] = error["ctx"]
        details.append(detail)
    return details


# --------------------------------------------------------------------------------------------
# Assessment (output)
# --------------------------------------------------------------------------------------------


class Out(BaseModel):
    """Base of the output models: immutable; serialises to CONTRACT.md's JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PolicyRef(Out):
    id: str
    version: str = Field(
        description="The rulebook's content hash: any change to knowledge changes it."
    )
    title: str


class SuspectedCondition(Out):
    id: str
    name: str
    strength: Literal["strong", "weak"] = Field(
        description="strong: imaging now; weak: conservative care with a planned next step."
    )
    because: list[str]
    sources: list[str]


class StudyOrder(Out):
    """Another study indicated now, with its own timing."""

    study: str
    procedure: str
    urgency: Urgency
    when: str


class ImagingOrder(Out):
    study: str
    procedure: str
    when: str = Field(description="When, for this study: the urgency's timing and the rule's.")
    codes: dict[str, list[str]]
    acr_variant: str | None = None
    if_mri_contraindicated: str | None = None
    also: list[str] = Field(default_factory=list, description="Other studies also indicated.")
    also_orders: list[StudyOrder] = Field(
        default_factory=list, description="The studies of `also`, each with its timing."
    )


class ReferralOrder(Out):
    """One team to refer to, at the most pressing urgency of the rules that name it."""

    id: str
    to: str
    urgency: Urgency
    sources: list[str]


class PlannedStep(Out):
    rule: str = Field(description="The weak-flag rule that plans it.")
    action: str
    when: str
    because: list[str]
    sources: list[str]
    study: str | None = Field(None, description="The study it would order, if any.")


class Notice(Out):
    """A caveat said first, above the order: `ask_before_ordering` (a provisional decision) or
    `age_alone` (the seed policy's decision rests on age alone)."""

    id: Literal["ask_before_ordering", "age_alone"]
    text: str
    sources: list[str]


class IfYes(Out):
    """The order a yes to every question of `ask_before_ordering` would give."""

    urgency: Urgency
    study: str
    procedure: str
    when: str


class ComparedView(Out):
    """Another policy's view of the same presentation (shown beside an age-alone decision)."""

    policy: PolicyRef
    decision: Decision
    urgency: Urgency | None
    imaging: ImagingOrder | None
    referrals: list[ReferralOrder]
    next_steps: list[PlannedStep]
    unanswered: list[str]
    plan: list[str]


class Evidence(Out):
    about: str
    statement: str
    setting: str
    sources: list[str]


class SourceRef(Out):
    id: str
    citation: str


class Assessment(Out):
    """The answer for one presentation under one policy (CONTRACT.md §4)."""

    assessment_id: str | None = Field(
        None, description="The decision log's id of this assessment (set by the service)."
    )
    policy: PolicyRef
    decision: Decision
    urgency: Urgency | None
    suspected_conditions: list[SuspectedCondition]
    red_flags: list[str] = Field(description="Present findings that make the decision `image`.")
    weak_flags: list[str] = Field(
        description="Present findings that raise a weak suspicion only (next step planned)."
    )
    unanswered: list[str] = Field(description="Required questions still unknown (and `age`).")
    provisional: bool = Field(
        description="`image`, and an unanswered question could still raise the urgency or "
        "change the study: ask `ask_before_ordering` first."
    )
    ask_before_ordering: list[str] = Field(
        description="The unanswered questions that could raise the urgency or change the study, "
        "most urgent first (empty unless provisional)."
    )
    if_yes: IfYes | None = Field(
        description="The order if every question of `ask_before_ordering` were answered yes."
    )
    notices: list[Notice] = Field(description="Caveats to say first, before the order.")
    compared: ComparedView | None = Field(
        description="Another policy's view, shown beside this one (when the decision rests on "
        "age alone)."
    )
    imaging: ImagingOrder | None
    referral: str | None = Field(description="The referrals in one line (see `referrals`).")
    referrals: list[ReferralOrder] = Field(description="One entry per team, with its urgency.")
    next_steps: list[PlannedStep]
    plan: list[str]
    steps: list[str] = Field(description="The ids of the plan's steps (knowledge/steps.yaml).")
    evidence: list[Evidence]
    rules_fired: list[str]
    sources: list[SourceRef]
