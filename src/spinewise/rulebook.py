"""Load the knowledge files into the typed model and validate them.

Every problem is a `RulebookError` that names the file and the entry: unknown keys, duplicate
ids, dangling references, a rule without a source, and a policy that leaves a finding unreachable.
The rulebook's version is a content hash of every knowledge file, echoed by every assessment.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import hashlib
import itertools
import json
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from spinewise.model import (
    CARD_PLACEHOLDERS,
    CODED_READERS,
    URGENCY_ORDER,
    AgeFlag,
    Answers,
    CdsCards,
    CodeSystems,
    Condition,
    EvidenceItem,
    Finding,
    Frozen,
    Handout,
    ImagingOrders,
    Measure,
    NlpRules,
    NlpSettings,
    NlpWords,
    Notices,
    PlanStep,
    Policy,
    Quantity,
    Reader,
    Recent,
    RecordRule,
    RecordRules,
    Referral,
    Source,
    Study,
    Units,
    ValueSet,
    expand_term,
    register_default_catalogue,
    spliced,
    term_names,
    unit_terms,
    when_ids,
)

__all__ = [
    "Rulebook",
    "RulebookError",
    "UnknownPolicyError",
    "acuity",
    "default_rulebook",
    "load_rulebook",
]


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


class ReferralsFile(Frozen):
    version: int
    referrals: tuple[Referral, ...]


class StepsFile(Frozen):
    version: int
    steps: tuple[PlanStep, ...]


M = TypeVar("M", bound=BaseModel)

TOP_LEVEL_FILES = frozenset(
    {
        "sources.yaml",
        "findings.yaml",
        "conditions.yaml",
        "studies.yaml",
        "evidence.yaml",
        "referrals.yaml",
        "steps.yaml",
        "notices.yaml",
        "handout.yaml",
        "units.yaml",
        "code_systems.yaml",
        "record_rules.yaml",
        "measure.yaml",
        # EHR integration (CDS Hooks)
        "imaging_orders.yaml",
        "cards.yaml",
    }
)
#: The handout in English is `handout.yaml`; each translation is `handout.<lang>.yaml`.
HANDOUT_LANGUAGE = re.compile(r"handout\.([a-z]{2})\.yaml")


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
    referrals: Mapping[str, Referral]
    steps: Mapping[str, PlanStep]
    notices: Notices
    handouts: Mapping[str, Handout]  # language -> handout; English first
    nlp: NlpRules
    units: Units
    code_systems: CodeSystems
    #: Record rules by finding id; readers by id; the Questionnaire answers' rule.
    record_rules: Mapping[str, RecordRule]
    readers: Mapping[str, Reader]
    answers: Answers
    notes: Recent
    #: The quality measure the audit computes (measure.yaml).
    measure: Measure
    imaging_orders: ImagingOrders
    cds_cards: CdsCards
    #: Value sets replaced by the caller's own lists (load_rulebook's value_set_dir).
    replaced_value_sets: tuple[str, ...] = ()
    finding_ids: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "finding_ids", frozenset(self.findings))

    def days(self, quantity: Quantity) -> float:
        """A window or duration of the knowledge in days."""
        return self.units.canonical(quantity.value, quantity.unit)

    def threshold(self, finding_id: str) -> float:
        """A record rule's threshold in its kind's canonical unit (days, degrees Celsius)."""
        threshold = self.record_rules[finding_id].threshold
        if threshold is None:
            raise KeyError(f"{finding_id}: the record rule has no threshold")
        return self.units.canonical(threshold.value, threshold.unit)

    def window_days(self, finding_id: str, reader: str) -> float | None:
        """The look-back (days) of a finding's first `present` source read by `reader`; None
        for `ever`."""
        for source in self.record_rules[finding_id].present:
            if reader in source.read:
                return None if source.window == "ever" else self.days(source.window)
        raise KeyError(f"{finding_id}: no present source reads {reader}")

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


# libyaml's parser when PyYAML has it (its wheels do): the knowledge loads in a fifth of the time.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[valid-type,misc]
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
            if isinstance(node, Mapping) and ("id" in node or "finding" in node):
                out += f" ({node.get('id') or node.get('finding')})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return out


def _parse(model: type[M], name: str, data: Any, context: dict[str, Any] | None = None) -> M:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        problems = []
        errors = exc.errors()
        # A union member that is a literal ("ever") reports a mismatch beside the real problem
        # of the other member: only the real one is said.
        literal = [e for e in errors if any(str(p).startswith("literal[") for p in e["loc"])]
        if len(literal) < len(errors):
            errors = [e for e in errors if e not in literal]
        for error in errors:
            # Unions report one error per member; the member's name is noise for the author.
            loc = tuple(
                p
                for p in error["loc"]
                if p not in ("str", "AnyOf", "AllOf", "function-after", "Quantity")
            )
            where = _entry_label(data, loc) or "(top level)"
            if error["type"] == "extra_forbidden":
                message = "unknown key"
            elif error["type"] == "too_short" and loc and loc[-1] == "sources":
                message = "no source: every entry cites at least one source id"
            else:
                message = error["msg"]
            # A term's error names its own key ("asserts_itself: no term named ...").
            named = not loc and error["type"] == "unknown_term"
            problems.append(message if named else f"{where}: {message}")
        raise RulebookError(f"{name}: " + "; ".join(dict.fromkeys(problems))) from None


def _index(items: Iterable[Any], name: str, what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise RulebookError(f"{name}: duplicate {what} id {item.id!r}")
        out[item.id] = item
    return out


def _rules_with_words(
    files: Mapping[str, Any], raw: Mapping[str, Any]
) -> dict[str, tuple[Mapping[str, Any], ...]]:
    """Each rule file's rules with every `${name}` item of a token pattern's `IN` or `NOT_IN`
    list written out as the words of nlp/words.yaml's (`raw`) list of that name, and every
    `${name}` of a `metadata.or_list` as its term. A name no list or term has, and a list or
    term no rule uses (nor another list or term takes in), are errors."""
    shared = _parse(NlpWords, "nlp/words.yaml", raw)
    lists = shared.words
    # A list (a term) that another takes in is used through it.
    used: set[str] = {name for items in raw["words"].values() for name in spliced(items, {})[2]}
    used_terms: set[str] = {
        name for term in (raw.get("terms") or {}).values() for name in term_names(str(term))
    }

    def expand(value: Any, where: str) -> Any:
        if isinstance(value, list):
            return [expand(v, where) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, item in value.items():
            if key in ("IN", "NOT_IN") and isinstance(item, list):
                words, names, unknown = spliced(item, lists)
                if unknown:
                    raise RulebookError(
                        f"{where}: no word list named {unknown[0]!r} in nlp/words.yaml"
                    )
                used.update(names)
                out[key] = words
            elif key == "or_list" and isinstance(item, str):
                try:
                    out[key] = expand_term(item, shared.terms, f"{where}: metadata.or_list")
                except PydanticCustomError as exc:
                    raise RulebookError(f"{exc} in nlp/words.yaml") from None
                used_terms.update(term_names(item))
            else:
                out[key] = expand(item, where)
        return out

    out: dict[str, tuple[Mapping[str, Any], ...]] = {}
    for key, data in files.items():
        rules = data.get(key, []) if isinstance(data, dict) else []
        out[key] = tuple(
            expand(rule, f"nlp/{key}.json: {key}[{i}] ({rule.get('literal')})")
            if isinstance(rule, dict)
            else rule
            for i, rule in enumerate(rules)
        )
    unused = [name for name in lists if name not in used]
    if unused:
        raise RulebookError(f"nlp/words.yaml: no rule uses the word list {unused[0]!r}")
    unused = [name for name in shared.terms if name not in used_terms]
    if unused:
        raise RulebookError(f"nlp/words.yaml: no rule uses the term {unused[0]!r}")
    return out


def load_rulebook(
    root: Traversable | str | None = None, *, value_set_dir: Path | str | None = None
) -> Rulebook:
    """Load and validate a knowledge directory (default: the packaged one). `value_set_dir`: a
    folder of value sets that replace the knowledge's of the same id (a licensed NCQA list, for
    example), each `<id>.yaml` in the knowledge's own format or `<id>.csv` with the columns
    `system` (a short name of code_systems.yaml or a URI) and `code`."""
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
    replaced: list[str] = []
    if value_set_dir is not None:
        # The version changes with them: every answer says which lists it was made with.
        for name, data, content in _replacement_value_sets(Path(value_set_dir), raw):
            digest.update(b"replaced:" + name.encode() + b"\0" + content + b"\0")
            raw[name] = data
            replaced.append(name.removeprefix("value_sets/").removesuffix(".yaml"))

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
    referrals = _index(
        _parse(ReferralsFile, "referrals.yaml", need("referrals.yaml")).referrals,
        "referrals.yaml",
        "referral",
    )
    steps = _index(_parse(StepsFile, "steps.yaml", need("steps.yaml")).steps, "steps.yaml", "step")
    notices = _parse(Notices, "notices.yaml", need("notices.yaml"))
    handouts = {"en": _parse(Handout, "handout.yaml", need("handout.yaml"))}
    units = _parse(Units, "units.yaml", need("units.yaml"))
    nlp = NlpRules(
        settings=_parse(
            NlpSettings,
            "nlp/settings.yaml",
            need("nlp/settings.yaml"),
            {"terms": unit_terms(units)},
        ),
        **_rules_with_words(
            {
                "target_rules": need("nlp/target_rules.json"),
                "context_rules": need("nlp/context_rules.json"),
                "section_rules": need("nlp/section_rules.json"),
            },
            need("nlp/words.yaml"),
        ),
    )
    value_sets: dict[str, ValueSet] = {}
    policies: dict[str, Policy] = {}
    for name, data in raw.items():
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if name.startswith("value_sets/"):
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
        elif match := HANDOUT_LANGUAGE.fullmatch(name):
            handouts[match.group(1)] = _parse(Handout, name, data)
        elif name not in TOP_LEVEL_FILES:
            raise RulebookError(f"{name}: unexpected file in the knowledge directory")
    code_systems = _parse(CodeSystems, "code_systems.yaml", need("code_systems.yaml"))
    record = _parse(RecordRules, "record_rules.yaml", need("record_rules.yaml"))
    record_rules: dict[str, RecordRule] = {}
    for rule in record.rules:
        if rule.finding in record_rules:
            raise RulebookError(f"record_rules.yaml: rules ({rule.finding}): a second rule")
        record_rules[rule.finding] = rule
    readers = _index(record.readers, "record_rules.yaml", "reader")
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
        referrals=referrals,
        steps=steps,
        notices=notices,
        handouts=handouts,
        nlp=nlp,
        units=units,
        code_systems=code_systems,
        record_rules=record_rules,
        readers=readers,
        answers=record.answers,
        notes=record.notes,
        measure=_parse(Measure, "measure.yaml", need("measure.yaml")),
        replaced_value_sets=tuple(replaced),
        imaging_orders=_parse(ImagingOrders, "imaging_orders.yaml", need("imaging_orders.yaml")),
        cds_cards=_parse(CdsCards, "cards.yaml", need("cards.yaml")),
    )
    _check_references(rulebook)
    return rulebook


def _replacement_value_sets(
    folder: Path, raw: Mapping[str, Any]
) -> Iterator[tuple[str, Any, bytes]]:
    """(knowledge name, value set data, file content) for each file of a folder of value sets
    that replace the knowledge's."""
    if not folder.is_dir():
        raise RulebookError(f"{folder}: not a folder of value sets")
    systems = {
        **{s["name"]: s["name"] for s in raw.get("code_systems.yaml", {}).get("systems", [])},
        **{uri: s["name"] for s in raw.get("code_systems.yaml", {}).get("systems", [])
           for uri in s["uris"]},
    }  # fmt: skip
    found = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".csv"))
    if not found:
        raise RulebookError(f"{folder}: no .yaml or .csv value set in the folder")
    for path in found:
        name = f"value_sets/{path.stem}.yaml"
        if name not in raw:
            raise RulebookError(f"{path.name}: no value set {path.stem!r} to replace")
        content = path.read_bytes()
        if path.suffix == ".csv":
            data = dict(raw[name], codes=_csv_codes(path, content, systems))
            data["title"] = f"{raw[name].get('title', path.stem)} (from {path.name})"
        else:
            data = _read_yaml(path.name, path)
        yield name, data, content


