"""A clinical note → age and tri-state findings, each with the mentions behind it.

A finding is `true` when any mention of it is affirmed, current and about the patient (present
anywhere wins: "denies weakness" in the history and "4/5 EHL" on examination is weakness);
`false` only when every mention is negated (or a measured normal value: "afebrile", "T 36.8");
`null` when it is not mentioned, or only as hypothetical ("return if you develop a fever"),
about someone else ("mother had breast cancer"), somewhere else ("numbness of the hand"),
uncertain ("possible", "?", "not assessed": uncertainty is unknown, never absent), or
historical where history does not count. Some findings need more than words: temperatures and
bladder volumes are read as numbers, steroid courses by their duration, spinal procedures by how
long ago they were.

Every mention keeps the sentence it came from and the cue that decided it (the ConText cue,
the section header, or the phrase itself), so that a reader can check it.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from spinewise.model import NlpRegimenOpen, Units
from spinewise.nlp.pipeline import (
    fixed_medspacy,
    medspacy_default,
    pipeline_for,
    prepare_text,
    run,
    run_many,
    set_cues,
)
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
    #: The sentence the mention is in, as written in the note.
    sentence: str = ""
    #: The words that decided `counts_as` ("denies", "possible", "FAMILY HISTORY:"), or "".
    cue: str = ""
    #: Placed somewhere the finding is not about ("numbness in the right hand").
    elsewhere: bool = False
    #: Why this mention, though it does not make the finding present, keeps it from being read
    #: as absent: "doubt" (the finding's own words with a doubt, "? saddle anesthesia") or
    #: "doubt of a kind" (a doubt in generic words, "possible bowel or bladder changes"): no
    #: denial makes it absent; "mention" (the finding's own words, affirmed but saying nothing
    #: now, such as a past "urinary retention"): no generic denial ("no injuries", "no loss of
    #: bowel or bladder control") makes it absent, a denial of the finding itself still does;
    #: "" otherwise.
    keeps_open: str = ""

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
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3,
    "few": 3, "many": 5,
}  # fmt: skip
_AMOUNT = "|".join((r"\d+", *_NUMBERS))
#: A number told with its decimals ("1.5"), and a half told after a number or a unit.
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_HALF = re.compile(r"\s+and\s+(?:a\s+)?half\b.*$", re.IGNORECASE)
_QUANTITY = f"({_AMOUNT})"


def _without_half(told: str) -> tuple[str, float]:
    """A number or a unit without the half told after it, and the half."""
    half = _HALF.search(told)
    return (told[: half.start()], 0.5) if half is not None else (told, 0.0)


@dataclass(frozen=True)
class _Limits:
    """What a note's numbers are measured against, from the record rules
    (knowledge/record_rules.yaml) and units.yaml: one definition for records and notes."""

    fever_celsius: float
    steroid_days: float
    procedure_days: float | None
    units: Units
    #: What a number must be to be read as a body temperature (nlp/settings.yaml).
    body_celsius: tuple[float, float]
    #: A course in the UK notation, by units.yaml's slash spellings ("for 6/12").
    course_slash: re.Pattern[str]
    #: How long a course has run ("for 3 years", "x 6 months"), by units.yaml's words.
    course: re.Pattern[str]
    #: How long ago something was ("5 days ago", "2 weeks post-op"), by units.yaml's words.
    ago: re.Pattern[str]
    #: How long ago, in the UK notation ("ESI 2/52 ago"), by units.yaml's slash spellings.
    ago_slash: re.Pattern[str]
    #: What follows "N days after" when the time runs from a symptom's onset (settings.yaml
    #: `terms.time_from_onset`).
    from_onset: re.Pattern[str]

    @classmethod
    def of(cls, rb: Rulebook) -> _Limits:
        body = rb.nlp.settings.body_temperature
        slashes = tuple(s for u in rb.units.time for s in u.spellings if s.startswith("/"))
        before = rb.nlp.settings.terms[TIME_BEFORE]
        return cls(
            body_celsius=(
                rb.units.canonical(body.low, body.unit),
                rb.units.canonical(body.high, body.unit),
            ),
            fever_celsius=rb.threshold("fever"),
            steroid_days=rb.threshold(_STEROIDS),
            procedure_days=rb.window_days("recent_spinal_procedure", "Procedure.code"),
            units=rb.units,
            course_slash=_duration_slash(slashes),
            ago_slash=_ago_slash(slashes, before),
            from_onset=re.compile(rb.nlp.settings.terms[TIME_FROM_ONSET]),
            **_durations_in_words(
                # Words only: a one-letter code ("d", "a") or a slash is no unit in prose.
                tuple(
                    s for u in rb.units.time for s in u.spellings if re.fullmatch("[a-z]{2,}", s)
                ),
                before,
            ),
        )

    def ago_days(self, sentence: str) -> list[float]:
        """How long ago each time before the note in a sentence was, in days. "N hours after
        the onset of <a symptom>" times an event from the symptom's onset, not from the note
        ("underwent laminectomy about 30 hours after the onset of retention")."""
        found = [
            (match.group(1), match.group(2))
            for pattern in (self.ago, self.ago_slash)
            for match in pattern.finditer(sentence)
            if not self.from_onset.match(sentence[match.end() :])
        ]
        return [self.days(q, u) for q, u in found]

    def days(self, quantity: str, unit: str) -> float:
        # A range ("3-4 days") is read at its longer end; a decimal ("1.5 months") and a half
        # told after the number or the unit ("one and a half months", "a month and a half")
        # are read with their half.
        quantity, half_before = _without_half(quantity)
        unit, half_after = _without_half(unit)
        half = max(half_before, half_after)
        counts = [
            float(part) if _DECIMAL.fullmatch(part)
            else _NUMBERS.get(part.lower(), 1)
            for part in re.split(r"\s*[-\u2013]\s*", quantity.strip())
        ]  # fmt: skip
        count = max(counts) + half
        known = self.units.time_unit(unit)
        return count * float(known.days) if known is not None else 0.0


#: The settings.yaml terms of the words that place a time before the note, and of those that
#: time it from a symptom's onset instead (the loader checks both are there).
TIME_BEFORE = "time_before"
TIME_FROM_ONSET = "time_from_onset"


@functools.cache
def _durations_in_words(words: tuple[str, ...], before: str) -> dict[str, re.Pattern[str]]:
    """A course's length and a time ago, with the time units of units.yaml as words and the
    words after a time that place it before the note (settings.yaml `terms.time_before`)."""
    units = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    unit = f"({units})"
    # ... or a length before what it measures: "17 months of steroids", "(5 months in total)",
    # or in brackets right after its start: "since March (5 months)"
    told = rf"(?:{_AMOUNT})\s+(?:{units})"
    course = (
        r"(?:\b(?:for|x|times|over\s+the\s+(?:past|last)|in\s+the\s+(?:past|last)|since)\s+"
        # a patient's words quoted: 'for "over 2 years"'
        r"[\"'\u201c\u2018]?(?:the\s+)?(?:past\s+|last\s+)?"
        r"(?:about\s+|approx(?:imately|\.)?\s*|nearly\s+|almost\s+|over\s+|more\s+than\s+|~\s*)?"
        rf"|\b(?={told}\s+(?:of|in\s+total|total)\b)"
        rf"|\bsince\s+(?:[a-z]+\s+)?[\w/]+\s*\(\s*(?:about\s+|approx(?:imately|\.)?\s*|~\s*)?(?={told}\s*\)))"
        rf"{_QUANTITY}\s+{unit}\b"
    )
    ago = rf"\b{_QUANTITY}\s+{unit}(?:\s+and\s+a\s+half)?\s+{before}"
    return {
        "course": re.compile(course, re.IGNORECASE),
        "ago": re.compile(ago, re.IGNORECASE),
    }


@functools.cache
def _duration_slash(spellings: tuple[str, ...]) -> re.Pattern[str]:
    """A course in the UK notation ("for 6/12", "x 3/52"), by the slash spellings of
    units.yaml (months of 12, weeks of 52); not a date ("since 3/12", "6/12/2025")."""
    units = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    return re.compile(rf"\b(?:for|x)\s*(\d{{1,2}})({units})\b(?!/)", re.IGNORECASE)


@functools.cache
def _ago_slash(spellings: tuple[str, ...], before: str) -> re.Pattern[str]:
    """A time before the note in the UK notation ("2/52 ago", "3/7 back"), by the slash
    spellings of units.yaml and settings.yaml `terms.time_before`; not a date ("3/12/2025",
    "on 3/12 after physio")."""
    units = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    # "on 3/12 after physio" is a date: the words that put a date before it rule it out.
    date = r"(?<!\bon\s)(?<!\bsince\s)(?<!\bfrom\s)(?<!\bdated\s)(?<!\buntil\s)"
    return re.compile(rf"{date}\b(\d{{1,2}})({units})(?!/)\s*{before}", re.IGNORECASE)


def _celsius(value: float, unit: str | None, limits: _Limits) -> float | None:
    """A plausible body temperature in °C, or None (an age, a count, a typo). A number
    written without a unit is read in the unit whose plausible range holds it; the conversion
    is units.yaml's, as for records."""
    for spelling in (unit,) if unit else ("F", "C"):
        known = limits.units.temperature_unit(spelling)
        if known is None:
            continue
        # The same arithmetic as the record intake and the SQL engines.
        times = known.times
        celsius = (value - float(known.minus)) * times.numerator / times.denominator
        if limits.body_celsius[0] <= celsius <= limits.body_celsius[1]:
            return celsius
    return None


# --- the extractor -------------------------------------------------------------------------


def extract(text: str, *, rulebook: Rulebook | None = None) -> NoteFindings:
    """Age and findings of one note."""
    rb = rulebook or default_rulebook()
    nlp = pipeline_for(rb)
    return _read(run(nlp, prepare_text(text, rb.nlp.settings.denied_lists)), text, rb)


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
            yield prepare_text(text, rb.nlp.settings.denied_lists)

    for i, doc in enumerate(run_many(nlp, prepared(), batch_size=batch_size)):
        yield _read(doc, originals[i], rb)
        originals[i] = ""  # keep memory flat while streaming


_FLAGS = {
    "NEGATED_EXISTENCE": "negated",
    "POSSIBLE_EXISTENCE": "uncertain",
    "HISTORICAL": "historical",
    "HYPOTHETICAL": "hypothetical",
    "FAMILY": "family",
}


Header = tuple[int, int, str]


def _line_before(original: str, at: int) -> str:
    """The text of the line holding `at`, up to it."""
    return original[original.rfind("\n", 0, at) + 1 : at]


def _line_only(header: Header, original: str, settings: Any) -> bool:
    """Does this header cover only its own line (settings.yaml `one_line_sections`)?"""
    start, _, category = header
    if category in settings.one_line_sections:
        return True
    inline = _line_before(original, start).strip()
    return bool(inline) and category in settings.one_line_inline_sections


def _header_at(headers: tuple[tuple[int, int, str, int], ...], offset: int) -> Header:
    """The header of the section holding `offset` ((-1, -1, "") when none does)."""
    index = bisect.bisect_right(headers, (offset, offset, "\uffff", 0)) - 1
    if index < 0:
        return (-1, -1, "")
    start, end, category, limit = headers[index]
    if 0 <= limit <= offset:
        return (-1, -1, "")
    return (start, end, category)


@dataclass(frozen=True)
class _Answer:
    """A question answered in place (settings.yaml `answers`)."""

    opens: int  # where the question's words begin
    first: int  # where its line or its "Q:" begins (a clause of a list may open it later)
    mark: int  # its question mark, or the colon of a label answered in a form
    end: int  # the end of its answer
    yes: bool | None  # None: a form's question left unanswered (a row with no column marked)
    text: str  # the question mark and the answer, as written
    # words the question takes as given, not asks ("... since your back surgery? No"): from, to
    presumed: tuple[int, int] = (-1, -1)
    # the question asks whether a normal holds ("Perianal sensation intact? No"): its answer
    # speaks of the abnormal the other way round
    normal: bool = False
    # one of the answers given item by item ("fever, saddle numbness: Y N"): the others are no
    # words of this item's ("Y" is the fever's, not the numbness's)
    each: bool = False


#: The word before a denied alternative ("never used recreational or injected drugs").
_ALTERNATIVE = (["or"], ["nor"])

#: A question's mark, alone or before its quoted answer ('Bladder or bowels? "Peeing OK."').
_ASKED = frozenset({"?", '? "', "? \u201c", "? '", "? \u2018"})

#: What a question's own form says (its "?", "Q:", "Any ..."): its answer takes their place.
_QUESTION_CUES = frozenset({"POSSIBLE_EXISTENCE", "HYPOTHETICAL"})


