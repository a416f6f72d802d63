"""Misspelt words of the rules (nlp/spelling.py): corrected only when no English word is meant."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinewise.nlp.pipeline import TARGETS, pipeline_for
from spinewise.nlp.spelling import Spelling, _one_edit
from spinewise.rulebook import default_rulebook


@pytest.fixture(scope="module")
def spelling() -> Spelling:
    found = TARGETS[id(pipeline_for(default_rulebook()))].spelling
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("sadle", "saddle", True),  # left out
        ("feaver", "fever", True),  # added
        ("retension", "retention", True),  # changed
        ("wieght", "weight", True),  # swapped
        ("weight", "weight", False),  # the same
        ("tempreture", "temperature", False),  # two edits
        ("abcd", "abdc", True),
        ("abcd", "bacd", True),
        ("abcd", "bcda", False),
    ],
)
def test_one_edit(a: str, b: str, expected: bool) -> None:
    assert _one_edit(a, b) is expected
    assert _one_edit(b, a) is expected


def test_misspellings_are_read_as_the_rules_words(spelling: Spelling) -> None:
    assert spelling.correction("incontinance") == "incontinence"
    assert spelling.correction("predisolone") == "prednisolone"
    # one edit from two words of different stems ("abscess", "assess"): not known
    assert spelling.correction("absess") is None


@pytest.fixture(scope="module")
def english(spelling: Spelling) -> list[str]:
    return sorted(w for w in spelling.english if w.isalpha())


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_an_english_word_is_never_corrected(
    spelling: Spelling, english: list[str], data: st.DataObject
) -> None:
    word = data.draw(st.sampled_from(english))
    assert spelling.correction(word) is None
