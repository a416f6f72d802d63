"""The reference engine: one presentation in, one assessment out, under one policy.

Plain Python on purpose: this is the engine every other (the population engines) must agree
with. Logic is three-valued throughout: a finding is True (present), False (asked and absent) or
None (unknown). A rule fires only when its condition is True; an unknown required question blocks
`conservative` but never hides a present red flag.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from spinewise.model import (
    URGENCY_ORDER,
    AnyOf,
    Assessment,
    ComparedView,
    Decision,
    Evidence,
    EvidenceItem,
    IfYes,
    ImagingOrder,
    Notice,
    PlannedStep,
    Policy,
    PolicyRef,
    Presentation,
    ReferralOrder,
    Rule,
    SourceRef,
    StudyOrder,
    SuspectedCondition,
    Urgency,
    When,
    when_ids,
)
from spinewise.rulebook import Rulebook, default_rulebook

__all__ = [
    "actionable",
    "assess",
    "evaluate",
    "flag_values",
    "next_question",
    "settled",
    "truth",
]

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


def _urgency_rank(urgency: Urgency | None) -> int:
    return URGENCY_ORDER.index(urgency) if urgency is not None else len(URGENCY_ORDER)


def _presentation(presentation: Presentation | Mapping[str, Any], rb: Rulebook) -> Presentation:
    if isinstance(presentation, Presentation):
        return presentation
    return Presentation.model_validate(presentation, context={"finding_ids": rb.finding_ids})


@dataclass(frozen=True, eq=False)
class _Prepared:
    """Everything about a policy that does not depend on the patient, built once."""

    rb: Rulebook
    policy: Policy
    policy_ref: PolicyRef
    order: Mapping[str, int]
    rules: tuple[tuple[Rule, int, Callable[[Values], bool | None]], ...]  # rank, compiled test
    sources: Mapping[str, SourceRef]
    source_order: Mapping[str, int]
    evidence: tuple[tuple[EvidenceItem, Evidence], ...]
    condition_order: Mapping[str, int]
    required_order: Mapping[str, int]
    mentions: tuple[frozenset[str], ...]  # per rule: the finding and age-flag ids it uses
    by_ref: Mapping[str, tuple[int, ...]]  # finding or age-flag id -> the rules that use it
    # question (a finding id, or "age") -> the flags its answer sets and the rules using them
    flips: Mapping[str, tuple[tuple[str, ...], frozenset[int]]]
    labels: Mapping[str, str]  # question (a finding id, or "age") -> its label (Rulebook.label)

    @functools.cached_property
    def tests(self) -> tuple[Callable[[Values], bool | None], ...]:
        """Each rule's compiled test, by rule index."""
        return tuple(test for _, _, test in self.rules)

    def fired(self, values: Values) -> tuple[int, ...]:
        """The indices of the rules that are true for these values."""
        return tuple(i for i, test in enumerate(self.tests) if test(values))


@functools.cache
def _prepare(rb: Rulebook, policy_id: str) -> _Prepared:
    pol = rb.policy(policy_id)
    by_ref = {
        ref: tuple(i for i, rule in enumerate(pol.rules) if ref in when_ids(rule.when))
        for ref in [*rb.findings, *rb.age_flags]
    }
    return _Prepared(
        rb=rb,
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
        required_order={ref: i for i, ref in enumerate(pol.required)},
        mentions=tuple(frozenset(when_ids(rule.when)) for rule in pol.rules),
        by_ref=by_ref,
        flips={
            ref: (flags, frozenset(i for flag in flags for i in by_ref.get(flag, ())))
            for ref in [*rb.findings, "age"]
            for flags in [_refs(rb, ref)]
        },
        labels={ref: rb.label(ref) for ref in pol.required},
    )


def _ordered(refs: Iterable[str], order: Mapping[str, int]) -> list[str]:
    """Unique, in the catalogue's order (most serious conditions' findings first)."""
    return sorted(set(refs), key=order.__getitem__)


# --- what the fired rules order: the same for every patient with the same rules fired --------