_CLAUSE_BREAKS = (",", ";", ":", "(", " - ", " \u2013 ")
#: At most this many words make the label a form's answer belongs to.
_LABEL_WORDS = 3
#: ... and the most words of a label of alternatives ("Numbness between the legs or around the
#: back passage when wiping: none").
_ALTERNATIVES_WORDS = 12
#: Where a question's own clause begins: after a comma, a semicolon or a sentence's end (not
#: a dotted leader's dots: "Normal sensation in saddle area ........ N").
_CLAUSE_END = re.compile(r"[,;]|(?<!\.)[.!?](?!\.)(?=\s)")
#: Where a thing a question takes as given ends: the next item of its list.
_ITEM_END = re.compile(r"[,;]|\b(?:or|and|nor)\b")
#: A reading is its item's own answer: "Fever 38.6 or rigors: no" denies the rigors alone.
_READING = re.compile(r"\d")
#: An item's answer, or a gap between a form's columns: where a label of alternatives begins.
_ANSWER_WORD = re.compile(r"(?i)(?:yes|no|y|n|\+|-|present|positive|negative|neg|nil|none)[.,;]?")
_GAP = re.compile(r"\t| {2,}")
#: ... nor past a word that joins it to what comes before ("Fever 38.6 yesterday and night
#: sweats or weight loss: no"), or a clause's end.
_JOINED = re.compile(r"(?i)and|with|but|then|plus|also|any|&|\S*[.,;:)]")


def _answers(original: str, settings: Any) -> list[_Answer]:
    """The questions of a note answered in place. A question opens after its "Q:" (or the
    like), else after the last clause break, within its line and sentence."""
    spec = settings.answers
    if spec is None:
        return []
    out, each = _each_answers(original, spec)
    matches = list(re.finditer(spec.answer, original))
    for label_answer in (spec.inline, spec.boxes, _legend(original, spec)):
        if label_answer is not None:
            matches += re.finditer(label_answer, original)
    for match in matches:
        mark = match.start()
        if any(start <= mark < end for start, end in each):
            continue  # one of the answers given item by item
        line = _line_start(original, mark)
        opens = [line + q.end() for q in re.finditer(spec.question, original[line:mark])]
        first = max(opens, default=line)
        if not opens:
            # After the last clause break: a comma, semicolon, colon, parenthesis or spaced dash.
            breaks = [(original.rfind(c, line, mark), len(c)) for c in _CLAUSE_BREAKS]
            # A parenthesis closed before the mark is an aside, not where the question opens
            # ("Weakness in your legs (e.g. tripping)? No").
            opens = [
                line,
                *(
                    at + size
                    for at, size in breaks
                    if at >= 0 and not (original[at] == "(" and ")" in original[at:mark])
                ),
            ]
            if (
                match.groupdict().get("speaker")
                and spec.continues is not None
                and re.match(spec.continues, original[max(opens) : mark])
            ):
                # A speaker's answer to alternatives: "Numbness in legs, or around the back
                # passage? A: No" answers the whole line.
                opens = [line]
        asks = re.match(spec.asks, original[line:mark]) if spec.asks is not None else None
        if asks is not None and not re.search(spec.question, original[line:mark]):
            # A line that is all one question ("Any numbness around your bottom, or any
            # change peeing? pt: no"): the answer is the whole line's.
            opens = [line + asks.start("asks")]
        elif spec.opens is not None:
            opens += [line + q.end() for q in re.finditer(spec.opens, original[line:mark])]
        leader = re.search(spec.leader, original[line:mark]) if spec.leader is not None else None
        # A row that is the label whole: up to its dotted leader, or to a code of the form's
        # own legend (where the row ends, from the line's start).
        row = leader.start() if leader is not None else None
        coded = "unanswered" in match.re.groupindex
        if coded:
            row = mark - line
            if (aside := original.find("(", line, mark)) >= 0:
                # its aside tells its own ("Leg weakness (L foot drop, 3/5 EHL)    A")
                mark = aside
        listed = _listed(original, line, mark, spec)
        if listed is not None and row is None:
            # A list asked as one: "- fevers, sweats: no" denies both.
            opens = [line + listed.start("list")]
        elif row is not None:
            # The row is the label ("Cancer, tumour or growth ..... N", "Leg weakness    A"),
            # from the line's start or its last gap between columns.
            gaps = [g.end() for g in _GAP.finditer(original[line : line + row])]
            opens = [line + (gaps[-1] if gaps else 0)]
        elif original[mark] in ": \t":
            # A label answered in a form is its last few words ("... on exam XR: negative" is
            # the X-ray's answer, not the foot drop's; "Wt loss N / Ca hx Y": the cancer's).
            label = original[line:mark]
            if label.rstrip().endswith(")") and "(" in label:
                label = label[: label.rfind("(")]  # "Cancer (current or past): no"
            qualified = re.search(spec.qualifier, label) if spec.qualifier is not None else None
            if qualified is not None and label[: qualified.start()].strip():
                label = label[: qualified.start()]  # "Steroid use > 3 months: No"
            words = list(re.finditer(r"\S+", label))
            last = words[-_LABEL_WORDS:]
            if any(w.group(0).lower() in ("or", "nor") for w in words[-_ALTERNATIVES_WORDS:][1:]):
                # Alternatives are one label: "Bowel/bladder incontinence or retention: No";
                # not past another item's answer or a gap ("Saddle numbness yes    Bladder or
                # bowel: no").
                at = len(words) - len(last)
                while (
                    at > 0
                    and len(words) - at < _ALTERNATIVES_WORDS
                    and not _ANSWER_WORD.fullmatch(words[at - 1].group(0))
                    and not _JOINED.fullmatch(words[at - 1].group(0))
                    and not _GAP.search(label, words[at - 1].end(), words[at].start())
                ):
                    at -= 1
                readings = [k for k in range(at, len(words)) if _READING.search(words[k].group(0))]
                if readings and readings[-1] + 1 < len(words):
                    at = readings[-1] + 1
                last = words[at:]
            words = last
            opens.append(line + words[0].start() if words else mark)
        # A form's columns: in "Fever: no   Saddle numbness: yes" and "Urinary retention
        # Saddle numbness? No" the answer is the numbness's alone.
        if (
            row is None
            and listed is None
            and (columns := list(_GAP.finditer(original[line:mark].rstrip())))
        ):
            opens.append(line + columns[-1].end())
        text = " ".join(match.group(0).split())  # an answer on the next line: "? No"
        yes: bool | None = match["yes"] is not None
        if spec.answered_each and re.match(spec.answered_each, original[mark:]):
            # "Fevers, weight loss, cancer: no, no, breast 2015": each its own, none told by a
            # word of the answer: every item stays asked
            yes = None
            opens = [_list_start(original, line, mark, spec)]
        if coded and match["unanswered"] is not None:
            yes = None  # "Saddle anaesthesia   ND" under "ND = not documented"
        asked = _CLAUSE_END.split(original[line:mark])[-1]  # the question's own clause
        # "Normal sensation in saddle area: N": the sensation is not normal, and the label
        # is asked from its normal on ("Normal sensation" as well as "saddle area").
        normal = re.search(spec.normal_label or "(?!)", asked)
        if normal is not None and re.match(r"[ \t]*[,;]?[ \t]*but\b", original[match.end() :]):
            normal = None  # "Perianal sensation intact? Y, but reduced pinprick on the left"
        if normal is not None and normal.groupdict().get("normal") is not None:
            opens = [min(max(opens), mark - len(asked) + normal.start("normal"))]
        elif normal is None and not yes and re.search(spec.normal_named or "(?!)", asked):
            # A normal the question names but does not ask alone ("Feeling in the saddle area
            # and inner thighs normal? N"): a "no" to it denies nothing, nor tells.
            yes = None
        presumed = (-1, -1)
        given = re.search(spec.presupposes or "(?!)", original[max(opens) : mark])
        if given is not None:
            start = max(opens) + given.end()
            stop = _ITEM_END.search(original, start, mark)
            presumed = (start, stop.start() if stop else mark)
        out.append(
            _Answer(max(opens), first, mark, match.end(), yes, text, presumed, normal is not None)
        )
    answered = {a.mark for a in out} | {start for start, _ in each}
    return out + _asked_lists(original, spec, answered) + _table_answers(original, spec)


#: The most words an item of a list answered item by item has ("prev cancer", "weight loss"):
#: a longer one is a sentence ("Safety net advice given re saddle numbness, bladder: Y Y").
_ITEM_WORDS = 4


def _list_start(original: str, line: int, mark: int, spec: Any) -> int:
    """Where the list a form answers item by item begins: after its line's bullet, question
    number or last colon (settings.yaml `answers.each_label`)."""
    prefix = re.match(spec.each_label, original[line:mark]) if spec.each_label else None
    return line + (prefix.end() if prefix is not None else 0)


def _each_answers(original: str, spec: Any) -> tuple[list[_Answer], list[tuple[int, int]]]:
    """Answers given item by item (settings.yaml `answers.each`): "- fevers, weight loss, prev
    cancer: N N Y" answers each item in turn when the list has as many short items as answers.
    A form's blank "Y/N" (a yes, then a no) answers none, nor do yes and no to fewer items: every
    item stays asked. Other answers to a list that does not match them are left to the form's
    other readings. Also where each such answer is: (mark, end)."""
    if spec.each is None or spec.each_answer is None or spec.each_item is None:
        return [], []
    out: list[_Answer] = []
    spans: list[tuple[int, int]] = []
    for match in re.finditer(spec.each, original):
        mark = match.start()
        line = _line_start(original, mark)
        start = _list_start(original, line, mark, spec)
        label = original[start:mark]
        if label.rstrip().endswith(")") and "(" in label:
            label = label[: label.rfind("(")]  # "Fever, weight loss, cancer (Y/N): N N Y"
        said = [a["yes"] is not None for a in re.finditer(spec.each_answer, match["each"])]
        text = " ".join(match.group(0).split())
        # the items: from the list's start to its label's end, between the separators
        cuts = list(re.finditer(spec.each_item, label))
        begins = [start] + [start + m.end() for m in cuts]
        ends = [start + m.start() for m in cuts] + [start + len(label)]
        items = [
            (begin, end)
            for begin, end in zip(begins, ends, strict=True)
            if original[begin:end].strip()
        ]
        matched = len(items) == len(said) and not any(
            len(original[b:e].split()) > _ITEM_WORDS or re.search(r"[()]", original[b:e])
            for b, e in items
        )
        found: list[_Answer] = []
        if said == [True, False] and re.search(r"/|\S[ \t]{2,}\S", match["each"]):
            # "Fever, weight loss: Y/N", "Saddle anaesthesia / retention:  Yes  No": a blank
            found = [_Answer(start, line, mark, match.end(), None, text)]
        elif matched:
            for (begin, end), yes in zip(items, said, strict=True):
                # "Perianal sensation intact, anal tone normal: Y Y": a normal asked, answered
                normal = bool(
                    spec.normal_label and re.search(spec.normal_label, original[begin:end])
                )
                found.append(
                    _Answer(begin, begin, end, match.end(), yes, text, normal=normal, each=True)
                )
            # A phrase across items ("Bladder/bowel dysfunction: N/N", "Sensation intact, power
            # intact: Y N") is answered as the list is: by its one answer, else not at all.
            one = said[0] if len(set(said)) == 1 else None
            normal = bool(spec.normal_label and re.search(spec.normal_label, label))
            found.append(
                _Answer(
                    start,
                    line,
                    mark,
                    match.end(),
                    one,
                    text,
                    normal=normal and one is not None,
                    each=True,
                )
            )
        elif len(set(said)) > 1 and len(items) < len(said):
            # "Fever or weight loss: N Y": some yes, some no, to fewer items: every item stays
            # asked (no "N" of it denies them all)
            found = [_Answer(start, line, mark, match.end(), None, text)]
        if found:
            spans.append((mark, match.end()))
            out += found
    return out, spans


def _listed(
    original: str, line: int, mark: int, spec: Any, alone: bool = False
) -> re.Match[str] | None:
    """The list a line asks as one, up to its mark (settings.yaml `answers.list_label`): only
    after a bullet or a question's number ("- fevers, sweats: no", "Q7 Fevers, weight loss,
    cancer?") or, `alone`, as a question on a line of its own: "Leg weakness, fever? A: no" and
    "Retention overnight, saddle numbness: no" tell the first and ask of the last."""
    listed = re.match(spec.list_label, original[line:mark]) if spec.list_label else None
    if listed is None or len(listed["list"].split()) > _ALTERNATIVES_WORDS:
        return None
    if not original[line : line + listed.start("list")].strip():
        own_line = original[line - 1 : line] in ("", "\n") and re.match(
            r"[ \t]*(?:\r?\n|$)", original[mark + 1 :]
        )
        return listed if alone and own_line else None
    return listed


