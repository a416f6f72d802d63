"""A clinical note → age and tri-state findings, each with the mentions behind it.

A finding is `true` when an affirmed mention is current and about the patient; `false` when
only negated mentions (or a measured normal value: "afebrile", "T 36.8") are found; `null`
when it is not mentioned, or only as hypothetical ("return if you develop a fever"), about
someone else ("mother had breast cancer"), uncertain, or historical where history does not
count. Some findings need more than words: temperatures are read as numbers, steroid courses
by their duration, spinal procedures by how long ago they were.
"""

from __future__ import annotations

import bisect
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from spinewise.nlp.pipeline import pipeline_for, prepare_text, run, run_many, sections_of
from spinewise.rulebook import Rulebook, default_rulebook

__all__ = ["Assertion", "Mention", "NoteFindings", "assertion", "extract", "extract_many"]


@dataclass(frozen=True)
class Mention:
    """One piece of text behind a finding, with its context."""

    finding: str
    start: int
    end: int
    text: str
    rule: str
    section: str | None
    negated: bool
    historical: bool
    hypothetical: bool
    experiencer: str
    uncertain: bool
    counts_as: bool | None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class NoteFindings:
    age: float | None
    findings: dict[str, bool | None]
    mentions: list[Mention] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "age": self.age,
            "findings": dict(self.findings),
            "mentions": [m.as_dict() for m in self.mentions],
        }


# --- numbers and durations -----------------------------------------------------------------

_AGE = re.compile(
    r"\b(?:(\d{1,3})\s*-?\s*(?i:yo|y/o|y\.o\.|yrs?\s*old|years?\s*-?\s*old|year-old)"
    r"|(?i:age[d]?)\s*:?\s*(\d{1,3})\b"
    # "62M", "57F": age and sex run together, capital letter only (not "5 mg", "38.5 F").
    r"|(?<![\d.])(\d{1,3})[MF](?![A-Za-z]))",
)
_TEMPERATURE = re.compile(
    r"\b(?:T|Temp|Temperature|Tmax|T\s?max|temp\.)\s*(?:of|:|=|was|is|at|reached)?\s*"
    r"(\d{2,3}(?:\.\d{1,2})?)\s*(?:°|deg(?:rees)?)?\s*([CF])?\b"
    r"|\b(\d{2,3}(?:\.\d{1,2})?)\s*(?:°|deg(?:rees)?)?\s*(F|C)\b(?!\w)",
    re.IGNORECASE,
)
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3,
    "few": 3, "many": 5,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "month": 30, "mo": 30, "year": 365, "yr": 365}
_QUANTITY = (
    r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few|many)"
)
_UNIT = r"(day|week|wk|month|mo|year|yr)s?"
_DURATION = re.compile(
    rf"\b(?:for|x|times|over\s+the\s+(?:past|last)|in\s+the\s+(?:past|last)|since)\s+(?:the\s+)?(?:past\s+|last\s+)?{_QUANTITY}\s+{_UNIT}\b",
    re.IGNORECASE,
)
_LONG_TERM = re.compile(
    r"\b(?:long[- ]term|chronic(?:ally)?|for\s+(?:many\s+)?years|since\s+(?:19|20)\d\d"
    r"|maintenance|daily\s+for\s+years)\b",
    re.IGNORECASE,
)
_SHORT_COURSE = re.compile(r"\b(?:burst|taper|dose\s?pa?c?k|short\s+course)\b", re.IGNORECASE)
_NOT_SYSTEMIC = re.compile(
    r"\b(?:inhaled|inhaler|nasal|topical|cream|ointment|eye\s+drops|ear\s+drops|injection\s+into\s+the\s+(?:knee|shoulder|hip)|joint\s+injection)\b",
    re.IGNORECASE,
)
_AGO = re.compile(
    rf"\b{_QUANTITY}\s+{_UNIT}\s+(?:ago|prior|before|earlier|after|post[- ]?op)\b", re.IGNORECASE
)
_RECENT = re.compile(
    r"\b(?:yesterday|recent(?:ly)?|last\s+week|this\s+week|earlier\s+this\s+(?:week|month)"
    r"|few\s+days\s+ago|days\s+ago|this\s+morning|today"
    r"|post[- ]?(?:partum|op(?:erative)?)\s+day\s+\d+|day\s+\d+\s+after)\b",
    re.IGNORECASE,
)


def _days(quantity: str, unit: str) -> int:
    count = int(quantity) if quantity.isdigit() else _NUMBERS.get(quantity.lower(), 1)
    return count * _UNIT_DAYS[unit.lower().rstrip("s")]


