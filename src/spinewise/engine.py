"""The reference engine: one presentation in, one assessment out, under one policy.

Plain Python on purpose: this is the engine every other (the population engines) must agree
with. Logic is three-valued throughout: a finding is True (present), False (asked and absent) or
None (unknown). A rule fires only when its condition is True; an unknown required question blocks
`conservative` but never hides a present red flag.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spinewise.model import (
    URGENCY_ORDER,
    AnyOf,
    Assessment,
    Decision,
    Evidence,
    EvidenceItem,
    ImagingOrder,
    PlannedStep,
    Policy,
    PolicyRef,
    Presentation,
    Rule,
    SourceRef,
    SuspectedCondition,
    Urgency,
    When,
)
from spinewise.rulebook import Rulebook, default_rulebook

__all__ = ["assess", "decided", "evaluate", "flag_values", "truth"]

Values = Mapping[str, bool | None]


def truth(when: When, values: Values) -> bool | None:
    """Kleene's three-valued logic: True, False, or None when the answer is still unknown."""
    return _compile(when)(values)


@functools.cache
def _compile(when: When) -> Callable[[Values], bool | None]:
    """A condition as a closure, compiled once per rule (the hot path of every assessment)."""
    if isinstance(when, str):
        return lambda values: values.get(when)
    is_any = isinstance(when, AnyOf)
    parts = when.any if isinstance(when, AnyOf) else when.all
    # `any` stops at the first True and `all` at the first False; an unknown part leaves the
    # answer unknown unless a later part decides it.
    decisive = is_any
    if all(isinstance(part, str) for part in parts):
        refs = tuple(str(part) for part in parts)

        def flat(values: Values) -> bool | None:
            result: bool | None = not decisive
            for ref in refs:
                value = values.get(ref)
                if value is decisive:
                    return decisive
                if value is None:
                    result = None
            return result

        return flat
    tests = tuple(_compile(part) for part in parts)

    def nested(values: Values) -> bool | None:
        result: bool | None = not decisive
        for test in tests:
            value = test(values)
            if value is decisive:
                return decisive
            if value is None:
                result = None
        return result

    return nested


def _because(when: When, values: Values) -> list[str]:
    """The present findings that make a true condition true (not every leaf it mentions)."""
    if isinstance(when, str):
        return [when]
    parts = when.any if isinstance(when, AnyOf) else when.all
    return [
        ref
        for part in parts
        if (values.get(part) if isinstance(part, str) else truth(part, values))
        for ref in _because(part, values)
    ]


def flag_values(presentation: Presentation, rulebook: Rulebook) -> dict[str, bool | None]:
    """Findings as answered, plus the age flags derived from the age (unknown if age is)."""
    values: dict[str, bool | None] = dict(presentation.findings)
    age = presentation.age
    for flag in rulebook.age_flags.values():
        values[flag.id] = None if age is None else flag.age.contains(age)
    return values


def _unanswered(policy: Policy, presentation: Presentation, values: Values) -> list[str]:
    return [
        ref
        for ref in policy.required
        if (presentation.age is None if ref == "age" else values.get(ref) is None)
    ]


def _decide(
    fired: list[tuple[Rule, int]], unanswered: list[str]
) -> tuple[Decision, Urgency | None, list[Rule]]:
    """The decision rule of CONTRACT.md §4: any image rule → image, at the most pressing
    urgency; else an unknown required question → incomplete; else conservative.

    Returns the image rules most pressing first (rule order breaks ties).
    """
    strong = sorted((pair for pair in fired if pair[0].decision == "image"), key=lambda p: p[1])
    if strong:
        return "image", strong[0][0].urgency, [rule for rule, _ in strong]
    return ("incomplete" if unanswered else "conservative"), None, []


def _urgency_rank(urgency: Urgency | None) -> int:
    return URGENCY_ORDER.index(urgency) if urgency is not None else len(URGENCY_ORDER)


def evaluate(
    policy: str, values: Values, unanswered: list[str], *, rulebook: Rulebook | None = None
) -> tuple[Decision, Urgency | None]:
    """Decision and urgency only: the cheap core of `assess`, for what-if questions."""
    prep = _prepare(rulebook or default_rulebook(), policy)
    fired = [(rule, rank) for rule, rank, test in prep.rules if test(values)]
    decision, urgency, _ = _decide(fired, unanswered)
    return decision, urgency