@dataclass(frozen=True, eq=False)
class _Core:
    """Decision, order, referrals and suspected conditions of one set of fired rules."""

    decision: Decision
    urgency: Urgency | None
    strong: tuple[Rule, ...]  # image rules, most pressing first (rule order breaks ties)
    weak: tuple[Rule, ...]
    imaging: ImagingOrder | None
    referrals: tuple[ReferralOrder, ...]
    suspected: tuple[tuple[str, Literal["strong", "weak"]], ...]
    next_steps: tuple[Rule, ...]  # watch rules whose next step is not ordered now
    steps: tuple[str, ...]  # plan step ids, deduplicated

    @functools.cached_property
    def actionable(self) -> tuple[Any, ...]:
        """What a clinician acts on: decision, urgency, study (and the others ordered now),
        referrals and suspected conditions."""
        imaging = self.imaging
        return (
            self.decision,
            self.urgency,
            imaging.study if imaging else None,
            tuple(imaging.also) if imaging else (),
            tuple((r.id, r.urgency) for r in self.referrals),
            self.suspected,
        )

    @functools.cached_property
    def order(self) -> tuple[Any, ...]:
        """The urgency and the studies: what `provisional` is about."""
        imaging = self.imaging
        study = imaging.study if imaging else None
        return (self.urgency, study, tuple(imaging.also) if imaging else ())


@functools.lru_cache(maxsize=16384)
def _core(prep: _Prepared, fired: tuple[int, ...], open_questions: bool) -> _Core:
    """The decision rule of CONTRACT.md §4: any image rule → image, at the most pressing
    urgency; else an unknown required question → incomplete; else conservative. Cached: it
    depends only on which rules fired."""
    rb = prep.rb
    pairs = [(prep.rules[i][0], prep.rules[i][1]) for i in fired]
    strong = tuple(rule for rule, _ in sorted((p for p in pairs if p[0].decision == "image"),
                                              key=lambda p: p[1]))  # fmt: skip
    weak = tuple(rule for rule, _ in pairs if rule.decision == "watch")
    if strong:
        decision: Decision = "image"
        urgency = strong[0].urgency
    else:
        decision, urgency = ("incomplete" if open_questions else "conservative"), None
    imaging = _imaging(rb, prep.policy, strong) if strong else None
    ordered_now: set[str] = set()
    if imaging is not None:
        for study in (imaging.study, *(o.study for o in imaging.also_orders)):
            ordered_now |= {study, *rb.studies[study].covers}
    next_steps = tuple(
        rule
        for rule in weak
        if rule.next_step is not None and rule.next_step.study not in ordered_now
    )
    return _Core(
        decision=decision,
        urgency=urgency,
        strong=strong,
        weak=weak,
        imaging=imaging,
        referrals=_referrals(rb, strong),
        suspected=_suspected_strengths(prep, pairs),
        next_steps=next_steps,
        steps=_steps(rb, (*strong, *weak), imaging),
    )


def _suspected_strengths(
    prep: _Prepared, pairs: list[tuple[Rule, int]]
) -> tuple[tuple[str, Literal["strong", "weak"]], ...]:
    """Each suspected condition, strong if an image rule raised it, the most pressing first."""
    strong: dict[str, bool] = {}
    rank: dict[str, int] = {}
    for rule, rule_rank in pairs:
        for cid in rule.suspects:
            strong[cid] = strong.get(cid, False) or rule.decision == "image"
            rank[cid] = min(rank.get(cid, rule_rank), rule_rank)
    ranked = sorted(strong, key=lambda cid: (rank[cid], prep.condition_order[cid]))
    return tuple((cid, "strong" if strong[cid] else "weak") for cid in ranked)