def _csv_codes(path: Path, content: bytes, systems: Mapping[str, str]) -> dict[str, list[str]]:
    import csv
    import io

    try:
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise RulebookError(f"{path.name}: not a CSV of codes ({exc})") from None
    codes: dict[str, list[str]] = {}
    for line, row in enumerate(rows, 2):
        system = systems.get((row.get("system") or "").strip())
        code = (row.get("code") or "").strip()
        if system is None or not code:
            raise RulebookError(
                f"{path.name}: line {line}: needs a `system` of code_systems.yaml and a `code`"
            )
        codes.setdefault(system, []).append(code)
    return codes


@functools.cache
def default_rulebook() -> Rulebook:
    """The packaged rulebook, loaded and validated once per process."""
    return load_rulebook()


# Presentations given without a rulebook are checked against the packaged one.
register_default_catalogue(default_rulebook)


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

    def fields(self, where: str, text: str, allowed: set[str]) -> None:
        """A template uses only the braced names it is filled with."""
        try:
            used = _fields(text)
        except ValueError as exc:
            self.errors.append(f"{where}: not a valid template: {exc}")
            return
        for name in sorted(used - allowed):
            known = ", ".join(sorted(allowed)) or "none"
            self.errors.append(f"{where}: unknown field {{{name}}} (known: {known})")


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
    named = {
        **dict.fromkeys(rb.findings, "finding"),
        **dict.fromkeys(rb.age_flags, "age flag"),
        **dict.fromkeys(rb.conditions, "condition"),
        **dict.fromkeys(rb.studies, "study"),
    }
    for v in rb.value_sets.values():
        check.sources(f"value_sets/{v.id}.yaml", v.sources)
        if v.id in named:
            # `rules show ID` and the reference must name one thing.
            check.errors.append(f"value_sets/{v.id}.yaml: {v.id!r} is already a {named[v.id]} id")
    _check_record_rules(check)
    _check_measure(check)
    _check_plan_parts(check)
    _check_handouts(check)
    _check_nlp(check)
    for p in rb.policies.values():
        _check_policy(check, p)
    _check_imaging_orders(check)
    _check_cards(check)
    if check.errors:
        raise RulebookError("; ".join(check.errors))