def _asked_lists(original: str, spec: Any, answered: set[int]) -> list[_Answer]:
    """A list asked as one and not answered yes or no ('Q7 Fevers, weight loss, cancer? "No
    fevers."'): every item is asked, none told (settings.yaml `answers.list_label`)."""
    if spec.list_label is None:
        return []
    out = []
    for mark in (m.start() for m in re.finditer(r"\?", original)):
        line = _line_start(original, mark)
        listed = None if mark in answered else _listed(original, line, mark, spec, alone=True)
        if listed is not None:
            out.append(_Answer(line + listed.start("list"), line, mark, mark + 1, None, "?"))
    return out


def _legend(original: str, spec: Any) -> str | None:
    """The answers a form's own legend of codes gives ("D = documented present, A =
    documented absent, ND = not documented"; settings.yaml `answers.legend`), as one regular
    expression with groups yes, no and unanswered, or None when the note has no legend."""
    if "=" not in original or None in (
        spec.legend,
        spec.legend_yes,
        spec.legend_no,
        spec.legend_unanswered,
    ):
        return None  # (every legend's entry is a code "=" its meaning)
    codes: dict[str, list[str]] = {"yes": [], "no": [], "unanswered": []}
    for line in original.splitlines():
        entries = list(re.finditer(spec.legend, line))
        if len(entries) < 2 or (
            spec.legend_scale and any(re.search(spec.legend_scale, e["meaning"]) for e in entries)
        ):
            continue
        for entry in entries:
            meaning = entry["meaning"]
            for group, said in (
                ("unanswered", spec.legend_unanswered),
                ("no", spec.legend_no),
                ("yes", spec.legend_yes),
            ):
                if re.search(said, meaning):
                    codes[group].append(re.escape(entry["code"]))
                    break
    if not any(codes.values()):
        return None
    groups = "|".join(
        f"(?P<{group}>{'|'.join(sorted(set(found), key=len, reverse=True)) or '(?!)'})"
        for group, found in codes.items()
    )
    # after the label's colon or a gap between columns; the code alone in its cell
    return (
        rf"(?m)(?<=[A-Za-z)])(?:[ \t]*:[ \t]*|[ \t]{{2,}}|[ \t]*\t[ \t]*)(?:{groups})"
        rf"(?![\w+?-])(?=[ \t]*(?:$|[(;,]|[ \t]{{2}}|\t))"
    )


#: Where a sentence ends: a line break, "?" or "!", or a full stop before a space that does not
#: end a one-letter abbreviation ("e.g.", "R.").
_SENTENCE_END = re.compile(r"\n|[?!]|(?<!\b[A-Za-z])\.(?=\s)")


def _line_start(original: str, mark: int) -> int:
    """Where the line or sentence holding a question's mark begins."""
    ends = list(_SENTENCE_END.finditer(original, max(0, mark - 400), mark))
    return ends[-1].end() if ends else max(0, original.rfind("\n", 0, mark) + 1)


def _table_answers(original: str, spec: Any) -> list[_Answer]:
    """The rows of a form's table with yes and no columns ("| Fever | | X |" under
    "| Question | Y | N |"): the column marked answers the row's question; a row with
    neither (or both) marked is a question left unanswered."""
    if None in (spec.table_yes, spec.table_no, spec.table_mark) or "|" not in original:
        return []
    out: list[_Answer] = []
    columns: tuple[int, int] | None = None
    heads: list[str] = []
    start = 0
    for line in original.splitlines(keepends=True):
        at, start = start, start + len(line)
        bars = [at + m.start() for m in re.finditer(r"\|", line)]
        text = line.rstrip("\r\n")
        if bars and not text.lstrip().startswith("|"):
            bars.insert(0, at - 1)  # a row without its outer bars: "Fever | | X"
        if bars and not text.rstrip().endswith("|"):
            bars.append(at + len(text))
        if len(bars) < 3:
            columns = None
            continue
        cells = [original[a + 1 : b].strip() for a, b in itertools.pairwise(bars)]
        yes = [i for i, c in enumerate(cells) if re.fullmatch(spec.table_yes, c)]
        no = [i for i, c in enumerate(cells) if re.fullmatch(spec.table_no, c)]
        if yes and no:
            columns, heads = (yes[0], no[0]), cells
            continue
        if columns is None and len(cells) == 2 and cells[0]:
            # A question and its answer: "| Bowel dysfunction | No |".
            said = cells[1]
            answered = (
                False
                if re.fullmatch(spec.table_no, said)
                else True
                if re.fullmatch(spec.table_yes, said)
                else None
                if spec.table_unanswered and re.fullmatch(spec.table_unanswered, said)
                else ...
            )
            if answered is not ...:
                out.append(_Answer(bars[0] + 1, bars[0] + 1, bars[1], bars[2], answered, said))
            continue
        if columns is None or len(cells) <= max(columns) or min(columns) == 0:
            continue
        marked = [bool(re.fullmatch(spec.table_mark, cells[i])) for i in columns]
        answer = marked[0] if marked[0] != marked[1] else None
        # The answer as the form gives it: the marked column's heading and mark ("N: X").
        text = "(left unanswered)"
        if answer is not None:
            column = columns[0] if answer else columns[1]
            text = f"{heads[column]}: {cells[column]}"
        out.append(_Answer(bars[0] + 1, bars[0] + 1, bars[min(columns)], bars[-1], answer, text))
    return out


def _answer_to(answers: Sequence[_Answer], ent: Any) -> _Answer | None:
    """The answer to the question a mention is asked in, if any."""
    for answer in answers:
        if answer.opens <= ent.start_char and ent.end_char <= answer.mark:
            return answer
        if answer.first <= ent.start_char < answer.opens < ent.end_char <= answer.mark:
            # a phrase longer than a label's last words: "numbness around the anus: none"
            return answer
    return None


def _context(
    ent: Any,
    original: str,
    roles: Mapping[str, str],
    header: tuple[int, int, str],
    one_sentence: Iterable[str] = (),
    answers: Sequence[_Answer] = (),
    exceptions: str | None = None,
    change_words: str | None = None,
    affirmations: str | None = None,
    asserts_itself: str | None = None,
    conditions: str | None = None,
    unticked: str | None = None,
    kept_open: Any = None,
    answers_spec: Any = None,
    events_after: str | None = None,
    lists: tuple[tuple[str, ...], str | None] = ((), None),
) -> dict[str, Any]:
    """What ConText and the section say of one target: flags, and the words behind each. In
    a question answered in place, the answer speaks instead of the question's form."""
    start, end, section = header
    cues: dict[str, str] = {}
    answer = _answer_to(answers, ent)
    asked = _QUESTION_CUES if answer is not None else frozenset()
    # The "?" and the answer of an answered question are that question's: the "?" doubts, and
    # the "No" denies, nothing outside it ("Fever? No, left foot drop since Monday").
    kept, dropped = [], set()
    for cue in ent._.spinewise_cues:
        category, cue_start, cue_end = cue
        if category in asked or any(a.mark <= cue_start < a.end for a in answers):
            dropped.add(category)
            continue
        if (
            category == "NEGATED_EXISTENCE"
            and unticked
            and re.search(unticked, _line_before(original, cue_start))
        ):
            # A form's option left unticked ("Weakness: \u2610 none \u2610 mild \u2611
            # severe"; settings.yaml `unchecked_box.option`) denies nothing: it is offered.
            cues.setdefault("HYPOTHETICAL", original[cue_start:cue_end])
            dropped.add(category)
            continue
        kept.append(cue)
        cues.setdefault(category, original[cue_start:cue_end])
    if answer is not None and answer.presumed[0] <= ent.start_char < answer.presumed[1]:
        # Taken as given, not asked ("Any change in your bladder since your back surgery? No"):
        # neither the question's doubt nor its answer is the surgery's.
        answer = None
    # A phrase that itself says "normal" ("afebrile", "weight gain", "5/5 strength") and is
    # denied in turn ("denies weight gain", "does not have intact sensation") says nothing: a
    # denied normal is not an abnormal. A negation that reaches it across a list ("no edema,
    # sensation intact") does not deny it: the list item is an assertion of its own.
    rule = getattr(ent._, "target_rule", None)
    normal = rule is not None and bool((rule.attributes or {}).get("is_negated"))
    # An answer to whether a normal holds: "yes" denies what the question names, "no" tells it.
    flipped = answer is not None and answer.normal and answer.yes is not None
    answered_no = answer is not None and answer.yes is False and not flipped
    denied_normal = normal and (
        answered_no
        or any(
            category == "NEGATED_EXISTENCE"
            and _attached(original, ent, cue_start, cue_end)
            # after it, only its own: in "power 5/5 and reflexes normal" the "normal" is the
            # reflexes'
            and (cue_end <= ent.start_char or _denies_itself(original, ent, cue_start, cue_end))
            for category, cue_start, cue_end in kept
        )
    )
    if denied_normal and answered_no and answer is not None:
        # "Saddle sensation normal: N": the answer is the cue that denies the normal.
        cues.setdefault("NEGATED_EXISTENCE", answer.text)
    if any(t.text == "?" for t in ent[1:]):
        # A doubt inside the phrase ("rectal tone ?reduced", "sensation ? intact") is its own:
        # ConText lets no cue modify a target it overlaps.
        cues.setdefault("POSSIBLE_EXISTENCE", "?")
    if normal and not denied_normal:
        cues["NEGATED_EXISTENCE"] = original[ent.start_char : ent.end_char]  # the phrase says it
        contrast = (
            re.match(answers_spec.normal_contrast, original[ent.end_char : ent.sent.end_char])
            if answers_spec is not None
            and answers_spec.normal_contrast is not None
            and ent.label_ in answers_spec.normal_contrast_for
            and not flipped
            else None
        )
        if contrast is not None:
            # "Stools normal, but he has had two accidents": what follows may take it back.
            cues["POSSIBLE_EXISTENCE"] = contrast.group("contrast") or contrast.group("deficit")
    elif (
        asserts_itself
        and not normal
        and "NEGATED_EXISTENCE" in cues
        and re.search(asserts_itself, original[ent.start_char : ent.end_char])
        # one of the denied alternatives: "has never used recreational or injected drugs"
        and original[max(0, ent.start_char - 5) : ent.start_char].split()[-1:] not in _ALTERNATIVE
        and not any(
            # right before it: "not unable to void"; or after it in its own clause: "lost 4 kg
            # of fluid with diuresis" (not "lost 9 kg and tumor markers were negative")
            category == "NEGATED_EXISTENCE"
            and (
                _denies_itself(original, ent, cue_start, cue_end)
                or (
                    cue_start >= ent.end_char
                    and not re.search(r"\band\b|[,;]", original[ent.end_char : cue_start])
                )
            )
            for category, cue_start, cue_end in kept
        )
    ):
        # "No fever, unable to void", "Denies numbness, EHL 4/5": the list's denial does not
        # reach a phrase that asserts itself.
        del cues["NEGATED_EXISTENCE"]
        dropped.add("NEGATED_EXISTENCE")
    window = max(0, ent.start_char - 40)
    event = (
        re.search(events_after, original[window : ent.start_char])
        if events_after and "NEGATED_EXISTENCE" in cues
        else None
    )
    if event and any(
        category == "NEGATED_EXISTENCE" and cue_end <= window + event.start()
        for category, _, cue_end in kept
    ):
        # "No LOC after the RTA": the RTA happened (settings.yaml `events_after`); the
        # denial, before the event, is of what came after it.
        del cues["NEGATED_EXISTENCE"]
        dropped.add("NEGATED_EXISTENCE")
    role = roles.get(section)
    if section in one_sentence and original[end : ent.sent.start_char].strip():
        role = None  # an inline header covers only the sentence it starts
    list_sections, item = lists
    if section in list_sections and (
        ";" in original[end : ent.start_char]
        if not original[end : ent.sent.start_char].strip()
        else not _list_item(original, ent.sent.start_char, item)
    ):
        # the prose after a heading's list, or after a ";" in its own sentence, is not the
        # list's: "Call the clinic if: numbness spreads; she currently has numbness"
        role = None
    if role == "other" and "PATIENT" in cues:
        role = None  # "Patient himself has no history of malignancy" under family history
    said = f"{original[start:end]}" if role else ""
    for category, flag in _FLAGS.items():
        if (
            getattr(ent._, "is_family" if flag == "family" else f"is_{flag}")
            and category not in cues
            and category not in dropped
        ):
            cues[category] = original[ent.start_char : ent.end_char]  # the phrase says it
    if flipped and answer is not None and answer.yes:
        cues["NEGATED_EXISTENCE"] = answer.text  # "Perianal sensation intact? Yes"
    elif flipped and answer is not None:
        # "Perianal sensation intact? No": the sensation is not intact
        cues.pop("NEGATED_EXISTENCE", None)
        dropped.add("NEGATED_EXISTENCE")
        cues["AFFIRMED"] = answer.text
    elif answered_no and not normal:
        cues.setdefault("NEGATED_EXISTENCE", answer.text if answer else "")
    elif answer is not None and answer.yes and "NEGATED_EXISTENCE" in cues:
        cues["POSSIBLE_EXISTENCE"] = answer.text  # "yes" to a question that denies: unclear
    elif answer is not None and answer.yes is None:
        cues["POSSIBLE_EXISTENCE"] = answer.text  # a form's question left unanswered
    if "NEGATED_EXISTENCE" in cues and not normal and not flipped:
        # A denial may be partial: an exception after it, or a change it denies. (A normal
        # affirmed is the answer's own: "Normal sensation in saddle area: yes".)
        if exceptions and (excepted := _excepted(ent, original, exceptions))[0]:
            # An exception after a list ("No fevers or chills apart from one night") may be any
            # item's: it keeps each open rather than making each present.
            cues["POSSIBLE_EXISTENCE" if excepted[1] else "EXCEPTED"] = excepted[0]
            for category, words in excepted[2].items():
                cues.setdefault(category, words)
        if change_words and (changed := _change_only(ent, original, change_words, answer)):
            cues["CHANGE_ONLY"] = changed
        if (
            affirmations
            and not (answer is not None and answer.each)
            and (affirmed := _affirmed(ent, original, affirmations, kept))
        ):
            cues["AFFIRMED"] = affirmed
        clause = re.split(r"[,;:]", original[ent.sent.start_char : ent.start_char])[-1]
        condition = re.search(conditions, clause) if conditions else None
        if condition and any(
            category == "NEGATED_EXISTENCE" and cue_start >= ent.end_char
            for category, cue_start, _ in kept
        ):
            # "... until cauda equina compression has been excluded": not yet excluded.
            cues["HYPOTHETICAL"] = condition.group(0)
    # A question about it ("any ca hx?"), not a doubt that works it up ("? metastases",
    # "myeloma (?vs metastases)"): where its "?" ends, or -1.
    asked_at = next(
        (
            cue_start + 1
            for category, cue_start, cue_end in kept
            if category == "POSSIBLE_EXISTENCE"
            and cue_start >= ent.end_char
            and (asked_as := original[cue_start:cue_end].strip()) in _ASKED
            and (asked_as != "?" or not original[cue_end : cue_end + 1].isalnum())
        ),
        # (or a question left unanswered: no work-up either)
        answer.end if answer is not None and answer.yes is None else -1,
    )
    after = original[ent.end_char : ent.sent.end_char]
    if "NEGATED_EXISTENCE" in cues and (reopened := _kept_open(ent.label_, cues, after, kept_open)):
        # "CES is unlikely (...) but it cannot be excluded": the judgement is withdrawn.
        del cues["NEGATED_EXISTENCE"]
        cues["POSSIBLE_EXISTENCE"] = reopened
    if role == "historical":
        cues.setdefault("HISTORICAL", said)
    elif role == "hypothetical":
        cues.setdefault("HYPOTHETICAL", said)
    elif role == "other":
        cues.setdefault("FAMILY", said)
    return {
        "section": section or None,
        "role": role,
        "header": said,
        # (only a normal's heading is read: `_verdict`)
        "heading": _run_in_heading(original, ent.sent.start_char) if normal else "",
        "negated": "NEGATED_EXISTENCE" in cues,
        "historical": "HISTORICAL" in cues,
        "hypothetical": "HYPOTHETICAL" in cues,
        "experiencer": "other" if "FAMILY" in cues else "patient",
        "uncertain": "POSSIBLE_EXISTENCE" in cues,
        # a question about it ("any ca hx?"), not a doubt that works it up ("? metastases",
        # "myeloma (?vs metastases)")
        "asked": asked_at >= 0,
        "asked_at": asked_at,
        "denied_normal": denied_normal,
        "normal": normal,
        "after": after,
        "sentence": original[ent.sent.start_char : ent.sent.end_char],
        "cues": cues,
        # The places among its own words: they can place it where a finding counts, never
        # take it elsewhere.
        "own_places": {
            category
            for category, at, until in ent._.spinewise_places
            if ent.start_char <= at and until <= ent.end_char
        },
    }