def _celsius(value: float, unit: str | None) -> float | None:
    """A plausible body temperature in °C, or None (an age, a count, a typo)."""
    unit = (unit or "").upper()
    if unit == "F" or (not unit and 90 <= value <= 110):
        return (value - 32) * 5 / 9 if 90 <= value <= 110 else None
    if unit == "C" or not unit:
        return value if 33 <= value <= 43 else None
    return None


# --- the extractor -------------------------------------------------------------------------


def extract(text: str, *, rulebook: Rulebook | None = None) -> NoteFindings:
    """Age and findings of one note."""
    rb = rulebook or default_rulebook()
    nlp = pipeline_for(rb)
    return _read(run(nlp, prepare_text(text)), text, rb)


def extract_many(
    texts: Iterable[str], *, rulebook: Rulebook | None = None, batch_size: int = 64
) -> Iterator[NoteFindings]:
    """Notes in, findings out, in order (spaCy's `nlp.pipe` batching)."""
    rb = rulebook or default_rulebook()
    nlp = pipeline_for(rb)
    originals: list[str] = []

    def prepared() -> Iterator[str]:
        for text in texts:
            originals.append(text)
            yield prepare_text(text)

    for i, doc in enumerate(run_many(nlp, prepared(), batch_size=batch_size)):
        yield _read(doc, originals[i], rb)
        originals[i] = ""  # keep memory flat while streaming


def _section_at(headers: list[tuple[int, str]], offset: int) -> str | None:
    index = bisect.bisect_right(headers, (offset, "\uffff")) - 1
    return headers[index][1] if index >= 0 else None


def _context(ent: Any, sections: Mapping[str, str], section: str | None = None) -> dict[str, Any]:
    role = sections.get(section or "")
    return {
        "section": section,
        "negated": bool(ent._.is_negated),
        "historical": bool(ent._.is_historical) or role == "historical",
        "hypothetical": bool(ent._.is_hypothetical) or role == "hypothetical",
        "experiencer": "other" if (ent._.is_family or role == "other") else "patient",
        "uncertain": bool(ent._.is_uncertain),
    }


def _read(doc: Any, original: str, rb: Rulebook) -> NoteFindings:
    settings = rb.nlp.settings
    sections = dict(settings.sections)
    headers = sections_of(pipeline_for(rb), doc)
    mentions: list[Mention] = []
    for ent in doc.ents:
        ctx = _context(ent, sections, _section_at(headers, ent.start_char))
        sentence = ent.sent.text if ent.sent is not None else ent.text
        for fid, counts, note in _judge(ent.label_, sentence, rb, ctx):
            mentions.append(
                Mention(
                    finding=fid,
                    start=ent.start_char,
                    end=ent.end_char,
                    text=original[ent.start_char : ent.end_char],
                    rule=f"{ent.label_}: {ent._.literal or ent.text}",
                    counts_as=counts,
                    note=note,
                    **ctx,
                )
            )
    mentions += _temperatures(doc, original, rb.threshold("fever"))
    findings: dict[str, bool | None] = dict.fromkeys(rb.findings)
    for m in mentions:
        if m.counts_as is True:
            findings[m.finding] = True
        elif m.counts_as is False and findings[m.finding] is None:
            findings[m.finding] = False
    return NoteFindings(age=_age(original), findings=findings, mentions=mentions)


def _counts(fid: str, ctx: dict[str, Any], settings: Any) -> bool | None:
    """What one mention says about its finding now: True, False, or None (nothing)."""
    if ctx["hypothetical"] or ctx["experiencer"] != "patient":
        return None
    if ctx["negated"]:
        return False
    if ctx["uncertain"] and fid not in settings.uncertain_counts:
        return None
    if ctx["historical"] and fid not in settings.history_counts:
        return None
    return True