def _check_plan_parts(check: _Checker) -> None:
    """Referrals, plan steps and notices: sources, references, template fields."""
    rb = check.rb
    for r in rb.referrals.values():
        check.sources(f"referrals.yaml: referrals ({r.id})", r.sources)
    for step in rb.steps.values():
        where = f"steps.yaml: steps ({step.id})"
        check.sources(where, step.sources)
        check.refs(f"{where}.covers", "step", step.covers, rb.steps)
        check.refs(f"{where}.with_study", "study", step.with_study, rb.studies)
    ask = rb.notices.ask_before_ordering
    check.sources("notices.yaml: ask_before_ordering", ask.sources)
    check.fields("notices.yaml: ask_before_ordering.raises_urgency", ask.raises_urgency,
                 {"questions", "urgency", "procedure"})  # fmt: skip
    check.fields("notices.yaml: ask_before_ordering.changes_study", ask.changes_study,
                 {"questions", "procedure"})  # fmt: skip
    for urgency in ("emergency", "urgent", "routine"):
        if urgency not in rb.notices.urgency_words:
            check.errors.append(f"notices.yaml: urgency_words: no word for {urgency!r}")


def _check_handouts(check: _Checker) -> None:
    """Every handout names every condition, study, referral and weak-flag step in plain words,
    and every translation has every string of the English one, in the same places."""
    rb = check.rb
    english = rb.handouts["en"]
    watch_rules = {r.id for p in rb.policies.values() for r in p.rules if r.decision == "watch"}
    for lang, h in rb.handouts.items():
        name = "handout.yaml" if lang == "en" else f"handout.{lang}.yaml"
        if h.lang != lang:
            check.errors.append(f"{name}: lang {h.lang!r} must be {lang!r}")
        check.sources(name, h.sources)
        image = h.image
        for key, mapping, known in (
            ("image.conditions", image.conditions, rb.conditions),
            ("image.scans", image.scans, rb.studies),
            ("image.scan_short", image.scan_short, rb.studies),
            ("image.referrals", image.referrals, rb.referrals),
            ("watch.next_steps", h.watch.next_steps, watch_rules),
        ):
            check.refs(f"{name}: {key}", "id", mapping, known)
            for ref in sorted(set(known) - set(mapping)):
                check.errors.append(f"{name}: {key}: no plain words for {ref!r}")
        check.refs(f"{name}: image.steps", "step", image.steps, rb.steps)
        for urgency in ("emergency", "urgent", "routine"):
            for key, texts in (("titles", image.titles), ("intro", image.intro),
                               ("when", image.when)):  # fmt: skip
                if urgency not in texts:
                    check.errors.append(f"{name}: image.{key}: no text for {urgency!r}")
                else:
                    check.fields(f"{name}: image.{key}.{urgency}", texts[urgency],
                                 {"scan", "scan_short"})  # fmt: skip
        for urgency, text in image.here.items():
            check.fields(f"{name}: image.here.{urgency}", text, set())
            if urgency not in image.here_titles:
                check.errors.append(f"{name}: image.here_titles: no title for {urgency!r}")
        for urgency, text in image.here_titles.items():
            check.fields(f"{name}: image.here_titles.{urgency}", text, {"scan", "scan_short"})
        for sign in (*h.warnings.emergency, *h.warnings.soon):
            check.refs(f"{name}: warnings ({sign.text[:30]})", "finding", sign.findings,
                       rb.findings)  # fmt: skip
        if lang != "en":
            check.errors += [f"{name}: {problem}" for problem in _same_shape(
                english.model_dump(exclude={"lang", "sources"}),
                h.model_dump(exclude={"lang", "sources"}), "")]  # fmt: skip


def _same_shape(en: Any, other: Any, where: str) -> list[str]:
    """Where a translation differs in shape from the English: a missing or extra key, a list of
    another length, an empty string, or an id list (`findings`) that is not the same."""
    here = where or "(top level)"
    if isinstance(en, Mapping):
        if not isinstance(other, Mapping):
            return [f"{here}: not a mapping"]
        problems = [f"{where}.{k}: missing".lstrip(".") for k in en if k not in other]
        problems += [f"{where}.{k}: not in the English".lstrip(".") for k in other if k not in en]
        for key in en:
            if key in other:
                problems += _same_shape(en[key], other[key], f"{where}.{key}".lstrip("."))
        return problems
    if isinstance(en, list | tuple):
        if not isinstance(other, list | tuple) or len(other) != len(en):
            return [f"{here}: {len(en)} entries in the English"]
        if where.endswith("findings"):
            return [] if list(en) == list(other) else [f"{here}: must be the English ids"]
        return [p for i, (a, b) in enumerate(zip(en, other, strict=True))
                for p in _same_shape(a, b, f"{where}[{i}]")]  # fmt: skip
    if isinstance(en, str):
        if not isinstance(other, str) or not other.strip():
            return [f"{here}: no translation"]
        wanted = _fields(en)
        if _fields(other) != wanted:
            return [f"{here}: must use the fields {sorted(wanted)} as the English does"]
    return []


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


#: A token pattern with at most this many spellings is matched as phrases.
PHRASES_PER_PATTERN = 3000


def pattern_spellings(pattern: Any) -> list[str] | None:
    """The phrases (lower case, tokens joined by spaces) a token pattern that only lists words
    can match, or None for any other pattern or one of more than PHRASES_PER_PATTERN."""
    if not isinstance(pattern, list):
        return None
    spellings: list[list[str]] = [[]]
    for token in pattern:
        op = token.get("OP")
        if set(token) - {"OP"} != {"LOWER"} or op not in (None, "?"):
            return None
        value = token["LOWER"]
        if isinstance(value, str):
            words = [value]
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words = [str(w) for w in value["IN"]]
        else:
            return None
        options: list[str | None] = [w.lower() for w in words]
        if op == "?":
            options.append(None)
        spellings = [[*s, w] if w is not None else s for s in spellings for w in options]
        if len(spellings) > PHRASES_PER_PATTERN:
            return None
    return sorted({" ".join(s) for s in spellings if s})


def phrase_key(phrase: str) -> str:
    """A rule's phrase as matching compares it: lower case, single spaces."""
    return " ".join(phrase.lower().split())


#: Rule metadata that makes a token pattern's match more than the words it spells: its cue is
#: a part of the match, or the match depends on the rest of the sentence (nlp/pipeline.py
#: `_GatedPatterns`). Such a rule is never matched as phrases.
GATED_METADATA = ("lookbehind", "lookahead", "unless_later")


def rule_spellings(rule: Mapping[str, Any]) -> list[str] | None:
    """The phrases a rule's token pattern spells (`pattern_spellings`), or None: a rule with no
    pattern, a pattern of more than words, or a rule gated by its metadata (GATED_METADATA)."""
    metadata = rule.get("metadata") or {}
    if any(metadata.get(key) for key in GATED_METADATA):
        return None
    return pattern_spellings(rule.get("pattern"))


