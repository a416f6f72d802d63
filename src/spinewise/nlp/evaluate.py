"""Precision, recall and F1 of the note extractor against gold labels, for `true` and `false`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Score", "score", "score_notes"]


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


@dataclass
class Score:
    overall: dict[bool, Counts] = field(default_factory=lambda: {True: Counts(), False: Counts()})
    per_finding: dict[str, dict[bool, Counts]] = field(default_factory=dict)
    errors: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    age_correct: int = 0
    age_total: int = 0


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
            for label in (True, False):
                counts = result.per_finding.setdefault(fid, {True: Counts(), False: Counts()})[
                    label
                ]
                total = result.overall[label]
                for c in (counts, total):
                    if got is label and want is label:
                        c.tp += 1
                    elif got is label:
                        c.fp += 1
                    elif want is label:
                        c.fn += 1
    return result


def score_notes(notes: Iterable[Mapping[str, Any]], rulebook: Any = None) -> Score:
    """Extract every labelled note (`{"id", "text", "age", "gold"}`) and score it."""
    from spinewise.nlp.extract import extract
    from spinewise.rulebook import default_rulebook

    rb = rulebook or default_rulebook()
    cases = []
    for note in notes:
        found = extract(note["text"], rulebook=rb)
        gold = {k: v for k, v in note["gold"].items() if v is not None}
        cases.append((note["id"], gold, note["age"], found.findings, found.age))
    return score(cases, rb.findings)