def _judge(
    category: str, sentence: str, rb: Rulebook, ctx: dict[str, Any]
) -> list[tuple[str, bool | None, str]]:
    """(finding, what the mention says of it, how it was judged) for one mention. How long a
    steroid course must run and how recent a procedure must be are the record rules' own
    (knowledge/record_rules.yaml)."""
    settings = rb.nlp.settings
    helpers = dict(settings.helpers)
    if category not in helpers:
        return [(category, _counts(category, ctx, settings), "")]
    if category not in ("steroid_drug", "spinal_injection", "spinal_surgery"):
        # Plain helpers: one mention, several findings ("bowel or bladder incontinence").
        return [(fid, _counts(fid, ctx, settings), "") for fid in helpers[category]]
    if category == "steroid_drug":
        fid = "prolonged_corticosteroid_use"
        if _NOT_SYSTEMIC.search(sentence):
            return [(fid, None, "not a systemic steroid")]
        base = _counts(fid, ctx, settings)
        if base is not True:
            return [(fid, base, "steroid mention")]
        # "for 3 years", "x 6 months", or "started 5 days ago": how long the course has run.
        days = [_days(q, u) for q, u in [*_DURATION.findall(sentence), *_AGO.findall(sentence)]]
        long_enough = rb.threshold(fid)
        if _LONG_TERM.search(sentence) or any(d >= long_enough for d in days):
            return [(fid, True, "long course")]
        if days or _SHORT_COURSE.search(sentence):
            return [(fid, None, "short course: not prolonged")]
        return [(fid, None, "duration not stated")]
    # A spinal injection or operation: recent ones raise the risk of an epidural abscess
    # (its date decides, even in a "history" sentence); an old operation is a prior one.
    out: list[tuple[str, bool | None, str]] = []
    if "prior_lumbar_surgery" in helpers[category]:
        out.append(("prior_lumbar_surgery", _counts("prior_lumbar_surgery", ctx, settings), ""))
    ago = [_days(q, u) for q, u in _AGO.findall(sentence)]
    recent_days = rb.window_days("recent_spinal_procedure", "Procedure.code")
    old = recent_days is not None and any(d > recent_days for d in ago)
    recent = not old and (bool(_RECENT.search(sentence)) or bool(ago))
    if ctx["hypothetical"] or ctx["experiencer"] != "patient" or ctx["uncertain"]:
        verdict: bool | None = None
    elif ctx["negated"]:
        verdict = False
    else:
        verdict = True if recent else None
    note = "recent" if recent else ("long ago" if old else "date not stated")
    out.append(("recent_spinal_procedure", verdict, note))
    return out


def _temperatures(doc: Any, original: str, threshold: float) -> list[Mention]:
    out: list[Mention] = []
    text = doc.text
    for match in _TEMPERATURE.finditer(text):
        raw = match.group(1) or match.group(3)
        unit = match.group(2) or match.group(4)
        celsius = _celsius(float(raw), unit)
        if celsius is None:
            continue
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        sentence = span.sent.text if span is not None and span.sent is not None else ""
        hypothetical = bool(
            re.search(
                r"\b(?:if|above|over|greater than|>)\b",
                sentence[
                    : max(
                        0,
                        match.start()
                        - (
                            span.sent.start_char
                            if span is not None and span.sent is not None
                            else 0
                        ),
                    )
                ],
                re.IGNORECASE,
            )
        )
        out.append(
            Mention(
                finding="fever",
                start=match.start(),
                end=match.end(),
                text=original[match.start() : match.end()],
                rule=f"temperature: {celsius:.1f} °C",
                section=None,
                negated=celsius < threshold,
                historical=False,
                hypothetical=hypothetical,
                experiencer="patient",
                uncertain=False,
                counts_as=None if hypothetical else celsius >= threshold,
                note=f"measured {celsius:.1f} °C",
            )
        )
    return out


def _age(text: str) -> float | None:
    for match in _AGE.finditer(text):
        value = int(match.group(1) or match.group(2) or match.group(3))
        if 0 < value <= 120:
            return float(value)
    return None


# --- assertion for any concept ---------------------------------------------------------------


@dataclass(frozen=True)
class Assertion:
    found: bool
    negated: bool
    historical: bool
    hypothetical: bool
    experiencer: str
    uncertain: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def assertion(text: str, target: str, *, rulebook: Rulebook | None = None) -> Assertion:
    """ConText for any phrase: is `target` in `text`, and negated, historical, hypothetical,
    about someone else, uncertain? (The first mention decides.)"""
    from medspacy.ner import TargetRule

    rb = rulebook or default_rulebook()
    nlp = pipeline_for(rb)
    prepared = prepare_text(text)
    doc = nlp.make_doc(prepared)
    for name, proc in nlp.pipeline:
        if name == "medspacy_target_matcher":
            doc.ents = ()
            with warnings.catch_warnings():
                # A one-phrase matcher leaves medspaCy's token matcher empty: spaCy's W036.
                warnings.filterwarnings("ignore", message=r"\[W036\]")
                doc = _assertion_matcher(nlp, target, TargetRule)(doc)
        else:
            doc = proc(doc)
    if not doc.ents:
        return Assertion(False, False, False, False, "patient", False)
    ctx = _context(doc.ents[0], dict(rb.nlp.settings.sections))
    return Assertion(
        True,
        ctx["negated"],
        ctx["historical"],
        ctx["hypothetical"],
        ctx["experiencer"],
        ctx["uncertain"],
    )


def _assertion_matcher(nlp: Any, target: str, rule_class: Any) -> Any:
    from medspacy.ner import TargetMatcher

    matcher = TargetMatcher(nlp, name="spinewise_assertion")
    matcher.add([rule_class(literal=target.strip(), category="TARGET")])
    return matcher