def _check_words_read_alike(
    check: _Checker,
    where: str,
    rules: Iterable[Mapping[str, Any]],
    reading: Callable[[Mapping[str, Any]], tuple[Any, ...]],
    verb: str,
) -> None:
    """Two rules of one file that spell the same words must read them alike: of two phrases,
    only the later is kept (nlp/pipeline.py `compiled`), so the earlier rule's reading of
    those words is lost unseen. A ConText rule narrower than an earlier one turned it off for
    every other target ("prior" as a surgery's revision had hidden "prior vertebral fracture"
    from the history cue); a target rule read only when denied took "sensory loss" from the
    numbness. A later rule meant to read them its own way names the earlier in
    `metadata.over` (target rules); a name there must be one earlier rule whose words it does
    read differently."""
    rules = list(rules)
    counts = Counter(str(rule["literal"]) for rule in rules)
    owner: dict[str, tuple[str, tuple[Any, ...]]] = {}
    for rule in rules:
        literal = str(rule["literal"])
        over = list((rule.get("metadata") or {}).get("over") or ())
        at = f"{where}: {literal!r}: metadata.over"
        for name in over:
            if name not in counts:
                check.errors.append(f"{at}: no rule {name!r}")
            elif counts[name] > 1:
                check.errors.append(f"{at}: {name!r} names {counts[name]} rules")
        phrases = rule_spellings(rule) if rule.get("pattern") else [literal]
        read = reading(rule)
        overridden: set[str] = set()
        for phrase in phrases or ():
            key = phrase_key(phrase)
            earlier = owner.get(key)
            if earlier is not None and earlier[1] != read:
                if earlier[0] in over:
                    overridden.add(earlier[0])
                else:
                    hint = "; name the earlier in the later's metadata.over if it is meant"
                    check.errors.append(
                        f"{where}: {literal!r} and {earlier[0]!r} both {verb} {key!r} but read it "
                        f"differently (only the later is used{hint if verb == 'spell' else ''})"
                    )
            owner[key] = (literal, read)
        for name in (set(over) & set(counts)) - overridden:
            check.errors.append(f"{at}: {name!r} spells none of its words, or reads them alike")


def _context_reading(rule: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        "TERMINATE" if rule.get("direction") == "TERMINATE" else rule.get("category"),
        rule.get("direction"),
        tuple(sorted(rule.get("allowed_types") or ())),
        tuple(sorted(rule.get("excluded_types") or ())),
    )


def _target_reading(rule: Mapping[str, Any]) -> tuple[Any, ...]:
    return (rule.get("category"), tuple(sorted((rule.get("attributes") or {}).items())))


_CONTEXT_METADATA = frozenset(
    {"lookbehind", "lookahead", "ends", "only", "also_ends", "or_list", "list_required",
     "unless_later"}
)  # fmt: skip


def _check_context_metadata(check: _Checker, rules: Iterable[Mapping[str, Any]]) -> None:
    """`metadata.lookbehind` (n): the first n tokens of a token pattern are a condition, not
    the cue, so they must be plain tokens (no "OP") and leave at least one token of cue
    (`metadata.lookahead`: the last n, the same way);
    `metadata.ends` is for terminators: `forward`, they end only scopes reaching forward (and
    an answer's backward reach past its own label); `labelled`, only the latter;
    `metadata.only`, a terminator that ends the scopes of these ConText categories alone;
    `metadata.also_ends`, a cue of another kind that ends them too; `metadata.or_list`, a
    regular expression after a cue through which its scope goes on (nlp/pipeline.py), and
    `metadata.list_required` (true), a cue that reaches nothing without that list."""
    rules = list(rules)
    categories = {str(rule.get("category")) for rule in rules}
    for rule in rules:
        metadata = rule.get("metadata") or {}
        where = f"nlp/context_rules.json: {rule.get('literal')!r}"
        unknown = set(metadata) - _CONTEXT_METADATA
        if unknown:
            check.errors.append(f"{where}: unknown metadata {sorted(unknown)}")
        pattern = rule.get("pattern")
        conditions = 0  # the tokens that lookbehind and lookahead take from the cue
        for key, side in (("lookbehind", "first"), ("lookahead", "last")):
            if key not in metadata:
                continue
            count = metadata[key]
            if (
                isinstance(count, int)
                and not isinstance(count, bool)
                and isinstance(pattern, list)
                and 1 <= count < len(pattern)
                and not any(
                    "OP" in token
                    for token in (pattern[:count] if side == "first" else pattern[-count:])
                )
            ):
                conditions += count
            else:
                check.errors.append(
                    f"{where}: metadata.{key} must be a count of the token pattern's "
                    f"{side} tokens, without 'OP', leaving at least one"
                )
        if isinstance(pattern, list) and conditions and conditions >= len(pattern):
            check.errors.append(f"{where}: metadata.lookbehind and lookahead leave no cue")
        if "ends" in metadata and (
            metadata["ends"] not in ("forward", "labelled") or rule.get("direction") != "TERMINATE"
        ):
            check.errors.append(
                f"{where}: metadata.ends is 'forward' or 'labelled', on a TERMINATE rule"
            )
        if "only" in metadata and (
            not isinstance(metadata["only"], list)
            or not metadata["only"]
            or not set(metadata["only"]) <= categories
            or rule.get("direction") != "TERMINATE"
        ):
            check.errors.append(
                f"{where}: metadata.only is a list of ConText categories, on a TERMINATE rule"
            )
        if "also_ends" in metadata and (
            not isinstance(metadata["also_ends"], list)
            or not metadata["also_ends"]
            or not set(metadata["also_ends"]) <= categories
            or rule.get("direction") == "TERMINATE"
        ):
            check.errors.append(
                f"{where}: metadata.also_ends is a list of ConText categories, on a rule that"
                " is not a TERMINATE rule"
            )
        if "or_list" in metadata:
            if not isinstance(metadata["or_list"], str) or rule.get("direction") != "FORWARD":
                check.errors.append(f"{where}: metadata.or_list is a string, on a FORWARD rule")
            else:
                _check_regex(check, f"{where}: metadata.or_list", metadata["or_list"], ())
        later = metadata.get("unless_later")
        if later is not None and (
            not isinstance(later, list) or not later or not all(isinstance(w, str) for w in later)
        ):
            check.errors.append(f"{where}: metadata.unless_later is a list of words")
        if "list_required" in metadata and (
            metadata["list_required"] is not True or "or_list" not in metadata
        ):
            check.errors.append(f"{where}: metadata.list_required is true, beside an or_list")


