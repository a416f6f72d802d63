"""Misspelt words of the target rules, read as the words they miss (settings.yaml `spelling`).

A note's word is read as a word of the target rules when it is one edit from it (a letter left
out, added or changed, or two letters swapped: "sadle", "incontinance", "wieght") and from no
word of another stem, and neither the rules nor an English dictionary
(pyspellchecker's word list) know it: "fewer" is a word, so it is never read as "fever". The
note's own text and offsets do not change: the matchers read a twin of the note's Doc with
the corrected words.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from spacy.attrs import LOWER  # type: ignore[import-not-found]
from spacy.tokens import Doc

__all__ = ["Spelling"]


def _deletes(word: str) -> Iterator[str]:
    """The word with one letter left out, each way."""
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


def _one_edit(a: str, b: str) -> bool:
    """Are two different words one edit apart (a letter left out, added or changed, or two
    neighbours swapped)?"""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (
        i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    )


class Spelling:
    """The corrections of one rulebook's vocabulary."""

    def __init__(self, targets: Iterable[str], vocabulary: Iterable[str], min_length: int) -> None:
        from spellchecker import SpellChecker

        #: The English words (pyspellchecker's list), as a plain set: a lookup per word.
        self.english = frozenset(SpellChecker(language="en", distance=1).word_frequency.dictionary)
        self.vocabulary = frozenset(vocabulary)
        self.min_length = min_length
        # A word with one letter left out -> the target words it comes from (the words
        # themselves too): two words one edit apart share a key (symmetric deletion).
        self.index: dict[str, set[str]] = {}
        for word in {w for w in targets if len(w) >= min_length and w.isalpha()}:
            for key in (word, *_deletes(word)):
                self.index.setdefault(key, set()).add(word)
        self.correction = functools.lru_cache(maxsize=65536)(self._correction)

    def _correction(self, word: str) -> str | None:
        """The target word a misspelt word means, or None."""
        if (
            len(word) < self.min_length - 1
            or not word.isalpha()
            or word in self.vocabulary
            or word in self.english
        ):
            return None
        found = {
            target
            for key in (word, *_deletes(word))
            for target in self.index.get(key, ())
            if _one_edit(word, target)
        }
        if len({target[:4] for target in found}) != 1:
            return None  # none, or words of different stems: which is meant is not known
        # Spellings of one word ("abscess", "abcess"): the one nearest in length.
        return min(found, key=lambda target: (abs(len(target) - len(word)), target))

    def twin(self, doc: Doc) -> Doc | None:
        """A Doc of the same tokens with the misspelt words corrected (None: none is)."""
        strings = doc.vocab.strings
        fixes = {}
        for key in doc.count_by(LOWER):
            word = strings[key]
            if len(word) >= self.min_length - 1 and (fix := self.correction(word)) is not None:
                fixes[word] = fix
        if not fixes:
            return None
        # A capitalised word inside a sentence is a name ("Dr R. Imran" is not "Imuran"), and
        # so is the same word opening a sentence when it is a full name elsewhere ("Present:
        # Imran Shah ... Imran said"; not "Azathioprin 100 mg. Started on Azathioprin").
        names = {
            t.lower_
            for t in doc
            if not t.is_sent_start
            and t.text[:1].isupper()
            and t.i + 1 < len(doc)
            and doc[t.i + 1].text[:1].isupper()
            and doc[t.i + 1].is_alpha
        }
        words = [
            fixes.get(t.lower_, t.text)
            if (t.is_sent_start and t.lower_ not in names) or not t.text[:1].isupper()
            else t.text
            for t in doc
        ]
        if all(w == t.text for w, t in zip(words, doc, strict=True)):
            return None
        return Doc(
            doc.vocab,
            words=words,
            spaces=[bool(t.whitespace_) for t in doc],
            sent_starts=[bool(t.is_sent_start) for t in doc],
        )