def decided(
    presentation: Presentation | Mapping[str, Any],
    pending: Iterable[str],
    policy: str = "seed",
    *,
    rulebook: Rulebook | None = None,
) -> bool:
    """True when answering the `pending` (not yet asked) questions cannot change the decision
    or its urgency.

    The rules are monotone (a present finding only adds), so it is enough to compare the
    outcome with every pending question answered "no" against every one answered "yes".
    """
    rb = rulebook or default_rulebook()
    pol = rb.policy(policy)
    pres = _presentation(presentation, rb)
    pending = set(pending)
    values = flag_values(pres, rb)
    lows: dict[str, bool | None] = dict(values)
    highs: dict[str, bool | None] = dict(values)
    # A pending age stands for every age flag at once: an upper bound, never a real age.
    for ref in (pending - {"age"}) | (set(rb.age_flags) if "age" in pending else set()):
        lows[ref], highs[ref] = False, True
    still_open = [ref for ref in _unanswered(pol, pres, values) if ref not in pending]
    return evaluate(policy, lows, still_open, rulebook=rb) == evaluate(
        policy, highs, still_open, rulebook=rb
    )


def _presentation(presentation: Presentation | Mapping[str, Any], rb: Rulebook) -> Presentation:
    if isinstance(presentation, Presentation):
        return presentation
    return Presentation.model_validate(presentation, context={"finding_ids": rb.finding_ids})


@dataclass(frozen=True)
class _Prepared:
    """Everything about a policy that does not depend on the patient, built once."""

    policy: Policy
    policy_ref: PolicyRef
    order: Mapping[str, int]
    rules: tuple[tuple[Rule, int, Callable[[Values], bool | None]], ...]  # rank, compiled test
    sources: Mapping[str, SourceRef]
    source_order: Mapping[str, int]
    evidence: tuple[tuple[EvidenceItem, Evidence], ...]
    condition_order: Mapping[str, int]


@functools.cache
def _prepare(rb: Rulebook, policy_id: str) -> _Prepared:
    pol = rb.policy(policy_id)
    return _Prepared(
        policy=pol,
        policy_ref=PolicyRef(id=pol.id, version=rb.version, title=pol.title),
        order={ref: i for i, ref in enumerate([*rb.findings, *rb.age_flags])},
        rules=tuple((rule, _urgency_rank(rule.urgency), _compile(rule.when)) for rule in pol.rules),
        sources={sid: SourceRef(id=sid, citation=s.citation) for sid, s in rb.sources.items()},
        source_order={sid: i for i, sid in enumerate(rb.sources)},
        evidence=tuple(
            (
                item,
                Evidence(
                    about=item.about,
                    statement=item.statement,
                    setting=item.setting,
                    sources=list(item.sources),
                ),
            )
            for item in rb.evidence
        ),
        condition_order={cid: i for i, cid in enumerate(rb.conditions)},
    )


def _ordered(refs: Iterable[str], order: Mapping[str, int]) -> list[str]:
    """Unique, in the catalogue's order (most serious conditions' findings first)."""
    return sorted(set(refs), key=order.__getitem__)


def assess(
    presentation: Presentation | Mapping[str, Any],
    policy: str = "seed",
    *,
    rulebook: Rulebook | None = None,
) -> Assessment:
    """Assess one presentation under one policy (default: the source text's `seed`).

    Raises `pydantic.ValidationError` naming every bad field of a mapping, and
    `UnknownPolicyError` for a policy the rulebook does not define.
    """
    rb = rulebook or default_rulebook()
    prep = _prepare(rb, policy)
    pol = prep.policy
    pres = _presentation(presentation, rb)
    values = flag_values(pres, rb)
    fired = [(rule, rank) for rule, rank, test in prep.rules if test(values)]
    unanswered = _unanswered(pol, pres, values)
    decision, urgency, strong_rules = _decide(fired, unanswered)
    weak = [rule for rule, _ in fired if rule.decision == "watch"]
    because = {rule.id: _because(rule.when, values) for rule, _ in fired}

    red_flags = _ordered((ref for rule in strong_rules for ref in because[rule.id]), prep.order)
    red = set(red_flags)
    weak_flags = [
        ref
        for ref in _ordered((ref for rule in weak for ref in because[rule.id]), prep.order)
        if ref not in red
    ]
    suspected = _suspected(rb, prep, fired, because)
    imaging = _imaging(rb, pol, strong_rules, urgency) if urgency is not None else None
    referral = (
        "; ".join(dict.fromkeys(rule.referral for rule in strong_rules if rule.referral))
        if strong_rules
        else None
    )
    next_steps = [
        PlannedStep(
            action=rule.next_step.action,
            when=rule.next_step.when,
            because=because[rule.id],
            sources=list(rule.sources),
        )
        for rule in weak
        if rule.next_step is not None
    ]
    outcome = getattr(pol.outcomes, decision)
    plan = _plan(rb, imaging, referral, strong_rules, outcome.plan, next_steps, unanswered)
    cited = {*pol.sources, *outcome.sources}
    for rule, _ in fired:
        cited.update(rule.sources)
    return Assessment(
        policy=prep.policy_ref,
        decision=decision,
        urgency=urgency,
        suspected_conditions=suspected,
        red_flags=red_flags,
        weak_flags=weak_flags,
        unanswered=unanswered,
        imaging=imaging,
        referral=referral,
        next_steps=next_steps,
        plan=plan,
        evidence=_evidence(prep, pres, suspected, red | set(weak_flags)),
        rules_fired=[rule.id for rule, _ in fired],
        sources=[prep.sources[sid] for sid in _ordered(cited, prep.source_order)],
    )