def _list_item(original: str, start: int, item: str | None) -> bool:
    """Does the sentence at `start` open a list item (settings.yaml `list_item`), its mark
    written before it ("...IF:,1.  Your legs ...") or as its first word?"""
    if item is None:
        return False
    lead = original[max(0, start - 12) : start]
    return bool(
        re.search(rf"(?:^|[\s,:])(?:{item})\s*$", lead)
        or re.match(rf"[\s,]*(?:{item})\s", original[start : start + 12])
    )


def _run_in_heading(original: str, start: int) -> str:
    """The words from the line's or the last sentence's end up to `start`, when they end in a
    colon or a dash ("Prior exam: sensation intact ..."): a heading the sections do not know."""
    opened = max(original.rfind("\n", 0, start), original.rfind(". ", 0, start)) + 1
    said = original[opened:start].strip()
    return said if said.endswith((":", "-")) else ""


def _kept_open(label: str, cues: Mapping[str, str], after: str, spec: Any) -> str:
    """The words that keep a diagnosis judged unlikely open later in its sentence (`after`
    the mention: "... but it cannot be excluded"), or any denied one a work-up to exclude
    ("... but MRI ordered tonight to exclude it"; settings.yaml `kept_open`)."""
    if spec is None or label not in spec.findings:
        return ""
    opened = re.search(spec.worked_up, after)
    if opened is None and re.search(spec.judged, cues["NEGATED_EXISTENCE"]):
        opened = re.search(spec.open, after)
    return opened.group(0) if opened else ""


def _excepted(ent: Any, original: str, exceptions: str) -> tuple[str, bool, dict[str, str]]:
    """The exception right after a denied mention ("no numbness except the R little toe"),
    unless what it excepts is a mention of its own ("no bowel or bladder symptoms except
    urinary hesitancy": the hesitancy is read on its own, and the bowel stays denied); whether
    it comes after other items of a list (group `list` of settings.yaml `exceptions`); and the
    places named from the mention's end to the excepted clause's end (category: words), which
    place the finding there: "no numbness except both hands" is numbness of the hands."""
    excepted = re.match(exceptions, original[ent.end_char : ent.end_char + 120])
    if excepted is None:
        return ("", False, {})
    start = ent.end_char + excepted.end()
    # What is excepted ends at its clause: "except R heel, denies fever" excepts the heel.
    ends = [i for i in (original.find(c, start) for c in ".;,\n") if i >= 0]
    end = min(ends, default=len(original))
    if any(start <= other.start_char < end for other in ent.doc.ents):
        return ("", False, {})
    listed = excepted.groupdict().get("list") is not None
    places = {
        category: original[at:until]
        for category, at, until in ent._.spinewise_places
        if ent.end_char <= at < end
    }
    return (excepted.group(0).strip(" \t,"), listed, places)


def _affirmed(
    ent: Any, original: str, affirmations: str, cues: Sequence[tuple[str, int, int]]
) -> str:
    """Words right after a mention that assert it ("saddle numbness present") over a denial
    that reaches it across a list ("No fever, saddle numbness present"), not over one
    attached to it ("no saddle numbness present"), nor at the end of the denied list itself
    ("No weakness, numbness or tingling noted")."""
    affirmed = re.match(affirmations, original[ent.end_char : ent.end_char + 30])
    if affirmed is None:
        return ""
    if affirmed.groupdict().get("sign"):
        return affirmed.group("sign")  # the item's own sign: "fever (-) and weakness (+)"
    before = original[max(0, ent.start_char - 6) : ent.start_char].split()
    if before and before[-1].lower() in {"or", "and", "nor", "&", "/"}:
        return ""
    if any(
        category == "NEGATED_EXISTENCE" and _attached(original, ent, start, end)
        for category, start, end in cues
    ):
        return ""
    return affirmed.group(0).strip(" \t,")


def _change_only(ent: Any, original: str, change_words: str, answer: _Answer | None = None) -> str:
    """The word that makes a denial one of a change only: the first after the negation
    ("no new numbness, weakness"), or after the opening of a question answered no ("Any new
    numbness or tingling? No"), skipping "any", the last before the mention, the mention's own
    first word ("new weakness"), or an aside right after it ("weakness (new): no")."""
    words = [original[ent.start_char : ent.end_char].split()[:1]]
    words.append(original[max(0, ent.start_char - 20) : ent.start_char].split()[-1:])
    aside = re.match(r"\s*\((\w+)\)", original[ent.end_char : ent.end_char + 20])
    if aside:
        words.append([aside.group(1)])  # a label's own aside: "Bladder dysfunction (new)   N"
    opens = [
        cue_end for category, _, cue_end in ent._.spinewise_cues if category == "NEGATED_EXISTENCE"
    ]
    if answer is not None and answer.yes is False:
        opens.append(answer.first)
    for start in opens:
        after = [w for w in original[start : start + 20].split() if w.lower() != "any"]
        words.append(after[:1])
    for word in (w[0].strip(",;:.") for w in words if w):
        if re.fullmatch(change_words, word):
            return word
    return ""


#: At most this many words between a negation and the normal phrase it denies.
_ATTACHED_WORDS = 3


def _attached(
    original: str, ent: Any, cue_start: int, cue_end: int, words: int = _ATTACHED_WORDS
) -> bool:
    """Is a cue attached to the phrase: next to it (at most `words` words between), with no
    list separator between (a line break is one: a bulleted list's items)?"""
    if cue_end <= ent.start_char:
        gap = original[cue_end : ent.start_char]
    elif cue_start >= ent.end_char:
        gap = original[ent.end_char : cue_start]
    else:
        return False  # the cue is one of the phrase's own words
    return not any(c in gap for c in ",;:\n") and len(gap.split()) <= words


#: Words that join one item of a list to the next: a denial across them is the list's.
_JOINS = frozenset({"and", "or", "nor", "but", "&", "plus", "with", "+"})


def _denies_itself(original: str, ent: Any, cue_start: int, cue_end: int) -> bool:
    """Is a denial a phrase's own, though it asserts itself: attached to it ("denies that
    her bottom feels numb") with no other mention and no joining word between ("no fever
    and unable to void" is a list's denial)?"""
    if not _attached(original, ent, cue_start, cue_end):
        return False
    start, end = (
        (cue_end, ent.start_char) if cue_end <= ent.start_char else (ent.end_char, cue_start)
    )
    if any(w.lower() in _JOINS for w in original[start:end].split()):
        return False
    return not any(start <= other.start_char < end for other in ent.doc.ents)


def _rule_name(ent: Any) -> str:
    """The target rule's name in target_rules.json (a phrase compiled from a pattern keeps
    the name of its rule)."""
    rule = ent._.target_rule
    if rule is None:
        return str(ent.text)
    return str((rule.metadata or {}).get("rule") or rule.literal)


def _flags(ctx: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: ctx[k]
        for k in ("section", "negated", "historical", "hypothetical", "experiencer", "uncertain")
    }