def _check_nlp(check: _Checker) -> None:
    """Every NLP target is traceable to a finding (directly or through a helper category)."""
    rb = check.rb
    nlp = rb.nlp
    helpers = nlp.settings.helpers
    for helper, targets in helpers.items():
        check.refs(f"nlp/settings.yaml: helpers.{helper}", "finding", targets, rb.findings)
    for key in ("history_counts", "uncertain_counts", "header_history_counts"):
        check.refs(f"nlp/settings.yaml: {key}", "finding", getattr(nlp.settings, key), rb.findings)
    check.refs("nlp/settings.yaml: places", "finding", list(nlp.settings.places), rb.findings)
    categories = {str(r.get("category")) for r in nlp.context_rules}
    if nlp.settings.answers is not None:
        check.refs(
            "nlp/settings.yaml: answers.normal_contrast_for",
            "target category",
            nlp.settings.answers.normal_contrast_for,
            {*rb.findings, *helpers},
        )
    _check_words_read_alike(
        check, "nlp/context_rules.json", nlp.context_rules, _context_reading, "match"
    )
    _check_words_read_alike(
        check, "nlp/target_rules.json", nlp.target_rules, _target_reading, "spell"
    )
    _check_context_metadata(check, nlp.context_rules)
    procedures = nlp.settings.procedures
    for key, names in (
        ("procedures.considered", procedures.considered),
        ("procedures.no_candidacy", procedures.no_candidacy),
        ("negation_only", nlp.settings.negation_only),
    ):
        check.refs(f"nlp/settings.yaml: {key}", "helper category", names, helpers)
    check.refs(
        "nlp/settings.yaml: procedures",
        "finding",
        [procedures.recent, *procedures.documented, *procedures.planned],
        rb.findings,
    )
    told = {c: spec.findings for c, spec in nlp.settings.regimen_keeps_open.items()}
    for key, parts in (("present_only", nlp.settings.present_only), ("regimen_keeps_open", told)):
        for category, partial in parts.items():
            check.refs(f"nlp/settings.yaml: {key}", "helper category", [category], helpers)
            missing = [fid for fid in partial if fid not in helpers.get(category, ())]
            if missing:
                check.errors.append(
                    f"nlp/settings.yaml: {key}.{category}: {', '.join(missing)} is not fed "
                    "by that category"
                )
    for finding, implied in nlp.settings.implies.items():
        check.refs("nlp/settings.yaml: implies", "finding", [finding, *implied], rb.findings)
    needs = nlp.settings.helper_needs
    check.refs("nlp/settings.yaml: helper_needs", "helper category", list(needs), helpers)
    for helper, cues in needs.items():
        for cue in cues:
            if cue not in categories:
                check.errors.append(
                    f"nlp/settings.yaml: helper_needs.{helper}: no ConText rule of category {cue!r}"
                )
    for key in ("history_counts_when", "ended_by"):
        when = getattr(nlp.settings, key)
        check.refs(f"nlp/settings.yaml: {key}", "finding", list(when), rb.findings)
        for fid, cues in when.items():
            for cue in cues:
                if cue not in categories:
                    check.errors.append(
                        f"nlp/settings.yaml: {key}.{fid}: no ConText rule of category {cue!r}"
                    )
    for key in ("earlier_encounter", "recent_past", "record_only"):
        for category in getattr(nlp.settings, key):
            if category not in categories:
                check.errors.append(
                    f"nlp/settings.yaml: {key}: no ConText rule of category {category!r}"
                )
    for fid, place in nlp.settings.places.items():
        for category in (*place.elsewhere, *place.here):
            if category not in categories:
                check.errors.append(
                    f"nlp/settings.yaml: places.{fid}: no ConText rule of category {category!r}"
                )
        for category in place.normal_only:
            if category not in place.elsewhere:
                check.errors.append(
                    f"nlp/settings.yaml: places.{fid}.normal_only: {category!r} is not elsewhere"
                )
    for category, placed in nlp.settings.placed_helpers.items():
        where = f"nlp/settings.yaml: placed_helpers.{category}"
        check.refs(where, "helper category", [category], helpers)
        fed = set(helpers.get(category, ()))
        for cue in placed.places:
            if cue not in categories:
                check.errors.append(f"{where}: no ConText rule of category {cue!r}")
        for fid in dict.fromkeys((*placed.unplaced, *itertools.chain(*placed.places.values()))):
            if fid not in fed:
                check.errors.append(f"{where}: {fid} is not fed by that helper")
    for i, measure in enumerate(nlp.settings.measurements):
        where = f"nlp/settings.yaml: measurements[{i}] ({measure.name})"
        check.refs(where, "finding", [measure.finding], rb.findings)
        check.sources(where, measure.sources)
        for j, pattern in enumerate(measure.patterns):
            _check_regex(check, f"{where}: patterns[{j}]", pattern, ("value",))
            with contextlib.suppress(re.error):
                if "unit" in re.compile(pattern).groupindex and (
                    rb.units.kind_of(measure.unit) != "volume"
                ):
                    check.errors.append(
                        f"{where}: patterns[{j}] reads a unit, but unit {measure.unit!r} is "
                        "not a volume unit of units.yaml"
                    )
    if nlp.settings.procedures.refused is not None:
        _check_regex(
            check, "nlp/settings.yaml: procedures.refused", nlp.settings.procedures.refused, ()
        )
    fall = nlp.settings.grade_fall
    if fall is not None:
        where = "nlp/settings.yaml: grade_fall"
        check.refs(where, "finding", [fall.finding, *fall.also], rb.findings)
        check.sources(where, fall.sources)
        for i, pattern in enumerate(fall.patterns):
            _check_regex(check, f"{where}: patterns[{i}]", pattern, ("first", "second"))
        if fall.unless is not None:
            _check_regex(check, f"{where}: unless", fall.unless, ())
    weight = nlp.settings.weight_change
    if weight is not None:
        where = "nlp/settings.yaml: weight_change"
        check.refs(where, "finding", [weight.finding], rb.findings)
        check.sources(where, weight.sources)
        _check_regex(check, f"{where}: quantity", weight.quantity, ("value", "unit"))
        with contextlib.suppress(re.error):
            groups = re.compile(weight.quantity).groupindex
            if ("more" in groups) != ("more_unit" in groups):
                check.errors.append(f"{where}: quantity: give both groups 'more' and 'more_unit'")
        for key in (
            "sentence",
            "earlier",
            "order",
            "arrow",
            "explained",
            "explanation_denied",
            "too_long",
            "parts",
            "lead",
        ):
            if getattr(weight, key) is not None:
                _check_regex(check, f"{where}: {key}", getattr(weight, key), ())
        body = weight.body_weight
        if rb.units.kind_of(body.unit) != "mass":
            check.errors.append(
                f"{where}: body_weight.unit: {body.unit!r} is not a mass unit of units.yaml"
            )
        elif body.low >= body.high:
            check.errors.append(f"{where}: body_weight: low must be below high")
        if rb.units.kind_of(weight.lost_over.unit) != "mass":
            check.errors.append(
                f"{where}: lost_over.unit: {weight.lost_over.unit!r} is not a mass unit of "
                "units.yaml"
            )
    box = nlp.settings.unchecked_box
    if box is not None:
        for key in ("before", "after", "box", "leads", "option", "answers"):
            _check_regex(check, f"nlp/settings.yaml: unchecked_box.{key}", getattr(box, key), ())
    kept_open = nlp.settings.kept_open
    if kept_open is not None:
        where = "nlp/settings.yaml: kept_open"
        check.refs(where, "finding", kept_open.findings, rb.findings)
        for key in ("judged", "open", "worked_up"):
            _check_regex(check, f"{where}.{key}", getattr(kept_open, key), ())
    for category, spec in nlp.settings.regimen_keeps_open.items():
        for key in ("when", "unless"):
            _check_regex(
                check,
                f"nlp/settings.yaml: regimen_keeps_open.{category}.{key}",
                getattr(spec, key),
                (),
            )
    stable = nlp.settings.stable_deficit
    if stable is not None:
        where = "nlp/settings.yaml: stable_deficit"
        check.refs(where, "finding", [*stable.deficits, stable.denies, *stable.not_of], rb.findings)
        check.sources(where, stable.sources)
        for key in ("after", "other_subjects", "before", "new", "severe"):
            _check_regex(check, f"{where}: {key}", getattr(stable, key), ())
    for i, duration in enumerate(nlp.settings.durations):
        where = f"nlp/settings.yaml: durations[{i}] ({duration.name})"
        check.refs(where, "finding", [duration.finding], rb.findings)
        check.sources(where, duration.sources)
        if rb.units.kind_of(duration.at_least.unit) != "time":
            check.errors.append(
                f"{where}: at_least.unit: {duration.at_least.unit!r} is not a time unit of "
                "units.yaml"
            )
        for j, pattern in enumerate(duration.patterns):
            try:
                named = re.compile(pattern).groupindex
            except re.error:
                named = {}
            wants = ("day",) if "day" in named and "value" not in named else ("value", "unit")
            _check_regex(check, f"{where}: patterns[{j}]", pattern, wants)
        for word in duration.days_ago:
            if word != " ".join(word.lower().split()):
                check.errors.append(
                    f"{where}: days_ago: {word!r} is not in lower case with single spaces"
                )
        for key in ("longer", "chronic", "episode", "other", "open_ended"):
            expression = getattr(duration, key)
            if expression is not None:
                _check_regex(check, f"{where}: {key}", expression, ())
        if duration.failed_care is not None:
            care = duration.failed_care
            _check_regex(check, f"{where}: failed_care.care", care.care, ())
            _check_regex(check, f"{where}: failed_care.failed", care.failed, ())
            _check_regex(check, f"{where}: failed_care.span", care.span, ("value", "unit"))
            for key in ("not_when", "tried", "outcome", "other_condition"):
                expression = getattr(care, key)
                if expression is not None:
                    _check_regex(check, f"{where}: failed_care.{key}", expression, ())
    _check_regex(
        check,
        "nlp/settings.yaml: procedures.recent_words",
        nlp.settings.procedures.recent_words,
        (),
    )
    for key in ("long", "short"):
        _check_regex(
            check,
            f"nlp/settings.yaml: steroid_course.{key}",
            getattr(nlp.settings.steroid_course, key),
            (),
        )
    if nlp.settings.denied_lists is not None:
        for key in ("heading", "bullet"):
            _check_regex(
                check,
                f"nlp/settings.yaml: denied_lists.{key}",
                getattr(nlp.settings.denied_lists, key),
                (),
            )
    temperatures = nlp.settings.temperatures
    for key in ("labelled", "unlabelled", "listed"):
        _check_regex(
            check,
            f"nlp/settings.yaml: temperatures.{key}",
            getattr(temperatures, key),
            ("value", "unit"),
        )
    for key in ("listed_between", "own_denial"):
        _check_regex(
            check, f"nlp/settings.yaml: temperatures.{key}", getattr(temperatures, key), ()
        )
    for key in ("words", "signs", "rule_words", "bound_after"):
        _check_regex(
            check, f"nlp/settings.yaml: thresholds.{key}", getattr(nlp.settings.thresholds, key), ()
        )
    for key in (
        "exceptions",
        "change_words",
        "affirmations",
        "asserts_itself",
        "doubts_of_normal",
        "past_of_normal",
        "earlier_examinations",
        "suspicion_words",
        "hedges",
        "conditions",
        "events_after",
        "list_item",
        "section_ends",
        "header_history_unless",
        "header_history_when",
    ):
        expression = getattr(nlp.settings, key)
        if expression is not None:
            _check_regex(check, f"nlp/settings.yaml: {key}", expression, ())
    for term, what in (
        ("time_before", "the words after a time ago"),
        ("time_from_onset", "the words after 'N days after' that time it from a symptom"),
    ):
        if term not in nlp.settings.terms:
            check.errors.append(f"nlp/settings.yaml: terms: no {term!r} ({what})")
        else:
            _check_regex(check, f"nlp/settings.yaml: terms.{term}", nlp.settings.terms[term], ())
    check.refs("nlp/settings.yaml: changes", "finding", list(nlp.settings.changes), rb.findings)
    check.refs(
        "nlp/settings.yaml: not_worked_up",
        "helper category",
        list(nlp.settings.not_worked_up),
        helpers,
    )
    for key, value in nlp.settings.suspected_when_doubted.items():
        where = "nlp/settings.yaml: suspected_when_doubted"
        check.refs(where, "finding", [key, value], rb.findings)
        if value not in nlp.settings.uncertain_counts:
            check.errors.append(f"{where}.{key}: {value!r} is not one of uncertain_counts")
    for key, lists in (
        ("contradicted_by", nlp.settings.contradicted_by),
        ("only_with", nlp.settings.only_with),
    ):
        for category, findings in lists.items():
            where = f"nlp/settings.yaml: {key}.{category}"
            check.refs(where, "helper category", [category], helpers)
            check.refs(where, "finding", findings, rb.findings)
    check.refs("nlp/settings.yaml: judgements", "finding", list(nlp.settings.judgements),
               rb.findings)  # fmt: skip
    for key, table in (("changes", nlp.settings.changes), ("judgements", nlp.settings.judgements)):
        for fid, words in table.items():
            _check_regex(check, f"nlp/settings.yaml: {key}.{fid}", words, ())
    answers = nlp.settings.answers
    if answers is not None:
        _check_regex(check, "nlp/settings.yaml: answers.answer", answers.answer, ("no", "yes"))
        _check_regex(check, "nlp/settings.yaml: answers.question", answers.question, ())
        # Each optional expression, with the named groups it is read by (`inline` and `boxes`
        # are read as the answer is: their groups say which way they answer).
        for key, wanted in _ANSWER_GROUPS.items():
            if getattr(answers, key) is not None:
                _check_regex(
                    check, f"nlp/settings.yaml: answers.{key}", getattr(answers, key), wanted
                )
        if answers.each is not None and (answers.each_answer is None or answers.each_item is None):
            check.errors.append(
                "nlp/settings.yaml: answers.each needs each_answer and each_item (what the "
                "answers and the items are)"
            )
    body = nlp.settings.body_temperature
    if rb.units.kind_of(body.unit) != "temperature":
        check.errors.append(
            f"nlp/settings.yaml: body_temperature.unit: {body.unit!r} is not a temperature unit "
            "of units.yaml"
        )
    elif not body.low < body.high:
        check.errors.append("nlp/settings.yaml: body_temperature: low must be below high")
    known = set(rb.findings) | set(helpers)
    for i, rule in enumerate(nlp.target_rules):
        where = f"nlp/target_rules.json: target_rules[{i}] ({rule.get('literal')})"
        check.refs(where, "finding or helper category", [str(rule.get("category"))], known)
    covered = {str(r.get("category")) for r in nlp.target_rules}
    covered |= {f for h, fs in helpers.items() if h in covered for f in fs}
    for fid in sorted(set(rb.findings) - covered):
        check.errors.append(f"nlp/target_rules.json: no rule finds {fid!r} in a note")


