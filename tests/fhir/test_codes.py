"""The code matcher: value sets of a code, with its lookups remembered up to a bound."""

from __future__ import annotations

import pytest

from spinewise.fhir import codes
from spinewise.fhir.codes import CodeMatcher
from spinewise.rulebook import default_rulebook


def test_remembered_lookups_are_bounded_and_answer_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(codes, "SEEN_CODES", 3)
    matcher = CodeMatcher(default_rulebook())
    asked = [("icd10cm", "M54.50"), ("icd10cm", "m5450"), ("icd10cm", "C79.51"),
             ("icd10cm", "Z99"), ("snomed", "279039007"), ("icd10cm", "M54.50")]  # fmt: skip
    first = [matcher.value_sets_of(s, c) for s, c in asked]
    assert "low_back_pain" in first[0] and first[0] == first[1] == first[5]
    assert {"malignant_neoplasms", "spinal_malignancy"} <= first[2]
    assert first[3] == frozenset() and first[4] == {"low_back_pain"}
    assert len(matcher._value_sets.seen) <= 3
    # Asked again, after the remembered ones were cleared: the same answers.
    assert [matcher.value_sets_of(s, c) for s, c in asked] == first