def _referrals(rb: Rulebook, strong: tuple[Rule, ...]) -> tuple[ReferralOrder, ...]:
    """One referral per team, at the most pressing urgency of the rules that name it."""
    urgency: dict[str, Urgency] = {}
    for rule in strong:  # most pressing first: the first urgency seen is the one kept
        for team in rule.refer:
            if team not in urgency and rule.urgency is not None:
                urgency[team] = rule.urgency
    return tuple(
        ReferralOrder(
            id=team, to=rb.referrals[team].to, urgency=u, sources=list(rb.referrals[team].sources)
        )
        for team, u in urgency.items()
    )


def _steps(rb: Rulebook, rules: tuple[Rule, ...], imaging: ImagingOrder | None) -> tuple[str, ...]:
    """The plan steps of the fired rules, once each: without the steps another one covers, and
    without those that belong to a study not ordered."""
    wanted = list(dict.fromkeys(step for rule in rules for step in rule.plan))
    covered = {other for step in wanted for other in rb.steps[step].covers}
    study = imaging.study if imaging else None
    return tuple(
        step
        for step in wanted
        if step not in covered
        and (not rb.steps[step].with_study or study in rb.steps[step].with_study)
    )


def _imaging(rb: Rulebook, pol: Policy, strong: tuple[Rule, ...]) -> ImagingOrder:
    return _imaging_order(
        rb,
        pol.id,
        tuple(
            (rule.study, rule.urgency, rule.timing, rule.acr_variant)
            for rule in strong
            if rule.study and rule.urgency
        ),
    )


@functools.cache
def _imaging_order(
    rb: Rulebook,
    policy_id: str,
    wanted: tuple[tuple[str, Urgency, str | None, str | None], ...],
) -> ImagingOrder:
    """One examination for the most pressing rule, and the other studies indicated, each with
    its own timing. Cached: the order depends only on the studies wanted, never on the patient.

    The most pressing rule names the study; a study that another fired rule wants and that
    covers it (MRI without and with contrast covers MRI without) replaces it. A study covered
    by one already ordered is not ordered again.
    """
    pol = rb.policy(policy_id)
    studies = list(dict.fromkeys(study for study, _, _, _ in wanted))

    def covers(study: str) -> tuple[str, ...]:
        return rb.studies[study].covers

    primary = studies[0]
    seen = {primary}
    while upgrade := next((s for s in studies if primary in covers(s) and s not in seen), None):
        primary = upgrade
        seen.add(upgrade)
    others = [s for s in studies if s != primary and s not in covers(primary)]
    also = [s for s in others if not any(s in covers(o) for o in others if o != s)]

    def answers(study: str) -> set[str]:
        return {study, *rb.studies[study].covers}

    def timing(study: str) -> tuple[Urgency, str]:
        # The most pressing rule whose study this one answers sets its urgency; timing lines of
        # those rules (e.g. MRI within 4 hours for cauda equina) belong to this study only.
        mine = [(u, t) for s, u, t, _ in wanted if s in answers(study)]
        urgency = min((u for u, _ in mine), key=URGENCY_ORDER.index)
        extra = [t for u, t in mine if t and u == urgency]
        return urgency, "; ".join([pol.when[urgency], *dict.fromkeys(extra)])

    study = rb.studies[primary]
    _, when = timing(primary)
    also_orders = []
    for other in also:
        urgency, other_when = timing(other)
        also_orders.append(
            StudyOrder(
                study=other,
                procedure=rb.studies[other].procedure,
                urgency=urgency,
                when=other_when,
            )
        )
    return ImagingOrder(
        study=study.id,
        procedure=study.procedure,
        when=when,
        codes={system: list(codes) for system, codes in study.codes if codes},
        acr_variant=next((v for s, _, _, v in wanted if v and s == primary), None),
        if_mri_contraindicated=study.if_mri_contraindicated,
        also=[rb.studies[s].procedure for s in also],
        also_orders=also_orders,
    )


# --- the asking rule: what an answer to an unanswered question could still change -----------


