"""Frozen, typed models: the knowledge (findings, conditions, policies) and its use
(presentations in, assessments out).

This module imports nothing above it: the rulebook loads YAML into these types and the engines
run them. The JSON shapes of `Presentation` and `Assessment` are those of CONTRACT.md §3-§4.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

Decision: TypeAlias = Literal["image", "conservative", "incomplete"]
Urgency: TypeAlias = Literal["emergency", "urgent", "routine"]
Setting: TypeAlias = Literal["primary_care", "emergency", "specialist"]
CodeSystem: TypeAlias = Literal["icd10cm", "snomed", "rxnorm", "loinc", "cpt"]

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
    """Codes that map to a finding or condition. A trailing `*` matches a prefix."""

    icd10cm: tuple[str, ...] = ()
    snomed: tuple[str, ...] = ()
    rxnorm: tuple[str, ...] = ()
    loinc: tuple[str, ...] = ()
    cpt: tuple[str, ...] = ()
    value_sets: tuple[str, ...] = ()


class RecordRule(Frozen):
    """When a coded record of a finding counts as the finding being present now."""

    statuses: Literal["any", "active"] = Field(
        "active",
        description="active: clinicalStatus active, recurrence or relapse (or none given); "
        "any: every status counts (a history).",
    )
    lookback_days: int | None = Field(
        None, description="The record's onset or date must fall within this many days."
    )
    min_days_in_last_year: int | None = Field(
        None, description="For medicines: days covered in the last 365 days."
    )


class Finding(Frozen):
    """A question a clinician answers: true, false or unknown."""

    id: str
    tier: Literal["seed", "extension", "suspicion"]
    question: str
    help: str
    answer: Literal["boolean"] = "boolean"
    screens: tuple[str, ...]
    sources: tuple[str, ...] = Field(min_length=1)
    codes: Codes = Codes()
    record: RecordRule = RecordRule()
    suggested_by: Codes = Field(
        Codes(), description="Codes that prompt the question without answering it."
    )


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
    codes: Codes = Codes()


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
    referral: str | None = None
    next_step: NextStep | None = None
    plan: tuple[str, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _decision_fields(self) -> Rule:
        if self.decision == "image":
            missing = [
                name for name in ("urgency", "study", "referral") if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(f"an image rule needs {', '.join(missing)}")
            if self.next_step is not None:
                raise ValueError("an image rule has no next_step (its study is ordered now)")
        else:
            if self.next_step is None:
                raise ValueError("a watch rule needs a next_step")
            extra = [name for name in ("urgency", "study", "referral") if getattr(self, name)]
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


class Policy(Frozen):
    id: str
    title: str
    version: int
    sources: tuple[str, ...] = Field(min_length=1)
    required: tuple[str, ...]
    not_used: Mapping[str, str] = Field(default_factory=dict)
    when: Mapping[Urgency, str]
    rules: tuple[Rule, ...] = Field(min_length=1)
    outcomes: Outcomes


class HandoutSection(Frozen):
    heading: str
    bullets: tuple[str, ...] = Field(min_length=1)


class ConservativeHandout(Frozen):
    """What the patient takes home when no scan is needed now."""

    title: str
    intro: str
    sections: tuple[HandoutSection, ...]
    warning_heading: str
    warning_signs: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)


class ImageHandout(Frozen):
    """A short, plain explanation of why a scan and a referral are needed now."""

    title: str
    intro: str
    when: Mapping[Urgency, str]
    conditions: Mapping[str, str]
    other_reason: str
    sections: tuple[HandoutSection, ...]
    warning_heading: str
    warning_signs: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)


class Handouts(Frozen):
    version: int
    conservative: ConservativeHandout
    image: ImageHandout


class NlpPlace(Frozen):
    """ConText categories that place a mention where its finding is not about (`elsewhere`),
    unless one of `here` places it there too."""

    elsewhere: tuple[str, ...] = Field(min_length=1)
    here: tuple[str, ...] = ()


class NlpMeasurement(Frozen):
    """A measured value that makes a finding present at or above a threshold."""

    name: str
    finding: str
    pattern: str = Field(description="A regular expression with a named group `value`.")
    unit: str
    present_above: float
    sources: tuple[str, ...] = Field(min_length=1)


class NlpProcedures(Frozen):
    """What a spinal procedure (a helper feeding `recent`) says: one the note documents makes
    `documented` true; one planned or considered makes `planned` true (false when ruled out)."""

    recent: str
    documented: tuple[str, ...]
    planned: tuple[str, ...]
    #: Helper categories that only say whether an intervention is planned or ruled out
    #: ("surgical intervention", "surgical indication").
    considered: tuple[str, ...] = ()


class NlpSettings(Frozen):
    """How note mentions become findings (knowledge/nlp/settings.yaml)."""

    version: int
    helpers: Mapping[str, tuple[str, ...]]
    history_counts: tuple[str, ...]
    history_counts_when: Mapping[str, tuple[str, ...]] = {}
    uncertain_counts: tuple[str, ...]
    sections: Mapping[str, Literal["other", "historical", "hypothetical", "procedure"]]
    #: Sections whose header, written inline, covers only the sentence it starts.
    one_sentence_sections: tuple[str, ...] = ()
    places: Mapping[str, NlpPlace] = {}
    procedures: NlpProcedures
    negation_only: tuple[str, ...] = ()
    helper_needs: Mapping[str, tuple[str, ...]] = {}
    measurements: tuple[NlpMeasurement, ...] = ()
    recent_procedure_days: int
    prolonged_steroid_days: int
    fever_celsius: float


class NlpRules(Frozen):
    """The NLP rule files, in medspaCy's own JSON formats, checked against the catalogue."""

    settings: NlpSettings
    target_rules: tuple[Mapping[str, Any], ...]
    context_rules: tuple[Mapping[str, Any], ...]
    section_rules: tuple[Mapping[str, Any], ...]


