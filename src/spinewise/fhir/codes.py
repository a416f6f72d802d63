"""Matching FHIR codings against the rulebook's code lists (no terminology server)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from spinewise.model import Codes
from spinewise.rulebook import Rulebook

__all__ = ["SYSTEMS", "CodeMatcher", "codings", "matcher_for", "normal_code", "system_name"]

#: FHIR code system URIs → the short names used in the knowledge files.
SYSTEMS: Mapping[str, str] = {
    "http://hl7.org/fhir/sid/icd-10-cm": "icd10cm",
    "http://hl7.org/fhir/sid/icd-10": "icd10cm",
    "urn:oid:2.16.840.1.113883.6.90": "icd10cm",
    "http://snomed.info/sct": "snomed",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "rxnorm",
    "http://loinc.org": "loinc",
    "http://www.ama-assn.org/go/cpt": "cpt",
    "urn:oid:2.16.840.1.113883.6.12": "cpt",
}


def system_name(uri: str | None) -> str | None:
    return SYSTEMS.get(uri or "")


def normal_code(system: str, code: str) -> str:
    # ICD-10-CM is written with or without its dot (M54.5 / M545) and in either case.
    code = code.strip().upper()
    return code.replace(".", "") if system == "icd10cm" else code


def codings(concept: Mapping[str, Any] | None) -> Iterator[tuple[str, str, str]]:
    """(system short name, code, display) for each coding of a CodeableConcept we know."""
    for coding in (concept or {}).get("coding", []) or []:
        system = system_name(coding.get("system"))
        code = coding.get("code")
        if system and isinstance(code, str) and code:
            yield system, code, coding.get("display") or (concept or {}).get("text") or ""


@dataclass
class _Table:
    exact: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    # (system, prefix) -> targets, and the prefix lengths in use: a code is looked up by its
    # own prefixes of those lengths instead of scanning every pattern.
    prefix: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    lengths: set[int] = field(default_factory=set)

    def add(self, codes: Codes, target: str, rulebook: Rulebook) -> None:
        for system, values in _expand(codes, rulebook):
            for value in values:
                if value.endswith("*"):
                    stem = normal_code(system, value[:-1])
                    self.prefix.setdefault((system, stem), set()).add(target)
                    self.lengths.add(len(stem))
                else:
                    self.exact.setdefault((system, normal_code(system, value)), set()).add(target)

    def match(self, system: str, code: str) -> set[str]:
        code = normal_code(system, code)
        hits = set(self.exact.get((system, code), ()))
        for length in self.lengths:
            if length <= len(code):
                hits.update(self.prefix.get((system, code[:length]), ()))
        return hits


def _expand(codes: Codes, rulebook: Rulebook) -> Iterable[tuple[str, tuple[str, ...]]]:
    for system in ("icd10cm", "snomed", "rxnorm", "loinc", "cpt"):
        yield system, getattr(codes, system)
    for vs in codes.value_sets:
        yield from _expand(rulebook.value_sets[vs].codes, rulebook)


class CodeMatcher:
    """Which findings a code records, which it only suggests, and which code lists hold it."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self._findings = _Table()
        self._suggests = _Table()
        self._value_sets = _Table()
        for finding in rulebook.findings.values():
            # Value-set codes of a finding (temperature, steroids, procedures) need their own
            # reading (a value, a duration, a date), so only its direct codes map here.
            direct = finding.codes.model_copy(update={"value_sets": ()})
            self._findings.add(direct, finding.id, rulebook)
            self._suggests.add(finding.suggested_by, finding.id, rulebook)
        for vs in rulebook.value_sets.values():
            self._value_sets.add(vs.codes, vs.id, rulebook)

    def findings(self, system: str, code: str) -> set[str]:
        return self._findings.match(system, code)

    def suggested(self, system: str, code: str) -> set[str]:
        return self._suggests.match(system, code)

    def value_sets_of(self, system: str, code: str) -> set[str]:
        return self._value_sets.match(system, code)

    def in_value_set(self, value_set: str, concept: Mapping[str, Any] | None) -> str | None:
        """The first coding of the concept in the code list (or named in it), as text."""
        for system, code, _ in codings(concept):
            if value_set in self._value_sets.match(system, code):
                return f"{system} {code}"
        vs = self.rulebook.value_sets[value_set]
        if vs.names:
            words = " ".join(
                [(concept or {}).get("text") or ""]
                + [c.get("display") or "" for c in (concept or {}).get("coding", []) or []]
            ).lower()
            if any(n in words for n in vs.names) and not any(x in words for x in vs.exclude_words):
                return f"name '{words.strip()[:60]}'"
        return None


@functools.cache
def matcher_for(rulebook: Rulebook) -> CodeMatcher:
    """The matcher of a rulebook, built once (rulebooks compare by identity)."""
    return CodeMatcher(rulebook)