def _read(doc: Any, original: str, rb: Rulebook) -> NoteFindings:
    settings = rb.nlp.settings
    limits = _Limits.of(rb)
    roles = dict(settings.sections)
    headers = _ended(doc._.spinewise_headers, original, settings.section_ends)
    answers = _answers(original, settings)
    mentions: list[Mention] = []
    for ent in doc.ents:
        header = _header_at(headers, ent.start_char)
        if _line_only(header, original, settings) and "\n" in (
            original[header[1] : ent.start_char].lstrip(" \t\r\n")  # "Procedure:\nESI" is one
        ):
            header = _header_at(headers, header[0] - 1)  # the section it sits in goes on
        ctx = _context(
            ent,
            original,
            roles,
            header,
            settings.one_sentence_sections,
            answers,
            settings.exceptions,
            settings.change_words,
            settings.affirmations,
            settings.asserts_itself,
            settings.conditions,
            settings.unchecked_box.option if settings.unchecked_box else None,
            settings.kept_open,
            settings.answers,
            settings.events_after,
            (settings.list_sections, settings.list_item),
        )
        sent = ent.sent
        sentence = original[sent.start_char : sent.end_char].strip(" ,\t\r\n")
        # A doubt keeps a finding open. Of a normal phrase ("vital signs stable") only a doubt
        # of the normal itself does (settings.yaml `doubts_of_normal`: "unsure if she has
        # urinated today"), not a reasoning it stands in ("low suspicion for infection given
        # afebrile").
        doubted = ctx["uncertain"] and (
            not ctx["normal"]
            or re.search(
                settings.doubts_of_normal or "(?!)", ctx["cues"].get("POSSIBLE_EXISTENCE", "")
            )
        )
        box = _unchecked_box(ent, original, settings.unchecked_box)
        # The findings this mention keeps open when it tells a regimen (settings.yaml
        # `regimen_keeps_open`).
        spec = settings.regimen_keeps_open.get(ent.label_)
        regimen_for = (
            spec.findings
            if spec is not None
            and _regimen_told(
                spec, original[ent.end_char : min(sent.end_char, ent.end_char + spec.reach)]
            )
            else ()
        )
        for fid, (counts, cue, elsewhere), note in _judge(
            ent.label_, sentence, settings, ctx, limits
        ):
            if box is not None:
                # An empty box on a form says nothing of what it labels (settings.yaml
                # `unchecked_box`): not ticked is not denied, and not present.
                counts, cue, note = None, box.group(0).strip(), "an unticked box"
            # A mention of the patient now that says nothing may still keep the finding from
            # "absent" (see _merge); an unticked box says nothing at all.
            ours = (
                box is None
                and counts is None
                and not elsewhere
                and not ctx["hypothetical"]
                and ctx["experiencer"] == "patient"
                and ctx["role"] != "procedure"
            )
            generic = ent.label_ in settings.helpers
            regimen = fid in regimen_for and note != _SHORT
            keeps_open = ""
            if ours and note == _ENDED_LONG:
                keeps_open = "doubt"
            elif ours and doubted and not _answered_no(original, ctx, settings.answers):
                keeps_open = "doubt of a kind" if generic else "doubt"
            elif (
                ours
                and not ctx["normal"]
                and (not generic or regimen)
                and not ctx["negated"]
                and not ctx["denied_normal"]
            ):
                keeps_open = "mention"
            mentions.append(
                Mention(
                    finding=fid,
                    start=ent.start_char,
                    end=ent.end_char,
                    text=original[ent.start_char : ent.end_char],
                    rule=f"{ent.label_}: {_rule_name(ent)}",
                    counts_as=counts,
                    note=note,
                    sentence=sentence,
                    cue=cue,
                    elsewhere=elsewhere,
                    keeps_open=keeps_open,
                    **_flags(ctx),
                )
            )
    mentions += _temperatures(
        doc, original, settings.thresholds, settings.temperatures, limits, mentions
    )
    mentions += _measurements(doc, original, settings, rb.units)
    mentions += _weight_changes(doc, original, settings, rb.units)
    mentions += _grade_falls(doc, original, settings)
    mentions += _durations(doc, original, settings, limits)
    stable = _stable_deficits(
        mentions, original, settings.stable_deficit, settings.doubts_of_normal
    )
    not_of = settings.stable_deficit.not_of if settings.stable_deficit else ()
    if stable and not_of:
        # The words a deficit's stability claims deny no other finding ("L foot numbness as
        # before surgery, no worse" is no course of the pain).
        mentions = [
            m
            for m in mentions
            if not (
                m.finding in not_of
                and m.counts_as is False
                and any(m.start < s.end and s.start < m.end for s in stable)
            )
        ]
    mentions += stable
    mentions = _uncontradicted(mentions, settings.contradicted_by, settings.only_with)
    return NoteFindings(age=_age(original), findings=_merge(rb, mentions), mentions=mentions)


def _unchecked_box(ent: Any, original: str, spec: Any) -> re.Match[str] | None:
    """The empty box of a mention on a form: right before it on its line, or right after it
    when that box is the label's own (settings.yaml `unchecked_box`)."""
    if spec is None:
        return None
    line = _line_before(original, ent.start_char)
    after = re.match(spec.after, original[ent.end_char : ent.end_char + 6])
    first = re.search(spec.box, line) if after else None
    if after and not (first and re.search(spec.leads, line[: first.start()])):
        # The box after it is its own ("Fever \u2610  Weight loss \u2611"), unless the
        # line's boxes lead its items (then it is the next item's) or answer it ("\u2610 Yes
        # \u2611 No": the answer speaks).
        if re.match(spec.answers, original[ent.end_char + after.end() : ent.end_char + 40]):
            return None
        return re.search(spec.before, after.group(0))
    return re.search(spec.before, line)


def _stable_deficits(
    mentions: list[Mention], original: str, spec: Any, doubts: str | None
) -> list[Mention]:
    """A present deficit of the patient told as unchanged ("numbness both soles for 2 yrs,
    unchanged", "stable motor deficit") denies a progressive one, unless it is severe
    (settings.yaml `stable_deficit`)."""
    if spec is None:
        return []
    deficits = [
        m
        for m in mentions
        if m.finding in spec.deficits
        and m.counts_as is True
        and not m.hypothetical
        and m.experiencer == "patient"
    ]
    out = []
    told = set()  # the deficits told as unchanged
    for m in deficits:
        if re.search(spec.severe, m.sentence):
            continue
        after = original[m.end : m.end + spec.reach + 40]
        said = re.search(spec.after, after)
        # Between: no clause end, no other subject, no doubt ("old or new unclear").
        if said and (
            said.start() > spec.reach
            or re.search(r"[.;\n]", after[: said.start()])
            or any(
                re.search(words, after[: said.start()])
                for words in (spec.other_subjects, spec.new, doubts or "(?!)")
            )
        ):
            said = None
        start = m.end
        if said is None:
            said = re.search(spec.before, original[max(0, m.start - 40) : m.start])
            start = max(0, m.start - 40)
        if said is None:
            continue
        words = said.group(0).strip()
        told.add((m.start, m.end))
        out.append(
            replace(
                m,
                finding=spec.denies,
                start=start + said.start(),
                end=start + said.start() + len(words),
                text=words,
                rule=f"stable_deficit: {m.finding} {words}",
                negated=True,
                counts_as=False,
                note=f"a {m.finding} told as unchanged",
                cue=words,
                keeps_open="",
            )
        )
    if out and any(
        re.search(spec.new, m.sentence) and (m.start, m.end) not in told for m in deficits
    ):
        return []  # another deficit is new: the course is unknown
    return out


def _ended(
    headers: tuple[tuple[int, int, str, int], ...], original: str, ends: str | None
) -> tuple[tuple[int, int, str, int], ...]:
    """Each header's section, ended at the first line after it that opens with the patient's
    complaint (settings.yaml `section_ends`)."""
    if ends is None or not headers:
        return headers
    starts = [m.start() for m in re.finditer(ends, original, re.MULTILINE)]
    if not starts:
        return headers
    out = []
    for start, end, category, limit in headers:
        at = bisect.bisect_left(starts, end)
        if at < len(starts) and (limit < 0 or starts[at] < limit):
            limit = starts[at]
        out.append((start, end, category, limit))
    return tuple(out)


def _uncontradicted(
    mentions: list[Mention],
    contradicted_by: Mapping[str, tuple[str, ...]],
    only_with: Mapping[str, tuple[str, ...]] = {},
) -> list[Mention]:
    """A denial the note contradicts says nothing (settings.yaml `contradicted_by`):
    "neurologically intact" in a note with a new foot drop. A mention that counts only beside
    another finding says nothing without it (`only_with`): a fall from standing is severe
    trauma in a patient with osteoporosis."""
    present = {
        m.finding
        for m in mentions
        if m.counts_as is True and m.rule.split(":", 1)[0] not in only_with
    }
    out = []
    for m in mentions:
        category = m.rule.split(":", 1)[0]
        against = present & set(contradicted_by.get(category, ()))
        if m.counts_as is False and against:
            m = replace(m, counts_as=None, note=f"contradicted: {', '.join(sorted(against))}")
        needs = only_with.get(category)
        if needs is not None and m.counts_as is True:
            if with_ := present & set(needs):
                m = replace(m, note=f"with {', '.join(sorted(with_))}")
            else:
                m = replace(m, counts_as=None, note=f"counts only with {', '.join(needs)}")
        out.append(m)
    return out


def _answered_no(original: str, ctx: Mapping[str, Any], spec: Any) -> bool:
    """Is a question asked ("Fever?") answered by a plain denial in free words right after its
    mark ('"No fevers."'; settings.yaml `answers.denial_after`)? Then it is no doubt: the
    denial decides."""
    at = ctx["asked_at"]
    return (
        at >= 0 and spec is not None and bool(re.match(spec.denial_after or "(?!)", original[at:]))
    )


def _regimen_told(spec: NlpRegimenOpen, after: str) -> bool:
    """Do the words after a mention tell a regimen (settings.yaml `regimen_keeps_open`)?"""
    return re.search(spec.when, after) is not None and re.search(spec.unless, after) is None


def _merge(rb: Rulebook, mentions: list[Mention]) -> dict[str, bool | None]:
    """A finding is present when any mention makes it present. It is absent only when a
    mention denies it and nothing keeps it open (Mention.keeps_open): no doubt about it
    anywhere, in its own words or in generic ones ("possible bowel or bladder changes"), and,
    when every denial is generic (a helper's: "no injuries", "sensation intact"), no mention of
    it in its own words that says nothing now."""
    helpers = rb.nlp.settings.helpers
    present: set[str] = set()
    denied: dict[str, bool] = {}  # finding -> denied by a mention of the finding itself
    doubt: set[str] = set()
    mentioned: set[str] = set()
    for m in mentions:
        if m.counts_as is True:
            present.add(m.finding)
        elif m.counts_as is False:
            # A helper category's denial is generic; a finding's own words, a temperature or
            # a measurement deny the finding itself.
            direct = m.rule.split(":", 1)[0] not in helpers
            denied[m.finding] = denied.get(m.finding, False) or direct
        elif m.keeps_open in ("doubt", "doubt of a kind"):
            doubt.add(m.finding)
        elif m.keeps_open:
            mentioned.add(m.finding)
    findings: dict[str, bool | None] = dict.fromkeys(rb.findings)
    for fid in rb.findings:
        if fid in present:
            findings[fid] = True
        elif fid in denied and fid not in doubt and (denied[fid] or fid not in mentioned):
            findings[fid] = False
    return findings


Verdict = tuple[bool | None, str, bool]


