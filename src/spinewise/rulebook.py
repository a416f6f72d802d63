"""Load the knowledge files into the typed model and validate them.

Every problem is a `RulebookError` that names the file and the entry: unknown keys, duplicate
ids, dangling references, a rule without a source, and a policy that leaves a finding unreachable.
The rulebook's version is a content hash of every knowledge file, echoed by every assessment.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from spinewise.model import (
    AgeFlag,
    Condition,
    EvidenceItem,
    Finding,
    Frozen,
    Handouts,
    NlpRules,
    NlpSettings,
    Policy,
    Source,
    Study,
    ValueSet,
    when_ids,
)

__all__ = ["Rulebook", "RulebookError", "UnknownPolicyError", "default_rulebook", "load_rulebook"]


class RulebookError(ValueError):
    """The knowledge files are invalid; the message names the file and the entry."""


class UnknownPolicyError(KeyError):
    """A policy id that the rulebook does not define."""

    def __init__(self, policy_id: str, known: Iterable[str]) -> None:
        known = sorted(known)
        close = difflib.get_close_matches(policy_id, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.message = f"unknown policy {policy_id!r}{hint}; known: {', '.join(known)}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


# --- file formats ---------------------------------------------------------------------------


class SourcesFile(Frozen):
    version: int
    sources: tuple[Source, ...]


class FindingsFile(Frozen):
    version: int
    findings: tuple[Finding, ...]
    age_flags: tuple[AgeFlag, ...]


class ConditionsFile(Frozen):
    version: int
    conditions: tuple[Condition, ...]


class StudiesFile(Frozen):
    version: int
    studies: tuple[Study, ...]


class EvidenceFile(Frozen):
    version: int
    evidence: tuple[EvidenceItem, ...]


M = TypeVar("M", bound=BaseModel)

TOP_LEVEL_FILES = frozenset(
    {
        "sources.yaml",
        "findings.yaml",
        "conditions.yaml",
        "studies.yaml",
        "evidence.yaml",
        "handout.yaml",
    }
)


@dataclass(frozen=True, eq=False)
class Rulebook:
    """The validated knowledge: catalogue, conditions, studies, evidence and policies.

    Compared and hashed by identity: one loaded rulebook is one version of the knowledge.
    """

    version: str
    sources: Mapping[str, Source]
    findings: Mapping[str, Finding]
    age_flags: Mapping[str, AgeFlag]
    conditions: Mapping[str, Condition]
    studies: Mapping[str, Study]
    evidence: tuple[EvidenceItem, ...]
    value_sets: Mapping[str, ValueSet]
    policies: Mapping[str, Policy]
    handouts: Handouts
    nlp: NlpRules
    finding_ids: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "finding_ids", frozenset(self.findings))

    def policy(self, policy_id: str) -> Policy:
        """The policy with this id, or `UnknownPolicyError` naming the known ones."""
        try:
            return self.policies[policy_id]
        except KeyError:
            raise UnknownPolicyError(policy_id, self.policies) from None

    def short_label(self, ref: str) -> str:
        """A few words for a finding or age flag: `history of cancer`, `Age over 50`."""
        if ref in self.age_flags:
            return self.age_flags[ref].label
        return ref.replace("_", " ")

    def label(self, ref: str) -> str:
        """A human label for a finding, age flag, condition or `age`."""
        if ref in self.findings:
            return self.findings[ref].question.rstrip("?")
        if ref in self.age_flags:
            return self.age_flags[ref].label
        if ref in self.conditions:
            return self.conditions[ref].name
        return "Age" if ref == "age" else ref


# --- loading --------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects duplicate keys, which PyYAML would silently overwrite."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _knowledge_files(root: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            yield from _knowledge_files(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith((".yaml", ".yml", ".json")):
            yield f"{prefix}{entry.name}", entry


def _read_yaml(name: str, entry: Traversable) -> Any:
    if name.endswith(".json"):
        try:
            return json.loads(entry.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise RulebookError(f"{name}: not valid JSON: {exc}") from None
    try:
        return yaml.load(entry.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise RulebookError(f"{name}: not valid YAML: {exc}") from None


def _entry_label(data: Any, loc: tuple[int | str, ...]) -> str:
    """`rules[2] (seed.malignancy).suspects`: a pydantic location, with entry ids added."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            try:
                node = node[part]
            except (IndexError, KeyError, TypeError):
                node = None
            if isinstance(node, Mapping) and "id" in node:
                out += f" ({node['id']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return out