def _suspected(
    rb: Rulebook,
    prep: _Prepared,
    fired: list[tuple[Rule, int]],
    because: Mapping[str, list[str]],
) -> list[SuspectedCondition]:
    """One entry per suspected condition, the most pressing first; strong if any image rule
    raised it, weak if only a weak-flag rule did."""
    strong: dict[str, bool] = {}
    rank: dict[str, int] = {}
    flags: dict[str, list[str]] = {}
    sources: dict[str, list[str]] = {}
    for rule, rule_rank in fired:
        for cid in rule.suspects:
            strong[cid] = strong.get(cid, False) or rule.decision == "image"
            rank[cid] = min(rank.get(cid, rule_rank), rule_rank)
            flags.setdefault(cid, []).extend(because[rule.id])
            sources.setdefault(cid, []).extend(rule.sources)
    ranked = sorted(strong, key=lambda cid: (rank[cid], prep.condition_order[cid]))
    return [
        _suspected_condition(
            rb,
            cid,
            strong[cid],
            tuple(_ordered(flags[cid], prep.order)),
            tuple(dict.fromkeys(sources[cid])),
        )
        for cid in ranked
    ]


@functools.lru_cache(maxsize=4096)
def _suspected_condition(
    rb: Rulebook, cid: str, strong: bool, because: tuple[str, ...], sources: tuple[str, ...]
) -> SuspectedCondition:
    # Interned: assessments are immutable, and the same entry recurs across patients.
    return SuspectedCondition(
        id=cid,
        name=rb.conditions[cid].name,
        strength="strong" if strong else "weak",
        because=list(because),
        sources=list(sources),
    )


def _imaging(rb: Rulebook, pol: Policy, strong: list[Rule], urgency: Urgency) -> ImagingOrder:
    wanted = tuple(dict.fromkeys(rule.study for rule in strong if rule.study))
    variants = tuple((rule.study, rule.acr_variant) for rule in strong if rule.acr_variant)
    return _imaging_order(rb, pol.id, wanted, variants, urgency)


@functools.cache
def _imaging_order(
    rb: Rulebook,
    policy_id: str,
    wanted: tuple[str, ...],
    variants: tuple[tuple[str | None, str], ...],
    urgency: Urgency,
) -> ImagingOrder:
    # The most pressing rule names the study; a study that another fired rule wants and that
    # covers it (MRI without and with contrast covers MRI without) replaces it: one examination.
    # Cached: the order depends only on the studies wanted, never on the patient.
    primary = wanted[0]
    for candidate in wanted[1:]:
        if primary in rb.studies[candidate].covers:
            primary = candidate
            break
    study = rb.studies[primary]
    return ImagingOrder(
        study=study.id,
        procedure=study.procedure,
        when=rb.policy(policy_id).when[urgency],
        codes={system: list(codes) for system, codes in study.codes if codes},
        acr_variant=next((v for s, v in variants if s == primary), None),
        if_mri_contraindicated=study.if_mri_contraindicated,
        also=[rb.studies[s].procedure for s in wanted if s != primary and s not in study.covers],
    )


def _plan(
    rb: Rulebook,
    imaging: ImagingOrder | None,
    referral: str | None,
    strong: list[Rule],
    outcome_plan: Iterable[str],
    next_steps: list[PlannedStep],
    unanswered: list[str],
) -> list[str]:
    plan: list[str] = []
    if imaging is not None:
        plan.append(f"Order {imaging.procedure}: {imaging.when}.")
        plan.extend(f"Also indicated: {other}." for other in imaging.also)
        if imaging.if_mri_contraindicated:
            plan.append(f"If MRI is contraindicated: {imaging.if_mri_contraindicated}.")
        plan.append(f"Refer: {referral}.")
        plan.extend(step for rule in strong for step in rule.plan)
    elif unanswered:
        plan.append("Still to ask: " + "; ".join(rb.label(ref) for ref in unanswered) + ".")
    plan.extend(outcome_plan)
    plan.extend(f"Planned: {step.action}, {step.when}." for step in next_steps)
    return list(dict.fromkeys(plan))


def _evidence(
    prep: _Prepared,
    pres: Presentation,
    suspected: list[SuspectedCondition],
    flags: set[str],
) -> list[Evidence]:
    """The published figures for the flags present, the conditions suspected (some only with
    several flags), and the prevalence in this setting (every setting when none is given)."""
    counts = {c.id: len(c.because) for c in suspected}
    shown = []
    for item, evidence in prep.evidence:
        if item.about == "context":
            relevant = item.setting == "any" or pres.setting in (None, item.setting)
        elif item.about in counts:
            relevant = counts[item.about] >= item.min_flags
        else:
            relevant = item.about in flags
        if relevant:
            shown.append(evidence)
    return shown