def _verdict(fid: str, ctx: Mapping[str, Any], settings: Any) -> Verdict:
    """What one mention says about its finding now (True, False, or None: nothing), the words
    that decided it, and whether it is placed somewhere the finding is not about.

    The order is the safety rule: what makes a mention say nothing (hypothetical, someone
    else's, elsewhere, uncertain) is looked at before negation, so that a doubt is never read
    as "absent"."""
    cues = ctx["cues"]
    if ctx["hypothetical"]:
        return None, cues["HYPOTHETICAL"], False
    if ctx["experiencer"] != "patient":
        return None, cues["FAMILY"], False
    earlier = [c for c in settings.earlier_encounter if c in cues]
    if earlier and fid not in settings.history_counts:
        # What an earlier visit found or was told is not now ("denied weakness at last visit").
        return None, cues[earlier[0]], False
    place = settings.places.get(fid)
    where = (
        [
            c
            for c in place.elsewhere
            if c in cues and (c not in place.normal_only or ctx["normal"] or ctx["negated"])
        ]
        if place is not None
        else []
    )
    # A place among the mention's own words counts where it places the finding ("4/5 bilat LE,
    # 5/5 bilat UE": the legs), never elsewhere.
    if where and not any(c in cues or c in ctx["own_places"] for c in place.here):
        return None, cues[where[0]], True
    if ctx["role"] == "procedure" and not (ctx["historical"] and fid in settings.history_counts):
        # A procedure's own account ("no paresthesias were noted" on placing the needle) is
        # not the patient's presentation; a history it recalls ("she had previously undergone
        # hemilaminectomies") is still a history.
        return None, ctx["header"], False
    if ctx["uncertain"] and fid in settings.uncertain_counts:
        # A suspected condition is what an uncertain mention says ("concern for abscess"),
        # unless the suspicion itself is denied ("considered and is unlikely").
        if ctx["negated"]:
            return False, cues["NEGATED_EXISTENCE"], False
        if re.search(settings.hedges or "(?!)", cues["POSSIBLE_EXISTENCE"]):
            # "No definite cauda equina syndrome": a hedge, neither a suspicion nor its denial.
            return None, cues["POSSIBLE_EXISTENCE"], False
        return True, cues["POSSIBLE_EXISTENCE"], False
    if ctx["uncertain"]:
        return None, cues["POSSIBLE_EXISTENCE"], False
    if ctx["denied_normal"]:
        return None, cues["NEGATED_EXISTENCE"], False
    if "EXCEPTED" in cues:
        # "No numbness except the right little toe": numbness, there.
        return True, cues["EXCEPTED"], False
    if "AFFIRMED" in cues:
        # "No fever, saddle numbness present": the list's "no" does not reach it.
        return True, cues["AFFIRMED"], False
    change = cues.get("CHANGE_ONLY")
    if ctx["negated"] and change and not re.fullmatch(settings.changes.get(fid, "(?!)"), change):
        # "No new numbness" denies a change, not the numbness she has had for years.
        return None, change, False
    record = [c for c in settings.record_only if c in cues]
    if ctx["negated"] and record:
        # "No red flags such as fever were documented": the record is silent, not the patient.
        return None, cues[record[0]], False
    recent = [c for c in settings.recent_past if c in cues]
    if ctx["negated"] and recent and fid in settings.history_counts:
        # "No recent back surgery" denies the recent past, not a history.
        return None, cues[recent[0]], False
    past = cues.get("HISTORICAL", "")
    if ctx["normal"] and fid not in settings.history_counts:
        # A normal of the past ("no longer has saddle sensation intact", a normal under "Prior
        # exam:") says nothing of now.
        if re.search(settings.past_of_normal or "(?!)", past):
            return None, past, False
        heading = " ".join(filter(None, (ctx["header"], ctx["heading"])))
        if heading and re.search(settings.earlier_examinations or "(?!)", heading):
            return None, heading, False
    judged = settings.judgements.get(fid)
    if ctx["negated"] and judged and re.fullmatch(judged, cues["NEGATED_EXISTENCE"]):
        # "Malignancy unlikely" judges a diagnosis; it says nothing of a history of cancer. "No
        # history of fragility fracture" denies a past; it says nothing of a suspicion now.
        return None, cues["NEGATED_EXISTENCE"], False
    if ctx["negated"]:
        return False, cues["NEGATED_EXISTENCE"], False
    ended = [c for c in settings.ended_by.get(fid, ()) if c in cues]
    if ended:
        # "MMF stopped 2019": what has ended says nothing of now.
        return None, cues[ended[0]], False
    still = any(c in cues for c in settings.history_counts_when.get(fid, ()))
    if fid in settings.header_history_counts and ctx["header"] and not still:
        # only the header files it: "PAST MEDICAL HISTORY: COPD on chronic prednisone"
        unless, when = settings.header_history_unless, settings.header_history_when
        still = (
            cues.get("HISTORICAL") == ctx["header"]
            and not (unless and re.search(unless, ctx["sentence"]))
            and not (when and not re.search(when, ctx["sentence"]))
        )
    if ctx["historical"] and fid not in settings.history_counts and not still:
        return None, cues["HISTORICAL"], False
    return True, cues.get("HISTORICAL", ""), False


def _judge(
    category: str, sentence: str, settings: Any, ctx: dict[str, Any], limits: _Limits
) -> list[tuple[str, Verdict, str]]:
    """(finding, verdict, how it was judged) for one mention. A category that names only a
    part of a finding (`present_only`) can make it present, never absent."""
    judged = _judge_all(category, sentence, settings, ctx, limits)
    partial = settings.present_only.get(category, ())
    out = [
        (fid, (None, "", False) if fid in partial and verdict[0] is False else verdict, note)
        for fid, verdict, note in judged
    ]
    # A history worked up now ("r/o metastatic disease", "cannot exclude myeloma") is a
    # suspicion of it (settings.yaml `suspected_when_doubted`).
    doubt = ctx["cues"].get("POSSIBLE_EXISTENCE", "")
    for fid, verdict, _ in judged:
        suspected = settings.suspected_when_doubted.get(fid)
        if (
            suspected
            and category not in settings.not_worked_up
            and verdict[0] is None
            and ctx["uncertain"]
            and not ctx["negated"]
            and not ctx["hypothetical"]
            and ctx["experiencer"] == "patient"
            and ctx["role"] != "procedure"
            and not ctx["asked"]
            and re.search(settings.suspicion_words or "(?!)", doubt)
        ):
            out.append((suspected, (True, doubt, False), f"a {fid} worked up"))
    return out


def _explained_or_long(change: Any, sentence: str, after: str) -> str:
    """The words that place a weight loss over years, in its sentence, or explain it, in its
    clause after it and not after a denial ("lost 6 kg with no attempt at dieting");
    settings.yaml `weight_change`."""
    if change.too_long and (found := re.search(change.too_long, sentence)):
        return found.group(0)
    clause = re.split(r"[,;.\n]", after, maxsplit=1)[0]
    found = re.search(change.explained, clause) if change.explained else None
    denied = change.explanation_denied or "(?!)"
    if found and not re.search(denied, clause[: found.start()]):
        return found.group(0)
    return ""


def _judge_all(
    category: str, sentence: str, settings: Any, ctx: dict[str, Any], limits: _Limits
) -> list[tuple[str, Verdict, str]]:
    helpers = dict(settings.helpers)
    if category not in helpers:
        verdict = _verdict(category, ctx, settings)
        change = settings.weight_change
        if (
            change is not None
            and category == change.finding
            and verdict[0] is True
            and (said := _explained_or_long(change, sentence, ctx["after"]))
        ):
            # as for a weight measured twice, a loss over years, or one the note explains
            # ("the dietitian puts it down to a poorer appetite"), says nothing
            return [(category, (None, said, False), "explained or over years")]
        # A finding that is itself one of another's causes (settings.yaml `implies`) makes it
        # present; denied or unsure, it says nothing of the other.
        implied = settings.implies.get(category, ()) if verdict[0] is True else ()
        return [
            (category, verdict, ""),
            *((fid, verdict, f"implied by {category}") for fid in implied),
        ]
    feeds = helpers[category]
    needs = settings.helper_needs.get(category)
    placed = needs is None or any(c in ctx["cues"] for c in needs)
    if category in settings.negation_only or not placed:
        procedures = settings.procedures
        if procedures.recent in feeds and (denial := _refusal(ctx, procedures.refused)):
            # "Not keen on back surgery or spinal injections" (as in _procedure).
            return _declined(procedures, denial, feeds)
        # Only ever absent: denying all drug use denies injecting, but using drugs is not
        # injecting; "weakness" with no place is not leg weakness, but "denies weakness" is.
        return [(fid, _absent_only(_verdict(fid, ctx, settings)), "") for fid in feeds]
    if category in settings.procedures.considered:
        return _considered(feeds, ctx, settings.procedures.refused)
    if _STEROIDS in feeds:
        # A long course of a systemic steroid says the same of each finding it feeds; only the
        # steroid finding is kept open by a long course that has ended (_ENDED_LONG).
        _, verdict, note = _steroid(sentence, settings, ctx, limits)
        other = _MENTION if note == _ENDED_LONG else note
        return [(fid, verdict, note if fid == _STEROIDS else other) for fid in feeds]
    if settings.procedures.recent in feeds:
        return _procedure(category, feeds, sentence, settings, ctx, limits)
    placed = settings.placed_helpers.get(category)
    if placed is not None:
        return _placed(feeds, placed, ctx, settings)
    # Plain helpers: one mention, several findings ("bowel or bladder incontinence").
    return [(fid, _verdict(fid, ctx, settings), "") for fid in feeds]


def _placed(
    feeds: tuple[str, ...], placed: Any, ctx: dict[str, Any], settings: Any
) -> list[tuple[str, Verdict, str]]:
    """A helper placed by its sentence (settings.yaml `placed_helpers`): a denial denies the
    findings of the places found (`unplaced` when none is); a present mention counts for
    those and for `unplaced`."""
    here = [fid for cue, fids in placed.places.items() if cue in ctx["cues"] for fid in fids]
    denied = set(here or placed.unplaced)
    out = []
    for fid in feeds:
        verdict = _verdict(fid, ctx, settings)
        if fid in denied or (verdict[0] is True and fid in (*here, *placed.unplaced)):
            out.append((fid, verdict, "placed"))
        else:
            out.append((fid, (None, "", False), "placed elsewhere"))
    return out


def _absent_only(verdict: Verdict) -> Verdict:
    return verdict if verdict[0] is False else (None, "", False)


def _declined(procedures: Any, denial: str, quiet: Iterable[str]) -> list[tuple[str, Verdict, str]]:
    """A decision against an intervention (`_refusal`): no candidate for one planned, and
    nothing said of the `quiet` findings, one done."""
    against: Verdict = (False, denial, False)
    nothing: Verdict = (None, "", False)
    return [
        *[(fid, against, "declined or ruled out") for fid in procedures.planned],
        *[(fid, nothing, "declined or ruled out") for fid in quiet],
    ]


def _refusal(ctx: dict[str, Any], refused: str | None) -> str:
    """The patient's own denial that decides against an intervention ("declines surgery",
    "does not need a spinal injection"; settings.yaml `procedures.refused`), or ""."""
    denial: str = ctx["cues"].get("NEGATED_EXISTENCE", "")
    if (
        refused
        and ctx["negated"]
        and ctx["experiencer"] == "patient"
        and not ctx["historical"]
        and re.search(refused, denial)
    ):
        return denial
    return ""


def _considered(
    feeds: tuple[str, ...], ctx: dict[str, Any], refused: str | None = None
) -> list[tuple[str, Verdict, str]]:
    """An intervention planned or considered is a candidacy; one ruled out is not, nor one
    the patient declines (settings.yaml `procedures.refused`)."""
    cues = ctx["cues"]
    if denial := _refusal(ctx, refused):
        return [(fid, (False, denial, False), "declined or ruled out") for fid in feeds]
    if ctx["experiencer"] != "patient" or not ctx["hypothetical"] or ctx["historical"]:
        # "No injections" in the past, or a consultation a month ago, is not a decision about
        # the future; a plan in doubt ("possibly will have surgery") is still being considered.
        verdict: Verdict = (None, "", False)
    elif ctx["negated"]:
        verdict = (False, cues["NEGATED_EXISTENCE"], False)
    else:
        verdict = (True, cues["HYPOTHETICAL"], False)
    return [(fid, verdict, "planned or ruled out") for fid in feeds]


#: The finding a systemic steroid's course decides (_steroid; its other feeds take its verdict).
_STEROIDS = "prolonged_corticosteroid_use"
#: A long systemic steroid course that has ended: it keeps _STEROIDS from "absent".
_ENDED_LONG = "a long course that has ended"
#: A steroid mention whose course decides nothing more.
_MENTION = "steroid mention"
#: ... and one told as a short course.
_SHORT = "short course: not prolonged"


def _steroid(
    sentence: str, settings: Any, ctx: dict[str, Any], limits: _Limits
) -> tuple[str, Verdict, str]:
    fid = _STEROIDS
    base = _verdict(fid, ctx, settings)
    if base[2]:
        return (fid, base, "not a systemic steroid")
    # A course that has ended ("previously on", "stopped in 2022") matters only if it was long.
    ended = base[0] is None and any(c in ctx["cues"] for c in settings.ended_by.get(fid, ()))
    if base[0] is not True and not ended:
        return (fid, base, _MENTION)
    # "for 3 years", "x 6 months", or "started 5 days ago": how long the course has run.
    found = [*limits.course.findall(sentence), *limits.course_slash.findall(sentence)]
    days = [limits.days(q, u) for q, u in found] + limits.ago_days(sentence)
    course = settings.steroid_course
    long = bool(re.search(course.long, sentence)) or any(d >= limits.steroid_days for d in days)
    if ended:
        # "Previously on prednisolone for 4 years, stopped in 2022; not on steroids now": a
        # long course that has ended is no proof against the finding (_ENDED_LONG).
        return (fid, base, _ENDED_LONG if long else _MENTION)
    if long:
        return (fid, base, "long course")
    if days or re.search(course.short, sentence):
        return (fid, (None, "", False), _SHORT)
    return (fid, (None, "", False), "duration not stated")