@dataclass(frozen=True)
class _Bounds:
    """The outcome with every unanswered required question answered "no" (low: what is known
    now) and answered "yes" (high). The rules are monotone, and the outcome between the two is
    pinned by them: the property tests prove it by enumeration for every policy."""

    prep: _Prepared
    lows: dict[str, bool | None]
    highs: dict[str, bool | None]
    fired_low: tuple[int, ...]
    fired_high: tuple[int, ...]

    @functools.cached_property
    def fired_low_set(self) -> frozenset[int]:
        return frozenset(self.fired_low)

    @functools.cached_property
    def fired_high_set(self) -> frozenset[int]:
        return frozenset(self.fired_high)

    @property
    def low(self) -> _Core:
        return _core(self.prep, self.fired_low, False)

    @property
    def high(self) -> _Core:
        return _core(self.prep, self.fired_high, False)

    def _flip(
        self,
        values: dict[str, bool | None],
        ref: str,
        to: bool,
        fired: tuple[int, ...],
        fired_set: frozenset[int],
    ) -> tuple[int, ...]:
        """The rules fired once this question's answer is turned to `to`. Only the rules that
        mention it can change, and the rules are monotone: a "yes" can only fire more of them
        (those not fired yet are tested again), a "no" only fewer (those fired)."""
        flags, touched = self.prep.flips[ref]
        candidates = touched - fired_set if to else touched & fired_set
        if not candidates:
            return fired
        tests = self.prep.tests
        if len(flags) == 1:  # a finding (an unanswered age sets every age flag)
            flag = flags[0]
            was = values[flag]  # every flag of an unanswered question is set
            values[flag] = to
            try:
                changed = [i for i in candidates if bool(tests[i](values)) is to]
            finally:
                values[flag] = was
        else:
            before = [values[flag] for flag in flags]
            for flag in flags:
                values[flag] = to
            try:
                changed = [i for i in candidates if bool(tests[i](values)) is to]
            finally:
                for flag, value in zip(flags, before, strict=True):
                    values[flag] = value
        if not changed:
            return fired
        if to:
            return tuple(sorted((*fired, *changed)))  # `changed` holds no rule already fired
        return tuple(i for i in fired if i not in changed)

    def yes_alone(self, ref: str) -> _Core:
        """Every unanswered question "no", except this one "yes"."""
        flipped = self._flip(self.lows, ref, True, self.fired_low, self.fired_low_set)
        return _core(self.prep, flipped, False)

    def no_alone(self, ref: str) -> _Core:
        """Every unanswered question "yes", except this one "no"."""
        flipped = self._flip(self.highs, ref, False, self.fired_high, self.fired_high_set)
        return _core(self.prep, flipped, False)


def _refs(rb: Rulebook, ref: str) -> tuple[str, ...]:
    # An unanswered age stands for every age flag at once: a bound, never a real age.
    return tuple(rb.age_flags) if ref == "age" else (ref,)


def _bounds(
    prep: _Prepared, values: Values, unanswered: list[str], fired: tuple[int, ...] | None = None
) -> _Bounds:
    """`fired`, when given, is the rules fired on `values` as they are: with the unanswered
    questions unknown, a rule is true exactly when it is true with all of them "no" (Kleene's
    logic is exact on conditions without negation), so the low bound needs no new evaluation."""
    lows, highs = dict(values), dict(values)
    for ref in unanswered:
        for flag in prep.flips[ref][0]:
            lows[flag], highs[flag] = False, True
    return _Bounds(
        prep=prep,
        lows=lows,
        highs=highs,
        fired_low=prep.fired(lows) if fired is None else fired,
        fired_high=prep.fired(highs),
    )


def _state(
    presentation: Presentation | Mapping[str, Any], policy: str, rulebook: Rulebook | None
) -> tuple[_Prepared, Values, list[str]]:
    rb = rulebook or default_rulebook()
    prep = _prepare(rb, policy)
    pres = _presentation(presentation, rb)
    values = flag_values(pres, rb)
    return prep, values, _unanswered(prep.policy, pres, values)


