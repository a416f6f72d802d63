"""How well the note extractor reads labelled notes and sentences.

Finding level: precision, recall and F1 for `true` and for `false`, overall and per finding,
and the errors that matter most, a finding read as absent when the note documents it present
or leaves it unknown. Sentence level: ConText's answer for a target phrase, compared flag by
flag, per class of case (negated, uncertain, historical, family, hypothetical, affirmed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "AssertionScore",
    "Counts",
    "Score",
    "load_labelled",
    "score",
    "score_assertions",
    "score_notes",
]

#: The sentence-level flags compared, as (name, the value that is the "positive" class).
FLAGS = (
    ("negated", True),
    ("uncertain", True),
    ("historical", True),
    ("hypothetical", True),
    ("experiencer", "other"),
)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, got: bool, want: bool) -> None:
        if got and want:
            self.tp += 1
        elif got:
            self.fp += 1
        elif want:
            self.fn += 1


@dataclass
class Score:
    overall: dict[bool, Counts] = field(default_factory=lambda: {True: Counts(), False: Counts()})
    per_finding: dict[str, dict[bool, Counts]] = field(default_factory=dict)
    errors: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    age_correct: int = 0
    age_total: int = 0

    @property
    def present_read_absent(self) -> list[tuple[str, str]]:
        """(case, finding) the labels say present and the extractor read as absent."""
        return [(c, f) for c, f, want, got in self.errors if want is True and got is False]

    @property
    def unknown_read_absent(self) -> list[tuple[str, str]]:
        """(case, finding) the labels leave unknown and the extractor read as absent."""
        return [(c, f) for c, f, want, got in self.errors if want is None and got is False]

    def kinds(self) -> dict[str, int]:
        """How many errors of each kind ("present read as unknown", ...)."""
        name = {True: "present", False: "absent", None: "unknown"}
        out: dict[str, int] = {}
        for _, _, want, got in self.errors:
            key = f"{name[want]} read as {name[got]}"
            out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))


def score(
    cases: Iterable[tuple[str, Mapping[str, Any], Any, Mapping[str, bool | None], float | None]],
    findings: Iterable[str],
) -> Score:
    """`cases`: (id, gold findings, gold age, predicted findings, predicted age). A finding
    missing from the gold labels is gold `null`."""
    ids = list(findings)
    result = Score()
    for case_id, gold, gold_age, predicted, age in cases:
        result.age_total += 1
        result.age_correct += (gold_age is None and age is None) or (
            gold_age is not None and age == gold_age
        )
        for fid in ids:
            want, got = gold.get(fid), predicted.get(fid)
            if want != got:
                result.errors.append((case_id, fid, want, got))
            per = result.per_finding.setdefault(fid, {True: Counts(), False: Counts()})
            for label in (True, False):
                per[label].add(got is label, want is label)
                result.overall[label].add(got is label, want is label)
    return result


def score_notes(notes: Iterable[Mapping[str, Any]], rulebook: Any = None) -> Score:
    """Extract every labelled note (`{"id", "text", "age", "gold"}`) and score it."""
    from spinewise.nlp.extract import extract_many
    from spinewise.rulebook import default_rulebook

    rb = rulebook or default_rulebook()
    notes = list(notes)
    cases = []
    results = extract_many((n["text"] for n in notes), rulebook=rb)
    for note, found in zip(notes, results, strict=True):
        gold = {k: v for k, v in note["gold"].items() if v is not None}
        cases.append((note["id"], gold, note["age"], found.findings, found.age))
    return score(cases, rb.findings)


def load_labelled(folder: Path, prefix: str, split: str | None = None) -> list[dict[str, Any]]:
    """The labelled items of `folder/prefix_*.yaml`, of one split (`dev`, `test`) or all."""
    items: list[dict[str, Any]] = []
    for path in sorted(folder.glob(f"{prefix}_*.yaml")):
        items += yaml.safe_load(path.read_text(encoding="utf-8"))
    return [i for i in items if split is None or i.get("split") == split]


@dataclass
class AssertionScore:
    total: int = 0
    right: int = 0
    found: int = 0
    per_flag: dict[str, Counts] = field(default_factory=dict)
    per_class: dict[str, list[int]] = field(default_factory=dict)  # class -> [right, total]
    errors: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)


def score_assertions(
    cases: Iterable[Mapping[str, Any]], rulebook: Any = None, *, default: bool = False
) -> AssertionScore:
    """ConText on each `{"id", "class", "text", "target", "expect"}` case: a case is right
    when every flag it states matches. `default=True` uses medspaCy's own ConText rules."""
    from spinewise.nlp.extract import assertion

    result = AssertionScore(per_flag={name: Counts() for name, _ in FLAGS})
    for case in cases:
        got = assertion(case["text"], case["target"], rulebook=rulebook, default=default).as_dict()
        expect = dict(case["expect"])
        result.total += 1
        result.found += bool(got["found"])
        for name, positive in FLAGS:
            result.per_flag[name].add(got[name] == positive, expect.get(name) == positive)
        ok = all(got[k] == v for k, v in expect.items())
        result.right += ok
        tally = result.per_class.setdefault(str(case["class"]), [0, 0])
        tally[0] += ok
        tally[1] += 1
        if not ok:
            result.errors.append((str(case["id"]), str(case["class"]), expect, got))
    return result