def _procedure(
    category: str,
    feeds: tuple[str, ...],
    sentence: str,
    settings: Any,
    ctx: dict[str, Any],
    limits: _Limits,
) -> list[tuple[str, Verdict, str]]:
    """A spinal injection or operation: the one the note documents is recent (and the patient
    was its candidate); a planned one makes the patient a candidate; otherwise recent ones
    raise the risk of an epidural abscess (its date decides, even in a "history" sentence),
    and an old operation is a prior one."""
    procedures = settings.procedures
    out: list[tuple[str, Verdict, str]] = []
    nothing: Verdict = (None, "", False)
    if denial := _refusal(ctx, procedures.refused):
        # "She does not need a spinal injection".
        return _declined(procedures, denial, (procedures.recent,))
    # An anaesthetic for another operation (`procedures.no_candidacy`): planned, or the one
    # this note documents, it says nothing of a spinal intervention; done, it is recent.
    no_candidacy = category in procedures.no_candidacy
    if no_candidacy and ctx["hypothetical"]:
        return [(procedures.recent, nothing, "planned")]
    if ctx["hypothetical"] and ctx["experiencer"] == "patient":
        planned: Verdict = (
            (False, ctx["cues"].get("NEGATED_EXISTENCE", ""), False)
            if ctx["negated"]
            else (True, ctx["cues"]["HYPOTHETICAL"], False)
        )
        for fid in procedures.planned:
            out.append((fid, planned, "planned or considered"))
        if ctx["historical"] and not ctx["negated"]:
            # Told as done before ("revision of his previous L5-S1 fusion is planned", "prior
            # L4-5 laminectomy listed under PMH"): a history too, whatever is planned of it.
            before = {**ctx, "hypothetical": False}
            for fid in feeds:
                if fid != procedures.recent and fid not in procedures.planned:
                    out.append((fid, _verdict(fid, before, settings), "done before"))
        return out
    documented = ctx["role"] == "procedure" and not ctx["negated"] and not ctx["uncertain"]
    if documented and not ctx["historical"]:
        for fid in procedures.documented:
            if not (no_candidacy and fid in procedures.planned):
                done: Verdict = (True, ctx["header"], False)
                out.append((fid, done, "the procedure this note documents"))
        return out
    others = [fid for fid in feeds if fid != procedures.recent]
    for fid in others:
        out.append((fid, _verdict(fid, ctx, settings), ""))
    ago = limits.ago_days(sentence)
    old = limits.procedure_days is not None and any(d > limits.procedure_days for d in ago)
    recent = not old and (bool(re.search(procedures.recent_words, sentence)) or bool(ago))
    verdict = _verdict(procedures.recent, {**ctx, "historical": False}, settings)
    if verdict[0] is True and not recent:
        verdict = nothing
    note = "recent" if recent else ("long ago" if old else "date not stated")
    out.append((procedures.recent, verdict, note))
    return out


def _temperature_readings(text: str, spec: Any) -> Iterator[tuple[re.Match[str], str, str | None]]:
    """Each temperature told (its match, its number, its unit; settings.yaml `temperatures`),
    with the readings listed after a label in one go ("T 37.4; 38.6 on admission", "Tmax
    38.9/39.2"): a listed reading has the unit of the first unless it writes its own."""
    found = sorted(
        [(m.start(), 0, m) for m in re.finditer(spec.labelled, text)]
        + [(m.start(), 1, m) for m in re.finditer(spec.unlabelled, text)],
        key=lambda item: item[:2],
    )
    read_up_to = 0
    for start, kind, match in found:
        if start < read_up_to:
            continue  # read already (a listed reading, or inside a labelled one)
        unit = match.group("unit")
        yield match, match.group("value"), unit
        read_up_to = end = match.end()
        if kind == 1:
            continue
        while (between := re.compile(spec.listed_between).match(text, end)) and (
            listed := re.compile(spec.listed).match(text, between.end())
        ):
            yield listed, listed.group("value"), listed.group("unit") or unit
            end = read_up_to = listed.end()


def _threshold(spec: Any, said: str, sentence: str = "", *, rule: bool = False) -> bool:
    """Is the number at the end of `said` a rule's threshold (settings.yaml `thresholds`)?"""
    if re.search(spec.words, said):
        return True
    return bool(re.search(spec.signs, said) and (rule or re.search(spec.rule_words, sentence)))


def _bound_after(spec: Any, text: str, end: int, before: str) -> bool:
    """Do the words right after a temperature make it a bound ("101 F or higher"), after the
    words of a rule before it in its sentence ("Call or come to the ED for a temperature of 101 F
    or higher"; not "Temp 101.5 or higher at home; per daughter")?"""
    return (
        re.compile(spec.bound_after).match(text, end) is not None
        and re.search(spec.rule_words, before) is not None
    )


def _unbound(spec: Any, before: str) -> str:
    """`before` without the bounds that have a number of their own after them: in "told to go
    to the ED for a temperature over 101 F, rigors, or confusion; temp 102.3 F" the "over"
    bounds 101, not the reading after it ("if" and the other words stay)."""
    return _bounds(spec.words, spec.signs).sub(" ", before)


@functools.cache
def _bounds(words: str, signs: str) -> re.Pattern[str]:
    """The threshold words and signs followed by a number of their own (built once)."""
    bound = f"(?:{_bare(words)})|(?:{_bare(signs)})"
    return re.compile(rf"(?i)(?:{bound})(?=\s*(?:than\s+)?[<>=\u2264\u2265]?\s*\d)")


def _bare(expression: str) -> str:
    """A regular expression without its leading inline flags ("(?i)")."""
    return re.sub(r"^\(\?[a-zA-Z]+\)", "", expression)


def _kilograms(match: re.Match[str], units: Units) -> float | None:
    """A weight's kilograms, with its second part ("9st 2lb"); None without a known unit."""
    unit = units.mass_unit(match["unit"]) if match["unit"] else None
    if unit is None:
        return None
    kg = float(match["value"]) * float(unit.kilograms)
    more = units.mass_unit(match["more_unit"]) if match.groupdict().get("more_unit") else None
    if more is not None:
        kg += float(match["more"]) * float(more.kilograms)
    return kg


#: The words between a fever's mention and its reading ("fever of 38.0", "febrile to 101").
_READING_JOIN = re.compile(r"\s*(?:of|to|at|was|is|:|=|reaching|reached|up\s+to)?\s*")


def _temperatures(
    doc: Any,
    original: str,
    thresholds: Any,
    temperatures: Any,
    limits: _Limits,
    told: Sequence[Mention] = (),
) -> list[Mention]:
    threshold = limits.fever_celsius
    out: list[Mention] = []
    text = doc.text
    for match, raw, unit in _temperature_readings(text, temperatures):
        celsius = _celsius(float(raw), unit, limits)
        if celsius is None:
            continue
        sentence, before = _sentence_of(doc, original, match.start(), match.end())
        # "return if T > 38", "fever above 38.0": a threshold, not a measurement (a sign
        # before a temperature is a rule's, whatever the sentence).
        hypothetical = _threshold(
            thresholds, _unbound(thresholds, before), rule=True
        ) or _bound_after(thresholds, text, match.end(), before)
        # A reading told in the words of a fever mention takes that mention's place in time
        # and person, its denial and its doubt: "Her mother was febrile to 102", "febrile to 39.2
        # during an admission two years ago", "has not been febrile to 101", "possibly febrile
        # to 101" say nothing of the patient now.
        hypothetical = (
            hypothetical
            or any(
                m.finding == "fever"
                and (
                    (m.start < match.end() and match.start() < m.end)
                    # ... or right after the words of a fever that may come: "told to go to
                    # the ED for ... or a fever of 38.0 C or higher"
                    or (
                        m.hypothetical
                        and m.end <= match.start()
                        and _READING_JOIN.fullmatch(original, m.end, match.start()) is not None
                    )
                )
                and (
                    m.experiencer != "patient"
                    or m.historical
                    or m.hypothetical
                    or m.uncertain
                    # denied in its own words ("has not been febrile to 101"), not by a list's
                    # denial before it ("Denies chills, febrile to 101.5 overnight")
                    or (
                        m.negated
                        and re.search(
                            temperatures.own_denial, original[max(0, m.start - 30) : m.start]
                        )
                    )
                )
                for m in told
            )
        )
        out.append(
            _number_mention(
                original,
                match,
                sentence,
                finding="fever",
                rule=f"temperature: {celsius:.1f} °C",
                negated=celsius < threshold,
                hypothetical=hypothetical,
                counts_as=None if hypothetical else celsius >= threshold,
                note=f"measured {celsius:.1f} °C",
            )
        )
    return out


def _number_mention(
    original: str,
    match: re.Match[str],
    sentence: str,
    *,
    finding: str,
    rule: str,
    negated: bool,
    hypothetical: bool,
    counts_as: bool | None,
    note: str,
) -> Mention:
    """A mention read by a pattern of the settings rather than a target rule (a temperature,
    a measured volume, a duration, care that failed): the patient's, in no section; the words
    themselves are its cue."""
    words = original[match.start() : match.end()]
    return Mention(
        finding=finding,
        start=match.start(),
        end=match.end(),
        text=words,
        rule=rule,
        section=None,
        negated=negated,
        historical=False,
        hypothetical=hypothetical,
        experiencer="patient",
        uncertain=False,
        counts_as=counts_as,
        note=note,
        sentence=sentence,
        cue=words,
    )


def _grade_falls(doc: Any, original: str, settings: Any) -> list[Mention]:
    """Two strength grades a sentence tells a time apart (settings.yaml `grade_fall`): "L DF
    4/5 yesterday, 3/5 today" is a deficit that is progressing."""
    spec = settings.grade_fall
    if spec is None:
        return []
    out: list[Mention] = []
    for match in (m for pattern in spec.patterns for m in re.finditer(pattern, original)):
        first, second = int(match.group("first")), int(match.group("second"))
        if second >= first:
            continue  # the same or better: says nothing of a progression, either way
        sentence, _ = _sentence_of(doc, original, match.start(), match.end())
        if spec.unless is not None and re.search(spec.unless, sentence):
            continue
        out += [
            _number_mention(
                original,
                match,
                sentence,
                finding=fid,
                rule=f"grade fall: {first}/5 then {second}/5",
                negated=False,
                hypothetical=False,
                counts_as=True,
                note=f"strength {first}/5, later {second}/5",
            )
            for fid in (spec.finding, *spec.also)
        ]
    return out


def _weight_changes(doc: Any, original: str, settings: Any, units: Units) -> list[Mention]:
    """Two weights a sentence tells a time apart (settings.yaml `weight_change`): "61 kg vs 69
    kg 3 months ago" is a loss; "84 kg (84 kg in January)" denies one."""
    spec = settings.weight_change
    if spec is None:
        return []
    out: list[Mention] = []
    body = spec.body_weight
    low, high = units.canonical(body.low, body.unit), units.canonical(body.high, body.unit)
    for sent in doc.sents:
        start, text = sent.start_char, original[sent.start_char : sent.end_char]
        if not re.search(spec.sentence, text):
            continue
        found = list(re.finditer(spec.quantity, text))
        weights: list[tuple[re.Match[str], float | None]] = []
        for i, match in enumerate(found):
            kg = _kilograms(match, units)
            if kg is not None:
                if low <= kg <= high:
                    weights.append((match, kg))
            elif re.search(spec.lead, text[max(0, match.start() - 12) : match.start()]) or (
                i + 1 < len(found)
                and found[i + 1]["unit"]
                and re.fullmatch(spec.order, text[match.end() : found[i + 1].start()].strip())
            ):
                weights.append((match, None))  # its unit is the other weight's
        for (first, known1), (second, known2) in itertools.pairwise(weights):
            if known1 is None and known2 is None:
                continue
            # A number without a unit has the other's: "from 68 to 76 kg".
            per = (known1 or known2 or 0.0) / float((first if known1 else second)["value"])
            kg1 = known1 if known1 is not None else float(first["value"]) * per
            kg2 = known2 if known2 is not None else float(second["value"]) * per
            between = text[first.end() : second.start()]
            if between.lstrip().startswith("(") and ")" in between:
                cut = between.index(")") + 1
            else:
                part = re.search(spec.parts, between)
                cut = part.start() if part else 0
            own_first = text[max(0, first.start() - 15) : first.start()] + between[:cut]
            tail = re.split(r"[,;)]", text[second.end() : second.end() + 40])[0]
            own_second = between[cut:] + tail
            before_first = bool(re.search(spec.earlier, own_first))
            before_second = bool(re.search(spec.earlier, own_second))
            ordered = bool(re.search(spec.order, between))
            # An arrow orders them unless the words between place the second earlier ("64 kg
            # today -> was 71 kg in January").
            if (
                spec.arrow
                and re.search(spec.arrow, between)
                and not re.search(spec.earlier, between[cut:])
            ):
                earlier, now = kg1, kg2
            elif before_first != before_second:
                earlier, now = (kg1, kg2) if before_first else (kg2, kg1)
            elif ordered:
                earlier, now = kg1, kg2
            else:
                continue  # which came first is not told
            limit = units.canonical(spec.lost_over.value, spec.lost_over.unit)
            lost = earlier - now
            present = lost > limit or lost > earlier * spec.lost_over_percent / 100
            hypothetical = bool(re.search(settings.thresholds.rule_words, text))
            open_ = any(re.search(w, text) for w in (spec.explained, spec.too_long) if w)
            counts = (
                None
                if hypothetical or (open_ and lost > 0)
                else (True if present else (False if lost <= 0 else None))
            )
            said = re.compile(re.escape(text[first.start() : second.end()]))
            both = said.match(original, start + first.start())
            if both is None:  # pragma: no cover - the span is the text's own
                continue
            out.append(
                _number_mention(
                    original,
                    both,
                    text.strip(),
                    finding=spec.finding,
                    rule=(
                        f"weight change: {earlier:.1f} kg then {now:.1f} kg (present: lost over "
                        f"{limit:g} kg or {spec.lost_over_percent:g}%)"
                    ),
                    negated=counts is False,
                    hypothetical=hypothetical,
                    counts_as=counts,
                    note=f"weight {'lost' if lost > 0 else 'kept or gained'} {abs(lost):.1f} kg",
                )
            )
    return out