def settled(
    presentation: Presentation | Mapping[str, Any],
    policy: str = "seed",
    *,
    rulebook: Rulebook | None = None,
) -> bool:
    """True when no answer to the unanswered required questions can change anything
    actionable: the decision, the urgency, the studies, the referrals and the suspected
    conditions. The interactive questions stop here, and only here."""
    prep, values, unanswered = _state(presentation, policy, rulebook)
    if not unanswered:
        return True
    bounds = _bounds(prep, values, unanswered)
    return bounds.low.actionable == bounds.high.actionable


def next_question(
    presentation: Presentation | Mapping[str, Any],
    policy: str = "seed",
    *,
    asked: Iterable[str] = (),
    rulebook: Rulebook | None = None,
) -> str | None:
    """The next required question to ask, or None to stop.

    Questions come in the policy's order of acuity (`required`); one that cannot change
    anything now is skipped (its condition is already suspected, say). `asked` holds the
    questions already put to the clinician: one answered "don't know" stays unknown and is not
    asked again. The questions stop when no answer to those not yet asked can change anything
    actionable, whatever the answers to the "don't know"s: then the assessment says what is
    still open (and, if the order could still change, that it is provisional).
    """
    prep, values, unanswered = _state(presentation, policy, rulebook)
    done = set(asked)
    candidates = [ref for ref in unanswered if ref not in done]
    if not candidates:
        return None
    bounds = _bounds(prep, values, unanswered)
    if bounds.low.actionable == bounds.high.actionable:
        return None
    for ref in candidates:
        if (
            bounds.yes_alone(ref).actionable != bounds.low.actionable
            or bounds.no_alone(ref).actionable != bounds.high.actionable
        ):
            return ref
    # No question matters alone: ask in order if they matter together, for some answer to the
    # "don't know"s (each combination of those is tried, up to a bound; beyond it, ask).
    dont_know = [ref for ref in unanswered if ref in done]
    if len(dont_know) > _MAX_DONT_KNOW:
        return candidates[0]
    for answers in itertools.product((False, True), repeat=len(dont_know)):
        fixed = dict(values)
        for ref, answer in zip(dont_know, answers, strict=True):
            for flag in _refs(prep.rb, ref):
                fixed[flag] = answer
        sub = _bounds(prep, fixed, candidates)
        if sub.low.actionable != sub.high.actionable:
            return candidates[0]
    return None


#: Beyond this many "don't know" answers, the questions go on in order instead of trying
#: every combination of them (2^10 bounds).
_MAX_DONT_KNOW = 10


def actionable(assessment: Assessment) -> tuple[Any, ...]:
    """What a clinician acts on, as one comparable value: decision, urgency, study (with
    contrast) and the other studies ordered now, referrals with their urgency, and suspected
    conditions with their strength."""
    imaging = assessment.imaging
    return (
        assessment.decision,
        assessment.urgency,
        imaging.study if imaging else None,
        tuple(imaging.also) if imaging else (),
        tuple((r.id, r.urgency) for r in assessment.referrals),
        tuple((c.id, c.strength) for c in assessment.suspected_conditions),
    )


# --- assess ------------------------------------------------------------------------------------


def evaluate(
    policy: str, values: Values, unanswered: list[str], *, rulebook: Rulebook | None = None
) -> tuple[Decision, Urgency | None]:
    """Decision and urgency only: the cheap core of `assess`, for what-if questions."""
    prep = _prepare(rulebook or default_rulebook(), policy)
    core = _core(prep, prep.fired(values), bool(unanswered))
    return core.decision, core.urgency


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
    pres = _presentation(presentation, rb)
    return _assess(prep, pres, compare=True)


