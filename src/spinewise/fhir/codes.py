"""Matching FHIR codings against the rulebook's value sets (no terminology server).

Code systems are those of `knowledge/code_systems.yaml`; a trailing `*` in a value set matches a
code family (a prefix). ICD codes are compared without their dot and in upper case.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from spinewise.rulebook import Rulebook, default_rulebook

__all__ = ["CodeMatcher", "codings", "matcher_for", "normal_code"]

#: Systems whose codes are written with or without a dot (M54.5 / M545).
DOTLESS = frozenset({"icd10cm", "icd10pcs"})
# How many (system, code) lookups are remembered (a few MB at most).
SEEN_CODES = 50_000


def normal_code(system: str, code: str) -> str:
    """A code as the value sets compare it: trimmed, upper case, ICD without its dot."""
    code = code.strip().upper()
    return code.replace(".", "") if system in DOTLESS else code


@dataclass
class _Table:
    exact: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    # (system, prefix) -> targets, and the prefix lengths in use: a code is looked up by its
    # own prefixes of those lengths instead of scanning every pattern.
    prefix: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    lengths: set[int] = field(default_factory=set)

    def add(self, system: str, value: str, target: str) -> None:
        if value.endswith("*"):
            stem = normal_code(system, value[:-1])
            self.prefix.setdefault((system, stem), set()).add(target)
            self.lengths.add(len(stem))
        else:
            self.exact.setdefault((system, normal_code(system, value)), set()).add(target)

    # Codes recur across a record and across calls; the cache is bounded (cleared when full).
    seen: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def match(self, system: str, code: str) -> frozenset[str]:
        hits = self.seen.get((system, code))
        if hits is not None:
            return hits
        normal = normal_code(system, code)
        found = set(self.exact.get((system, normal), ()))
        for length in self.lengths:
            if length <= len(normal):
                found.update(self.prefix.get((system, normal[:length]), ()))
        if len(self.seen) >= SEEN_CODES:
            self.seen.clear()
        hits = self.seen[(system, code)] = frozenset(found)
        return hits


class CodeMatcher:
    """Which value sets a code is in, and the codings of a concept in known systems."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self.systems: Mapping[str, str] = {
            uri: system.name for system in rulebook.code_systems.systems for uri in system.uris
        }
        self._value_sets = _Table()
        for vs in rulebook.value_sets.values():
            for system, codes in vs.codes.by_system():
                for code in codes:
                    self._value_sets.add(system, code, vs.id)

    def codings(self, concept: Any) -> Iterator[tuple[str, str, str]]:
        """(system short name, code, display) for each coding of a CodeableConcept in a known
        system. A concept or coding of the wrong shape is a TypeError (the caller names the
        field), never silently nothing."""
        if concept is None:
            return
        if not isinstance(concept, Mapping):
            raise TypeError("a CodeableConcept must be an object")
        codings_ = concept.get("coding") or []
        if not isinstance(codings_, list):
            raise TypeError("CodeableConcept.coding must be a list")
        for coding in codings_:
            if not isinstance(coding, Mapping):
                raise TypeError("a Coding must be an object")
            system = self.systems.get(str(coding.get("system") or ""))
            code = coding.get("code")
            if system and isinstance(code, str) and code.strip():
                display = coding.get("display") or concept.get("text") or ""
                yield system, code, str(display)

    def value_sets_of(self, system: str, code: str) -> frozenset[str]:
        return self._value_sets.match(system, code)

    def in_value_set(self, value_set: str, concept: Any) -> str | None:
        """The first coding of the concept in the value set (or a product named in it), as
        text; None when it is not in it."""
        for system, code, _ in self.codings(concept):
            if value_set in self._value_sets.match(system, code):
                return f"{system} {code}"
        return self.named(value_set, concept)

    def named(self, value_set: str, concept: Any) -> str | None:
        """A product named in the value set (its names, not its excluded words) in the
        concept's text or displays, as text; None otherwise."""
        vs = self.rulebook.value_sets[value_set]
        if vs.names and isinstance(concept, Mapping):
            words = " ".join(
                [str(concept.get("text") or "")]
                + [
                    str(c.get("display") or "")
                    for c in concept.get("coding") or []
                    if isinstance(c, Mapping)
                ]
            ).lower()
            if any(n in words for n in vs.names) and not any(x in words for x in vs.exclude_words):
                return f"name '{words.strip()[:60]}'"
        return None


@functools.cache
def matcher_for(rulebook: Rulebook) -> CodeMatcher:
    """The matcher of a rulebook, built once (rulebooks compare by identity)."""
    return CodeMatcher(rulebook)


def codings(concept: Any) -> Iterator[tuple[str, str, str]]:
    """The codings of a concept in the packaged rulebook's code systems."""
    return matcher_for(default_rulebook()).codings(concept)