def _sentence_of(doc: Any, original: str, start: int, end: int) -> tuple[str, str]:
    """The sentence around a character span, and its text before the span."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or span.sent is None:
        return original[start:end], ""
    sent = span.sent
    return original[sent.start_char : sent.end_char].strip(), original[sent.start_char : start]


def _measurements(doc: Any, original: str, settings: Any, units: Units) -> list[Mention]:
    """Measured values with a threshold (settings.yaml `measurements`): a bladder scan of
    450 mL is retention; one of 50 mL is not; one of 1.1 L is (units.yaml)."""
    out: list[Mention] = []
    text = doc.text  # built from the tokens at each call
    for measure in settings.measurements:
        matches = (m for pattern in measure.patterns for m in re.finditer(pattern, text))
        seen: set[int] = set()
        for match in sorted(matches, key=lambda m: m.start()):
            if match.start("value") in seen:
                continue  # two patterns that read the same number
            seen.add(match.start("value"))
            # A minus sign, an en dash, a spaced sign ("T-score \u2212 2.7") or the word
            # ("T score of minus 2.8") is a sign. A thousands separator goes ("1,100 ml").
            value = float(
                re.sub(
                    r"\s+", "", re.sub(r"[\u2212\u2013]|(?i:minus)", "-", match.group("value"))
                ).replace(",", "")
            )
            written = match.groupdict().get("unit")
            spelled = units.volume_unit(written) if written else None
            if spelled is not None:
                value = float(value * spelled.millilitres) / units.canonical(1, measure.unit)
            sentence, before = _sentence_of(doc, original, match.start(), match.end())
            said = before + original[match.start() : match.end()]
            hypothetical = _threshold(settings.thresholds, said, sentence)
            present = measure.present(value)
            out.append(
                _number_mention(
                    original,
                    match,
                    sentence,
                    finding=measure.finding,
                    rule=f"{measure.name}: {value:g} {measure.unit} (present {measure.threshold})",
                    negated=not present,
                    hypothetical=hypothetical,
                    # The other side of the threshold says nothing: a small residual does
                    # not rule out a bladder problem (hesitancy, incontinence), nor a normal
                    # bone density a fragility fracture.
                    counts_as=None if hypothetical else (True if present else None),
                    note=f"measured {value:g} {measure.unit}",
                )
            )
    return out


_CONDITIONAL = re.compile(
    r"\b(?:if|unless|should|return|call|expect(?:ed)?|usually|typically|within|until)\b",
    re.IGNORECASE,
)


def _durations(doc: Any, original: str, settings: Any, limits: _Limits) -> list[Mention]:
    """How long the symptoms have lasted (settings.yaml `durations`): shorter than the
    finding's duration is a denial of it, unless the note tells of a longer course, or of a
    long-standing condition and the duration is not this episode's."""
    out: list[Mention] = []
    for duration in settings.durations:
        at_least = limits.units.canonical(duration.at_least.value, duration.at_least.unit)
        # A longer course in a condition is none: "see you if the pain is not settling within
        # a few weeks".
        longer = next(
            (
                m
                for m in re.finditer(duration.longer, original)
                if not _CONDITIONAL.search(_sentence_of(doc, original, m.start(), m.end())[1])
                and not _told_shorter(m.group(0), at_least, limits)
            ),
            None,
        )
        chronic = re.search(duration.chronic, original) if duration.chronic else None
        found = []
        for pattern in duration.patterns:
            for match in re.finditer(pattern, original):
                sentence, before = _sentence_of(doc, original, match.start(), match.end())
                if _CONDITIONAL.search(before):
                    continue
                if match.groupdict().get("day"):
                    days = duration.days_ago.get(" ".join(match["day"].lower().split()))
                    if days is None:
                        continue
                else:
                    days = limits.days(match["value"], match["unit"])
                found.append((match, sentence, days))
        long_told = any(days >= at_least for _, _, days in found)
        # A short lower bound (">3 days", "3 days or more") tells no end to the course, and
        # another symptom's duration ("knee pain x 5 days") is not the back's: neither denies.
        found = [
            (m, sentence, days)
            for m, sentence, days in found
            if not (days < at_least and _open_or_other(duration, original, m))
        ]
        if duration.failed_care is not None:
            # The course told for the note is a longer one, not a chronic condition: "chronic
            # LBP, flare 2 days ago, no relief yet" is no six weeks of failed care.
            short = [m.start() for m, _, days in found if days < at_least]
            out += _failed_care(doc, original, duration, at_least, limits, longer, long_told, short)
        for match, sentence, days in found:
            # A sentence that places the duration in this episode ("this flare began 4 days
            # ago") is this episode's, whatever longer course the note tells.
            this_episode = duration.episode is not None and re.search(duration.episode, sentence)
            held = None if this_episode else (longer or chronic)
            shorter = days < at_least and not long_told and held is None
            why = (
                f"a longer course is told ({held.group(0)!r})"
                if held is not None and held is longer
                else f"a long-standing condition is told ({held.group(0)!r})"
                if held is not None
                else ("shorter" if shorter else "not shorter")
                + (f", this episode's ({this_episode.group(0)!r})" if this_episode else "")
            )
            out.append(
                _number_mention(
                    original,
                    match,
                    sentence,
                    finding=duration.finding,
                    rule=f"{duration.name}: {days:g} days (absent below {at_least:g})",
                    negated=shorter,
                    hypothetical=False,
                    counts_as=False if shorter else None,
                    note=why,
                )
            )
    return out


#: Numbers of `_NUMBERS` that count nothing exactly: "a few weeks" may be six.
_VAGUE = frozenset({"several", "few", "many"})
#: A course's counted length: "1 month", "a month", "1-2 months".
_COUNTED = re.compile(
    rf"\b((?:\d+|{'|'.join(w for w in _NUMBERS if w not in _VAGUE)})"
    r"(?:\s*[-\u2013]\s*\d+)?)\s*([A-Za-z]+\b|/\d+)",
    re.IGNORECASE,
)


def _told_shorter(told: str, at_least: float, limits: _Limits) -> bool:
    """A course told with a counted length shorter than `at_least`: "pain for a month" is
    no longer course than six weeks."""
    days = [
        limits.days(count, unit)
        for count, unit in _COUNTED.findall(told)
        if limits.units.time_unit(unit) is not None
    ]
    return bool(days) and max(days) < at_least


#: How far before a duration to look for another symptom or place (`other`), and how long
#: the duration's own first word may be ("symptoms").
_OTHER_BEFORE = 30
_OWN_WORD = 12
#: ... or how far before it the symptom may end ("knee pain for 5 days after a fall").
_JOIN = 6


def _open_or_other(duration: Any, original: str, match: re.Match[str]) -> bool:
    """A duration that is a lower bound, or another symptom's (settings.yaml `durations`)."""
    if match.groupdict().get("more"):
        return True
    after = original[match.end() : match.end() + 20]
    if duration.open_ended is not None and re.match(duration.open_ended, after):
        return True
    if duration.other is None:
        return False
    # Whose duration: the symptom the duration's own pain word belongs to, at its start ("knee
    # pain x 5 days"), right before it ("knee pain for 5 days after a fall") or at its end ("5
    # days of chest pain"); "neck pain, and back pain for 3 weeks" is the back's.
    begin = max(0, match.start() - _OTHER_BEFORE)
    return any(
        match.start() - _JOIN <= begin + other.end() <= match.start() + _OWN_WORD
        or begin + other.end() == match.end()
        for other in re.finditer(duration.other, original[begin : match.end()])
    )


def _failed_care(
    doc: Any,
    original: str,
    duration: Any,
    at_least: float,
    limits: _Limits,
    course: re.Match[str] | None,
    long_told: bool,
    short: Sequence[int] = (),
) -> list[Mention]:
    """Care that failed, told in one clause or in a short clause of outcome right after it,
    over at least `at_least` (settings.yaml `durations[].failed_care`): a span that long in
    the clause, or a course that long told in the note. Not in a question or a condition ("if
    no better after 6 weeks of PT")."""
    care = duration.failed_care
    out: list[Mention] = []
    # Each clause of a sentence on its own: "naproxen for 3 months for knee OA; back pain 2 days
    # despite paracetamol" tells no six weeks of failed care for the back.
    clauses = [
        (sent.start_char + m.start(), sent.start_char + m.end())
        for sent in doc.sents
        for m in re.finditer(r"[^;]+", original[sent.start_char : sent.end_char])
    ]
    failed_words = re.compile(care.failed)
    # Care tried without its outcome counts only in a note with no short course of the pain,
    # and a long one told there or in the care's own clause ("has had 8 weeks of PT"):
    # settings.yaml `failed_care.tried`.
    tried_words = re.compile(care.tried) if care.tried is not None and not short else None
    long_course = course is not None or long_told
    for index, (start, end) in enumerate(clauses):
        text = original[start:end]
        failed = failed_words.search(original, start, end)
        told_failed = failed is not None  # a failure told, not only care told as tried
        if failed is None and tried_words is not None:
            failed = tried_words.search(original, start, end)
        if failed is None or text.rstrip().endswith("?"):
            continue
        if re.search(care.care, text):
            care_text, failed_with_care = text, told_failed
        else:
            # A short outcome told right after the care's own clause: "Physio x 6 sessions.
            # Minimal benefit.", "PT and naproxen; no improvement".
            if (
                index == 0
                or care.outcome is None
                or not told_failed
                or not re.fullmatch(care.outcome, text)
            ):
                continue
            start = clauses[index - 1][0]
            text = original[start:end]
            care_text, failed_with_care = original[start : clauses[index - 1][1]], False
            if not re.search(care.care, care_text):
                continue
        if (
            not failed_with_care
            and care.other_condition is not None
            and re.search(care.other_condition, care_text)
        ):
            continue  # care for another condition, its failure not told with it
        if _CONDITIONAL.search(original, start, failed.start()):
            continue
        if care.not_when is not None and re.search(care.not_when, text):
            continue
        if any(start <= at < end for at in short):
            continue  # the sentence's own duration is short ("2 days despite paracetamol")
        spans = [
            m
            for m in re.finditer(care.span, text)
            if limits.days(m["value"], m["unit"]) >= at_least
        ]
        if not spans and not long_course:
            continue
        why = (
            f"over {spans[0].group(0)!r}"
            if spans
            else f"a long course is told ({course.group(0)!r})"
            if course
            else "a long course"
        )
        out.append(
            _number_mention(
                original,
                failed,
                text.strip(),
                finding=duration.finding,
                rule=f"{duration.name}: care failed",
                negated=False,
                hypothetical=False,
                counts_as=True,
                note=why,
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


def assertion(
    text: str, target: str, *, rulebook: Rulebook | None = None, default: bool = False
) -> Assertion:
    """ConText for any phrase: is `target` in `text`, and negated, historical, hypothetical,
    about someone else, uncertain? (The first mention decides.) `default=True` reads it with
    medspaCy's own default pipeline and ConText rules instead, for comparison."""
    from medspacy.ner import TargetRule

    rb = rulebook or default_rulebook()
    nlp = medspacy_default() if default else pipeline_for(rb)
    prepared = text if default else prepare_text(text, rb.nlp.settings.denied_lists)
    doc = nlp.make_doc(prepared)
    with fixed_medspacy(not default):
        for name, proc in nlp.pipeline:
            if name not in ("medspacy_target_matcher", "medspacy_context"):
                doc = proc(doc)
        doc.ents = ()
        with warnings.catch_warnings():
            # A one-phrase matcher leaves medspaCy's token matcher empty: spaCy's W036.
            warnings.filterwarnings("ignore", message=r"\[W036\]")
            doc = _assertion_matcher(nlp, target, TargetRule)(doc)
        doc = nlp.get_pipe("medspacy_context")(doc)
    if not doc.ents:
        return Assertion(False, False, False, False, "patient", False)
    ent = doc.ents[0]
    set_cues(ent, doc, 0)
    roles = {} if default else dict(rb.nlp.settings.sections)
    headers = () if default else doc._.spinewise_headers
    ctx = _context(ent, doc.text, roles, _header_at(headers, ent.start_char))
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