def _assess(prep: _Prepared, pres: Presentation, *, compare: bool) -> Assessment:
    rb = prep.rb
    pol = prep.policy
    values = flag_values(pres, rb)
    fired = prep.fired(values)
    unanswered = _unanswered(pol, pres, values)
    core = _core(prep, fired, bool(unanswered))
    rules = [prep.rules[i][0] for i in fired]
    because = {rule.id: _because(rule.when, values) for rule in rules}

    red_flags = _ordered((ref for rule in core.strong for ref in because[rule.id]), prep.order)
    red = set(red_flags)
    weak_flags = [
        ref
        for ref in _ordered((ref for rule in core.weak for ref in because[rule.id]), prep.order)
        if ref not in red
    ]
    suspected = _suspected(rb, prep, rules, core, because)
    next_steps = [
        PlannedStep(
            rule=rule.id,
            action=rule.next_step.action,
            when=rule.next_step.when,
            because=because[rule.id],
            sources=list(rule.sources),
            study=rule.next_step.study,
        )
        for rule in core.next_steps
        if rule.next_step is not None
    ]
    provisional, ask, if_yes = False, list[str](), None
    notices: list[Notice] = []
    if core.decision == "image" and unanswered:
        provisional, ask, if_yes = _provisional(prep, values, unanswered, fired)
        if provisional and if_yes is not None:
            notices.append(_ask_notice(rb, core, ask, if_yes))
    compared = None
    if (
        pol.age_alone is not None
        and core.decision == "image"
        and red_flags
        and all(ref in rb.age_flags for ref in red_flags)
    ):
        notices.append(_age_alone_notice(prep))
        if compare:
            compared = _compared(_prepare(rb, pol.age_alone.compare_with), pres, values)
    outcome = getattr(pol.outcomes, core.decision)
    plan = _plan(prep, core, outcome.plan, next_steps, unanswered)
    cited = {*pol.sources, *outcome.sources}
    for rule in rules:
        cited.update(rule.sources)
    for notice in notices:
        cited.update(notice.sources)
    return Assessment(
        policy=prep.policy_ref,
        decision=core.decision,
        urgency=core.urgency,
        suspected_conditions=suspected,
        red_flags=red_flags,
        weak_flags=weak_flags,
        unanswered=unanswered,
        provisional=provisional,
        ask_before_ordering=ask,
        if_yes=if_yes,
        notices=notices,
        compared=compared,
        imaging=core.imaging,
        referral="; ".join(f"{r.to}, {r.urgency}" for r in core.referrals) or None,
        referrals=list(core.referrals),
        next_steps=next_steps,
        plan=plan,
        steps=list(core.steps),
        evidence=_evidence(prep, pres, suspected, red | set(weak_flags)),
        rules_fired=[rule.id for rule in rules],
        sources=[prep.sources[sid] for sid in _ordered(cited, prep.source_order)],
    )


@functools.lru_cache(maxsize=64)
def _age_alone_notice(prep: _Prepared) -> Notice:
    words = prep.policy.age_alone
    assert words is not None
    return Notice(id="age_alone", text=words.text, sources=list(words.sources))


def _compared(prep: _Prepared, pres: Presentation, values: Values) -> ComparedView:
    """The other policy's view, cached on what it depends on: the findings and the age flags
    (not the exact age, nor the setting: the view carries no evidence)."""
    key = (prep, tuple(values[f] for f in prep.rb.age_flags), tuple(sorted(pres.findings.items())))
    view = _COMPARED.get(key)
    if view is None:
        other = _assess(prep, pres, compare=False)
        view = ComparedView(
            policy=other.policy,
            decision=other.decision,
            urgency=other.urgency,
            imaging=other.imaging,
            referrals=other.referrals,
            next_steps=other.next_steps,
            unanswered=other.unanswered,
            plan=other.plan,
        )
        if len(_COMPARED) >= 4096:
            _COMPARED.clear()
        _COMPARED[key] = view
    return view


_COMPARED: dict[tuple[Any, ...], ComparedView] = {}


def _provisional(
    prep: _Prepared, values: Values, unanswered: list[str], fired: tuple[int, ...]
) -> tuple[bool, list[str], IfYes | None]:
    """Could an answer to an unanswered question still raise the urgency or change the study?
    If so: the questions that could, most urgent first, and the order a yes to all would give."""
    bounds = _bounds(prep, values, unanswered, fired)
    if bounds.low.order == bounds.high.order:
        return False, [], None
    low, high = bounds.low.order, bounds.high.order
    open_refs = _open_image_refs(prep, fired)
    effects: dict[str, _Core] = {}
    for ref in unanswered:
        # Only a question that an image rule not yet true mentions can change the order.
        if ref != "age" and ref not in open_refs:
            continue
        alone = bounds.yes_alone(ref)
        if alone.order != low or bounds.no_alone(ref).order != high:
            effects[ref] = alone
    ask = sorted(
        effects,
        key=lambda ref: (_urgency_rank(effects[ref].urgency), prep.required_order[ref]),
    )
    return True, ask, _if_yes(bounds.high)