# --------------------------------------------------------------------------------------------
# Presentation (input)
# --------------------------------------------------------------------------------------------

FindingValue: TypeAlias = StrictBool | None


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

    age: Annotated[float, Field(strict=True, ge=0, le=120)] | None = None
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
            for key in raw:
                if key not in known:
                    errors.append(_unknown_finding_error(key, raw[key], known))
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return result

    def value(self, finding_id: str) -> bool | None:
        """The answer for a finding: True, False, or None when unknown."""
        return self.findings.get(finding_id)


def _findings_schema(schema: dict[str, Any]) -> None:
    """In JSON Schema, list the catalogue's finding ids and forbid any other key."""
    from spinewise.rulebook import default_rulebook

    findings = default_rulebook().findings
    schema["properties"] = {
        fid: {"anyOf": [{"type": "boolean"}, {"type": "null"}], "description": f.question}
        for fid, f in findings.items()
    }
    schema["additionalProperties"] = False


def _known_finding_ids(info: ValidationInfo) -> frozenset[str]:
    context = info.context or {}
    ids = context.get("finding_ids")
    if ids is None:
        # Imported here: the packaged catalogue is the default, loaded once and cached.
        from spinewise.rulebook import default_rulebook

        ids = default_rulebook().finding_ids
    return frozenset(ids)


def _unknown_finding_error(key: Any, value: Any, known: frozenset[str]) -> InitErrorDetails:
    close = difflib.get_close_matches(str(key), sorted(known), n=1)
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


def _as_init_errors(exc: ValidationError) -> list[InitErrorDetails]:
    details: list[InitErrorDetails] = []
    for error in exc.errors():
        detail = InitErrorDetails(type=error["type"], loc=error["loc"], input=error.get("input"))
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


class ImagingOrder(Out):
    study: str
    procedure: str
    when: str
    codes: dict[str, list[str]]
    acr_variant: str | None = None
    if_mri_contraindicated: str | None = None
    also: list[str] = Field(default_factory=list, description="Other studies also indicated.")


class PlannedStep(Out):
    action: str
    when: str
    because: list[str]
    sources: list[str]


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
    imaging: ImagingOrder | None
    referral: str | None
    next_steps: list[PlannedStep]
    plan: list[str]
    evidence: list[Evidence]
    rules_fired: list[str]
    sources: list[SourceRef]