def _parse(model: type[M], name: str, data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            # Unions report one error per member; the member's name is noise for the author.
            loc = tuple(
                p for p in error["loc"] if p not in ("str", "AnyOf", "AllOf", "function-after")
            )
            where = _entry_label(data, loc) or "(top level)"
            if error["type"] == "extra_forbidden":
                message = "unknown key"
            elif error["type"] == "too_short" and loc and loc[-1] == "sources":
                message = "no source: every entry cites at least one source id"
            else:
                message = error["msg"]
            problems.append(f"{where}: {message}")
        raise RulebookError(f"{name}: " + "; ".join(dict.fromkeys(problems))) from None


def _index(items: Iterable[Any], name: str, what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise RulebookError(f"{name}: duplicate {what} id {item.id!r}")
        out[item.id] = item
    return out


def load_rulebook(root: Traversable | str | None = None) -> Rulebook:
    """Load and validate a knowledge directory (default: the packaged one)."""
    if root is None:
        root = files("spinewise").joinpath("knowledge")
    elif isinstance(root, str):
        root = Path(root)
    if not root.is_dir():
        raise RulebookError(f"{root}: not a knowledge directory")
    digest = hashlib.sha256()
    raw: dict[str, Any] = {}
    for name, entry in _knowledge_files(root):
        content = entry.read_bytes()
        digest.update(name.encode() + b"\0" + content + b"\0")
        raw[name] = _read_yaml(name, entry)

    def need(name: str) -> Any:
        if name not in raw:
            raise RulebookError(f"{name}: missing from the knowledge directory")
        return raw[name]

    sources = _index(
        _parse(SourcesFile, "sources.yaml", need("sources.yaml")).sources,
        "sources.yaml",
        "source",
    )
    catalogue = _parse(FindingsFile, "findings.yaml", need("findings.yaml"))
    findings = _index(catalogue.findings, "findings.yaml", "finding")
    age_flags = _index(catalogue.age_flags, "findings.yaml", "age flag")
    conditions = _index(
        _parse(ConditionsFile, "conditions.yaml", need("conditions.yaml")).conditions,
        "conditions.yaml",
        "condition",
    )
    studies = _index(
        _parse(StudiesFile, "studies.yaml", need("studies.yaml")).studies,
        "studies.yaml",
        "study",
    )
    evidence = _parse(EvidenceFile, "evidence.yaml", need("evidence.yaml")).evidence
    handouts = _parse(Handouts, "handout.yaml", need("handout.yaml"))
    nlp = NlpRules(
        settings=_parse(NlpSettings, "nlp/settings.yaml", need("nlp/settings.yaml")),
        target_rules=tuple(need("nlp/target_rules.json").get("target_rules", [])),
        context_rules=tuple(need("nlp/context_rules.json").get("context_rules", [])),
        section_rules=tuple(need("nlp/section_rules.json").get("section_rules", [])),
    )
    value_sets: dict[str, ValueSet] = {}
    policies: dict[str, Policy] = {}
    for name, data in raw.items():
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if name.startswith("codes/"):
            value_set = _parse(ValueSet, name, data)
            if value_set.id != stem:
                raise RulebookError(f"{name}: id {value_set.id!r} must match the file name")
            value_sets[stem] = value_set
        elif name.startswith("policies/"):
            policy = _parse(Policy, name, data)
            if policy.id != stem:
                raise RulebookError(f"{name}: id {policy.id!r} must match the file name")
            policies[stem] = policy
        elif name.startswith("nlp/"):
            continue  # read above; medspaCy validates the rule shapes when it loads them
        elif name not in TOP_LEVEL_FILES:
            raise RulebookError(f"{name}: unexpected file in the knowledge directory")
    if "seed" not in policies:
        raise RulebookError("policies/seed.yaml: the default policy 'seed' is missing")
    # The default policy first, then the others by name.
    policies = {"seed": policies.pop("seed"), **policies}

    rulebook = Rulebook(
        version="sha256:" + digest.hexdigest()[:16],
        sources=sources,
        findings=findings,
        age_flags=age_flags,
        conditions=conditions,
        studies=studies,
        evidence=evidence,
        value_sets=value_sets,
        policies=policies,
        handouts=handouts,
        nlp=nlp,
    )
    _check_references(rulebook)
    return rulebook


@functools.cache
def default_rulebook() -> Rulebook:
    """The packaged rulebook, loaded and validated once per process."""
    return load_rulebook()


# --- cross-reference checks -----------------------------------------------------------------


class _Checker:
    """Collects dangling references as errors that name file and entry."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rb = rulebook
        self.errors: list[str] = []

    def refs(self, where: str, what: str, ids: Iterable[str], known: Iterable[str]) -> None:
        known = set(known)
        for ref in ids:
            if ref not in known:
                close = difflib.get_close_matches(ref, sorted(known), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.errors.append(f"{where}: unknown {what} {ref!r}{hint}")

    def sources(self, where: str, ids: Iterable[str]) -> None:
        self.refs(where, "source", ids, self.rb.sources)


def _check_references(rb: Rulebook) -> None:
    check = _Checker(rb)
    flags = set(rb.findings) | set(rb.age_flags)
    clash = set(rb.findings) & set(rb.age_flags)
    for ref in sorted(clash):
        check.errors.append(f"findings.yaml: age flag {ref!r} has the id of a finding")
    for f in rb.findings.values():
        where = f"findings.yaml: findings ({f.id})"
        check.refs(where, "condition", f.screens, rb.conditions)
        check.sources(where, f.sources)
        check.refs(where, "value set", f.codes.value_sets, rb.value_sets)
    for a in rb.age_flags.values():
        where = f"findings.yaml: age_flags ({a.id})"
        check.refs(where, "condition", a.screens, rb.conditions)
        check.sources(where, a.sources)
    for c in rb.conditions.values():
        check.sources(f"conditions.yaml: conditions ({c.id})", c.sources)
    for s in rb.studies.values():
        where = f"studies.yaml: studies ({s.id})"
        check.sources(where, s.sources)
        check.refs(where, "study", s.covers, rb.studies)
    for i, e in enumerate(rb.evidence):
        where = f"evidence.yaml: evidence[{i}] ({e.about})"
        check.refs(
            where,
            "finding, age flag or condition",
            [e.about],
            {"context"} | flags | set(rb.conditions),
        )
        check.sources(where, e.sources)
    for v in rb.value_sets.values():
        check.sources(f"codes/{v.id}.yaml", v.sources)
    for kind in ("conservative", "image"):
        check.sources(f"handout.yaml: {kind}", getattr(rb.handouts, kind).sources)
    check.refs(
        "handout.yaml: image.conditions", "condition", rb.handouts.image.conditions, rb.conditions
    )
    missing = set(rb.conditions) - set(rb.handouts.image.conditions)
    for cid in sorted(missing):
        check.errors.append(f"handout.yaml: image.conditions: no plain explanation of {cid!r}")
    _check_nlp(check)
    for p in rb.policies.values():
        _check_policy(check, p)
    if check.errors:
        raise RulebookError("; ".join(check.errors))


def _check_nlp(check: _Checker) -> None:
    """Every NLP target is traceable to a finding (directly or through a helper category)."""
    rb = check.rb
    nlp = rb.nlp
    helpers = nlp.settings.helpers
    for helper, targets in helpers.items():
        check.refs(f"nlp/settings.yaml: helpers.{helper}", "finding", targets, rb.findings)
    for key in ("history_counts", "uncertain_counts"):
        check.refs(f"nlp/settings.yaml: {key}", "finding", getattr(nlp.settings, key), rb.findings)
    check.refs("nlp/settings.yaml: places", "finding", list(nlp.settings.places), rb.findings)
    categories = {str(r.get("category")) for r in nlp.context_rules}
    procedures = nlp.settings.procedures
    for key, names in (
        ("procedures.considered", procedures.considered),
        ("negation_only", nlp.settings.negation_only),
    ):
        check.refs(f"nlp/settings.yaml: {key}", "helper category", names, helpers)
    check.refs(
        "nlp/settings.yaml: procedures",
        "finding",
        [procedures.recent, *procedures.documented, *procedures.planned],
        rb.findings,
    )
    needs = nlp.settings.helper_needs
    check.refs("nlp/settings.yaml: helper_needs", "helper category", list(needs), helpers)
    for helper, cues in needs.items():
        for cue in cues:
            if cue not in categories:
                check.errors.append(
                    f"nlp/settings.yaml: helper_needs.{helper}: no ConText rule of category {cue!r}"
                )
    when = nlp.settings.history_counts_when
    check.refs("nlp/settings.yaml: history_counts_when", "finding", list(when), rb.findings)
    for fid, cues in when.items():
        for cue in cues:
            if cue not in categories:
                check.errors.append(
                    f"nlp/settings.yaml: history_counts_when.{fid}: no ConText rule of "
                    f"category {cue!r}"
                )
    for fid, place in nlp.settings.places.items():
        for category in (*place.elsewhere, *place.here):
            if category not in categories:
                check.errors.append(
                    f"nlp/settings.yaml: places.{fid}: no ConText rule of category {category!r}"
                )
    for i, measure in enumerate(nlp.settings.measurements):
        where = f"nlp/settings.yaml: measurements[{i}] ({measure.name})"
        check.refs(where, "finding", [measure.finding], rb.findings)
        check.sources(where, measure.sources)
        try:
            if "value" not in re.compile(measure.pattern).groupindex:
                check.errors.append(f"{where}: pattern has no group named 'value'")
        except re.error as exc:
            check.errors.append(f"{where}: pattern is not a regular expression: {exc}")
    known = set(rb.findings) | set(helpers)
    for i, rule in enumerate(nlp.target_rules):
        where = f"nlp/target_rules.json: target_rules[{i}] ({rule.get('literal')})"
        check.refs(where, "finding or helper category", [str(rule.get("category"))], known)
    covered = {str(r.get("category")) for r in nlp.target_rules}
    covered |= {f for h, fs in helpers.items() if h in covered for f in fs}
    for fid in sorted(set(rb.findings) - covered):
        check.errors.append(f"nlp/target_rules.json: no rule finds {fid!r} in a note")


def _check_policy(check: _Checker, p: Policy) -> None:
    rb = check.rb
    name = f"policies/{p.id}.yaml"
    flags = set(rb.findings) | set(rb.age_flags)
    check.sources(name, p.sources)
    check.refs(f"{name}: required", "finding", p.required, {"age"} | set(rb.findings))
    check.refs(f"{name}: not_used", "finding or age flag", p.not_used, flags)
    for outcome, spec in p.outcomes:
        check.sources(f"{name}: outcomes.{outcome}", spec.sources)
    used: set[str] = set()
    seen_rules: set[str] = set()
    for i, r in enumerate(p.rules):
        where = f"{name}: rules[{i}] ({r.id})"
        if r.id in seen_rules:
            check.errors.append(f"{where}: duplicate rule id")
        seen_rules.add(r.id)
        refs = when_ids(r.when)
        used.update(refs)
        check.refs(f"{where}.when", "finding or age flag", refs, flags)
        check.refs(f"{where}.suspects", "condition", r.suspects, rb.conditions)
        if r.study is not None:
            check.refs(f"{where}.study", "study", [r.study], rb.studies)
        if r.urgency is not None and r.urgency not in p.when:
            check.errors.append(f"{where}: urgency {r.urgency!r} has no entry under `when`")
        check.sources(where, r.sources)
        if any(ref in rb.age_flags for ref in refs) and "age" not in p.required:
            check.errors.append(f"{where}: uses an age flag but `age` is not required")
    # Reachability: every catalogue entry is used by a rule or deliberately set aside.
    for ref in sorted(flags):
        if ref in used and ref in p.not_used:
            check.errors.append(f"{name}: {ref!r} is used by a rule and also listed in not_used")
        elif ref not in used and ref not in p.not_used:
            check.errors.append(
                f"{name}: {ref!r} is unreachable (no rule uses it and it is not in not_used)"
            )
    for ref in p.required:
        if ref != "age" and ref not in used:
            check.errors.append(f"{name}: required {ref!r} is used by no rule")