@functools.lru_cache(maxsize=4096)
def _if_yes(top: _Core) -> IfYes:
    assert top.imaging is not None and top.urgency is not None  # image stays image
    return IfYes(
        urgency=top.urgency,
        study=top.imaging.study,
        procedure=top.imaging.procedure,
        when=top.imaging.when,
    )


@functools.lru_cache(maxsize=4096)
def _open_image_refs(prep: _Prepared, fired: tuple[int, ...]) -> frozenset[str]:
    done = set(fired)
    return frozenset(
        ref
        for i, (rule, _, _) in enumerate(prep.rules)
        if i not in done and rule.decision == "image"
        for ref in prep.mentions[i]
    )


def _ask_notice(rb: Rulebook, core: _Core, ask: list[str], if_yes: IfYes) -> Notice:
    return _ask_notice_cached(rb, core.urgency, tuple(ask), if_yes.urgency, if_yes.procedure)


@functools.lru_cache(maxsize=4096)
def _ask_notice_cached(
    rb: Rulebook, urgency: Urgency | None, ask: tuple[str, ...], top: Urgency, procedure: str
) -> Notice:
    words = rb.notices.ask_before_ordering
    questions = ", ".join(rb.short_label(ref).lower() if ref != "age" else "age" for ref in ask)
    if _urgency_rank(top) < _urgency_rank(urgency):
        text = words.raises_urgency.format(
            questions=questions, urgency=rb.notices.urgency_words[top], procedure=procedure
        )
    else:
        text = words.changes_study.format(questions=questions, procedure=procedure)
    return Notice(id="ask_before_ordering", text=text, sources=list(words.sources))


def _suspected(
    rb: Rulebook,
    prep: _Prepared,
    rules: list[Rule],
    core: _Core,
    because: Mapping[str, list[str]],
) -> list[SuspectedCondition]:
    """One entry per suspected condition, the most pressing first; strong if any image rule
    raised it, weak if only a weak-flag rule did."""
    flags: dict[str, list[str]] = {}
    sources: dict[str, list[str]] = {}
    for rule in rules:
        for cid in rule.suspects:
            flags.setdefault(cid, []).extend(because[rule.id])
            sources.setdefault(cid, []).extend(rule.sources)
    return [
        _suspected_condition(
            rb,
            cid,
            strength == "strong",
            tuple(_ordered(flags[cid], prep.order)),
            tuple(dict.fromkeys(sources[cid])),
        )
        for cid, strength in core.suspected
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


def _plan(
    prep: _Prepared,
    core: _Core,
    outcome_plan: Iterable[str],
    next_steps: list[PlannedStep],
    unanswered: list[str],
) -> list[str]:
    """The plan a clinician reads: the order (each study with its own timing), one line per
    referral with its urgency, each step once, then the policy's words and the planned steps."""
    plan: list[str] = []
    imaging = core.imaging
    if imaging is not None:
        plan.append(f"Order {imaging.procedure}: {imaging.when}.")
        plan.extend(f"Also order {o.procedure}: {o.when}." for o in imaging.also_orders)
        if imaging.if_mri_contraindicated:
            plan.append(f"If MRI is contraindicated: {imaging.if_mri_contraindicated}.")
        plan.extend(f"Refer ({r.urgency}): {r.to}." for r in core.referrals)
    elif unanswered:
        plan.append("Still to ask: " + "; ".join([prep.labels[ref] for ref in unanswered]) + ".")
    steps = prep.rb.steps
    plan.extend(steps[step].text for step in core.steps)
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