#: The optional expressions of settings.yaml `answers`, with the named groups each must have.
_ANSWER_GROUPS: dict[str, tuple[str, ...]] = {
    "asks": ("asks",),
    "continues": (),
    "inline": ("no", "yes"),
    "boxes": ("no", "yes"),
    "list_label": ("list",),
    "each": ("each",),
    "each_answer": ("yes", "no"),
    "legend": ("code", "meaning"),
    "normal_contrast": ("contrast",),
    **dict.fromkeys(
        ("opens", "qualifier", "leader", "normal_label", "presupposes", "table_yes", "table_no",
         "table_mark", "table_unanswered", "legend_yes", "legend_no", "legend_scale",
         "legend_unanswered", "denial_after", "normal_named", "answered_each", "each_item",
         "each_label"),
        (),
    ),
}  # fmt: skip


def _check_regex(check: _Checker, where: str, expression: str, groups: tuple[str, ...]) -> None:
    """A regular expression of the knowledge compiles and has the named groups it must."""
    try:
        named = re.compile(expression).groupindex
    except re.error as exc:
        check.errors.append(f"{where} is not a regular expression: {exc}")
        return
    lacking = [group for group in groups if group not in named]
    if lacking:
        check.errors.append(f"{where} has no group named {lacking[0]!r}")


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
        check.refs(f"{where}.refer", "referral", r.refer, rb.referrals)
        check.refs(f"{where}.plan", "step", r.plan, rb.steps)
        if r.next_step is not None and r.next_step.study is not None:
            check.refs(f"{where}.next_step.study", "study", [r.next_step.study], rb.studies)
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
    _check_acuity_order(check, p)
    if p.age_alone is not None:
        check.sources(f"{name}: age_alone", p.age_alone.sources)
        other = p.age_alone.compare_with
        if other == p.id or other not in rb.policies:
            check.errors.append(f"{name}: age_alone.compare_with: {other!r} is not another policy")


def acuity(policy: Policy, ref: str) -> int:
    """How pressing a yes to this required question can make the decision: the rank (0 =
    emergency) of the most pressing image rule that uses it; age ranks first (it is asked
    first), and a question that no image rule uses ranks last."""
    if ref == "age":
        return -1
    ranks = [
        URGENCY_ORDER.index(rule.urgency)
        for rule in policy.rules
        if rule.decision == "image" and rule.urgency and ref in when_ids(rule.when)
    ]
    return min(ranks, default=len(URGENCY_ORDER))


def _check_acuity_order(check: _Checker, p: Policy) -> None:
    """`required` is the order of the questions: most acute first (the interactive questions,
    the page and the `ask_before_ordering` list follow it)."""
    ranks = [acuity(p, ref) for ref in p.required]
    for i in range(1, len(ranks)):
        if ranks[i] < ranks[i - 1]:
            check.errors.append(
                f"policies/{p.id}.yaml: required: {p.required[i]!r} can be more urgent than "
                f"{p.required[i - 1]!r} and must come before it (order by acuity)"
            )


def _check_record_rules(check: _Checker) -> None:
    """Record rules name known findings, value sets, readers and sources; every window and
    threshold has a unit of the right kind; only a measurement can make a finding absent."""
    rb = check.rb
    name = "record_rules.yaml"
    systems = [s.name for s in rb.code_systems.systems]
    if len(set(systems)) != len(systems):
        check.errors.append("code_systems.yaml: a system name is listed twice")
    wanted = {
        *CODED_READERS,
        "Observation.valueQuantity",
        "Medication.daysCovered",
        "QuestionnaireResponse.answer",
    }
    for missing in sorted(wanted - set(rb.readers)):
        check.errors.append(f"{name}: readers: no reader {missing!r}")
    for part in ("answers", "notes"):
        check.sources(f"{name}: {part}", getattr(rb, part).sources)
        _check_window(check, f"{name}: {part}.window", getattr(rb, part).window)
    for fid, rule in rb.record_rules.items():
        where = f"{name}: rules ({fid})"
        check.refs(where, "finding", [fid], rb.findings)
        check.sources(where, rule.sources)
        if not (rule.present or rule.suggests):
            check.errors.append(f"{where}: no `present` or `suggests` source")
        if rule.threshold is not None and rb.units.kind_of(rule.threshold.unit) is None:
            check.errors.append(
                f"{where}.threshold: unknown unit {rule.threshold.unit!r} (units.yaml)"
            )
        for part in ("present", "absent", "suggests"):
            for i, source in enumerate(getattr(rule, part)):
                at = f"{where}.{part}[{i}]"
                check.refs(at, "value set", [source.value_set], rb.value_sets)
                _check_window(check, f"{at}.window", source.window)
                if "QuestionnaireResponse.answer" in source.read:
                    check.errors.append(f"{at}.read: answers are read for every finding (answers)")
                measured = [r for r in source.read if r not in CODED_READERS]
                if measured and len(source.read) > 1:
                    check.errors.append(f"{at}.read: a measurement is read on its own")
                if measured and (source.compare is None or rule.threshold is None):
                    check.errors.append(
                        f"{at}: {measured[0]} needs `compare` and the rule's `threshold`"
                    )
                if not measured and source.compare is not None:
                    check.errors.append(f"{at}.compare: a coded record has no value to compare")
                if measured and rule.threshold is not None:
                    kind = rb.units.kind_of(rule.threshold.unit)
                    compares = "time" if measured[0] == "Medication.daysCovered" else "temperature"
                    if kind not in (compares, None):
                        check.errors.append(
                            f"{at}: {measured[0]} compares a {compares}, the threshold is a {kind}"
                        )
                if part == "absent" and not measured:
                    check.errors.append(
                        f"{at}: the absence of a code never makes a finding absent; only a "
                        "measured value can"
                    )


def _check_window(check: _Checker, where: str, window: Any) -> None:
    if window == "ever":
        return
    unit = check.rb.units.kind_of(window.unit)
    if unit != "time":
        check.errors.append(f"{where}: {window.unit!r} is not a unit of time (units.yaml)")
    elif check.rb.days(window) != int(check.rb.days(window)):
        check.errors.append(f"{where}: windows are counted in whole days")


# --- EHR integration: imaging orders and CDS Hooks cards ----------------------------------------


def _check_imaging_orders(check: _Checker) -> None:
    """Every lumbar imaging CPT code names one study; every image rule of every policy has the
    scenario whose ACR ratings judge an order against it, and its own study is usually
    appropriate there."""
    rb = check.rb
    orders = rb.imaging_orders
    name = "imaging_orders.yaml"
    studies = _collect_ids(check, name, "study", orders.studies)
    scenarios = _collect_ids(check, name, "scenario", orders.scenarios)
    for s in orders.studies:
        check.sources(f"{name}: studies ({s.id})", s.sources)
    check.refs(f"{name}: value_set", "value set", [orders.value_set], rb.value_sets)
    listed = (
        set(rb.value_sets[orders.value_set].codes.cpt)
        if orders.value_set in rb.value_sets
        else set()
    )
    seen: dict[str, str] = {}
    for s in orders.studies:
        for code in s.cpt:
            if code in seen:
                check.errors.append(
                    f"{name}: studies ({s.id}): CPT {code} is also study {seen[code]!r}"
                )
            seen[code] = s.id
            if listed and code not in listed:
                check.errors.append(
                    f"{name}: studies ({s.id}): CPT {code} is not in "
                    f"value_sets/{orders.value_set}.yaml"
                )
    for code in sorted(listed - set(seen)):
        check.errors.append(
            f"{name}: CPT {code} of value_sets/{orders.value_set}.yaml names no study"
        )
    for study in rb.studies.values():
        where = f"{name}: studies.yaml study {study.id!r}"
        if study.id not in studies:
            check.errors.append(f"{where} is not an ordered study")
        for code in study.codes.cpt:
            if seen.get(code, study.id) != study.id:
                check.errors.append(f"{where}: CPT {code} orders {seen[code]!r}")
    for sc in orders.scenarios:
        where = f"{name}: scenarios ({sc.id})"
        check.sources(where, sc.sources)
        check.refs(f"{where}.usually", "ordered study", sc.usually, studies)
        check.refs(f"{where}.may_be", "ordered study", sc.may_be, studies)
        for ref in sorted(set(sc.usually) & set(sc.may_be)):
            check.errors.append(f"{where}: {ref!r} is both usually and maybe appropriate")
    rules = {r.id: r for p in rb.policies.values() for r in p.rules}
    check.refs(f"{name}: rule_scenarios", "rule", orders.rule_scenarios, rules)
    check.refs(f"{name}: rule_scenarios", "scenario", orders.rule_scenarios.values(), scenarios)
    for rule in rules.values():
        if rule.decision != "image":
            continue
        scenario = orders.scenario_for(rule)
        where = f"{name}: rule {rule.id!r}"
        if scenario is None:
            if rule.acr_variant is not None and rule.id not in orders.rule_scenarios:
                check.errors.append(f"{where}: no scenario has acr_variant {rule.acr_variant!r}")
            elif rule.id not in orders.rule_scenarios:
                check.errors.append(f"{where}: no scenario (add it under rule_scenarios)")
        elif rule.study not in scenario.usually:
            check.errors.append(
                f"{where}: its study {rule.study!r} is not usually appropriate in scenario "
                f"{scenario.id!r}"
            )


def _collect_ids(check: _Checker, name: str, what: str, items: Iterable[Any]) -> set[str]:
    ids: set[str] = set()
    for item in items:
        if item.id in ids:
            check.errors.append(f"{name}: duplicate {what} id {item.id!r}")
        ids.add(item.id)
    return ids


def _placeholders(text: str) -> set[str]:
    """The `{names}` a text uses; a stray brace is reported as the name `{`."""
    import string

    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:
        return {"{"}


def _check_cards(check: _Checker) -> None:
    """Card texts use only the placeholders their kind is filled with; override reasons exist."""
    cards = check.rb.cds_cards
    name = "cards.yaml"
    check.sources(name, cards.sources)
    check.sources(f"{name}: chart", cards.chart.sources)
    codes = [r.code for r in cards.override_reasons]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        check.errors.append(f"{name}: override_reasons: duplicate code {code!r}")
    texts: list[tuple[str, str, str]] = [("source.label", "source.label", cards.source.label)]
    for note in type(cards.notes).model_fields:
        texts.append((f"notes.{note}", f"notes.{note}", getattr(cards.notes, note)))
    for kind in type(cards.cards).model_fields:
        card = getattr(cards.cards, kind)
        for part in ("summary", "detail", "suggestion"):
            if getattr(card, part) is not None:
                texts.append((kind, f"cards.{kind}.{part}", getattr(card, part)))
        check.refs(f"{name}: cards.{kind}.override_reasons", "override reason",
                   card.override_reasons, codes)  # fmt: skip
    for kind, where, text in texts:
        allowed = CARD_PLACEHOLDERS.get(kind, frozenset())
        for unknown in sorted(_placeholders(text) - allowed):
            known = ", ".join(sorted(allowed)) or "none"
            check.errors.append(
                f"{name}: {where}: unknown placeholder {{{unknown}}} (known: {known})"
            )


# --- the quality measure (knowledge/measure.yaml) ----------------------------------------------


def _check_measure(check: _Checker) -> None:
    """The measure names known value sets, readers and sources; every window and duration has a
    unit of time; a source reads a value set unless it reads the death date."""
    rb = check.rb
    m = rb.measure
    name = "measure.yaml"
    check.sources(name, m.sources)
    check.refs(f"{name}: index.value_set", "value set", [m.index.value_set], rb.value_sets)
    check.refs(f"{name}: numerator.value_set", "value set", [m.numerator.value_set],
               rb.value_sets)  # fmt: skip
    for where, quantity in (
        ("index.negative_history", m.index.negative_history),
        ("numerator.within", m.numerator.within),
        ("exclusions_through", m.exclusions_through),
        ("enrolment.before", m.enrolment.before),
        ("enrolment.after", m.enrolment.after),
        ("enrolment.allowed_gap", m.enrolment.allowed_gap),
        ("missed_red_flag.within", m.missed_red_flag.within),
    ):
        _check_window(check, f"{name}: {where}", quantity)
    for month_day in (m.intake.first_day, m.intake.last_day):
        try:
            date.fromisoformat(f"2024-{month_day}")
        except ValueError:
            check.errors.append(f"{name}: intake: {month_day!r} is not a month and day")
    seen: set[str] = set()
    for exclusion in m.exclusions:
        where = f"{name}: exclusions ({exclusion.id})"
        if exclusion.id in seen:
            check.errors.append(f"{where}: duplicate exclusion id")
        seen.add(exclusion.id)
        for g, group in enumerate(exclusion.all):
            for i, source in enumerate(group.any):
                at = f"{where}.all[{g}].any[{i}]"
                facts = [r for r in source.read if "." in r and r.split(".")[0] in
                         ("Condition", "Procedure", "Encounter")]  # fmt: skip
                check.refs(f"{at}.read", "reader (record_rules.yaml)", facts, rb.readers)
                if source.read == ("Patient.deceased",):
                    if source.value_set is not None:
                        check.errors.append(f"{at}: the death date has no value set")
                elif source.value_set is None:
                    check.errors.append(f"{at}: a value_set is needed")
                else:
                    check.refs(at, "value set", [source.value_set], rb.value_sets)
                if source.unless_in is not None:
                    check.refs(f"{at}.unless_in", "value set", [source.unless_in], rb.value_sets)
                if not isinstance(source.window, str):
                    _check_window(check, f"{at}.window", source.window)
                consecutive = "Medication.consecutiveDays" in source.read
                if consecutive != (source.at_least is not None):
                    check.errors.append(
                        f"{at}: `at_least` goes with Medication.consecutiveDays, and only there"
                    )
                if source.at_least is not None:
                    _check_window(check, f"{at}.at_least", source.at_least)
                if consecutive and isinstance(source.window, str):
                    check.errors.append(f"{at}.window: consecutive days need a look-back")
                if len(source.read) > 1 and any(r.startswith(("Medication.", "Patient."))
                                                 for r in source.read):  # fmt: skip
                    check.errors.append(f"{at}.read: a medicine or death is read on its own")
