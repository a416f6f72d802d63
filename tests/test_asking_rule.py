"""The asking rule, proved by enumeration for both policies.

The interactive questions (`spinewise assess --ask`) ask the required questions one by one, most
acute first, and stop only when no answer to the unanswered ones can change anything a clinician
acts on: the decision, the urgency, the study (modality and contrast) and the other studies
ordered now, the referrals, and the suspected conditions (`engine.actionable`).

The proof has three parts, each by enumeration through the public API:
1. the table: `assess` on every complete answer (every required question yes or no, every age
   class), for each policy;
2. the dialogue: every path of answers the clinician can give, yes or no to each question asked
   and "don't know" (`?`) to at most one of them, driven by `next_question` exactly as the CLI
   drives it. At every stop, every completion of the unanswered questions (looked up in the
   table) gives the same actionable output as the result shown; at every question, some
   completion would change it; the questions come in the policy's order of acuity;
3. the bound: for every combination of answered, unanswered and "don't know" questions at a
   known age (3^n states), the engine's test (every unanswered question "no" against every one
   "yes") says "settled" only when every completion agrees. This covers the paths with more
   than one "don't know", which part 2 does not walk.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pytest

from spinewise import Presentation, assess, default_rulebook
from spinewise.engine import actionable, flag_values, next_question, settled

RB = default_rulebook()
POLICIES = ["seed", "acr"]
Cube = np.ndarray[Any, np.dtype[np.int16]]


def age_classes() -> list[float]:
    """One age for each distinct set of age flags over the adult range (18-120, in half
    years): every age is equivalent, for the rules, to one of these."""
    seen: dict[tuple[bool | None, ...], float] = {}
    for half_years in range(36, 241):
        age = half_years / 2
        flags = flag_values(Presentation(age=age), RB)
        seen.setdefault(tuple(flags[f] for f in RB.age_flags), age)
    return sorted(seen.values())


AGES = age_classes()


@dataclass
class Table:
    """`actionable` and the order part (urgency and studies) of every complete answer."""

    policy: str
    questions: list[str]
    acts: list[int] = field(default_factory=list)  # index: age class * 2^n + answer bits
    orders: list[int] = field(default_factory=list)

    def index(self, age: int, bits: int) -> int:
        return age * (1 << len(self.questions)) + bits


@cache
def table(policy: str) -> Table:
    questions = [q for q in RB.policy(policy).required if q != "age"]
    t = Table(policy, questions)
    act_ids: dict[Any, int] = {}
    order_ids: dict[Any, int] = {}
    for age in AGES:
        for bits in range(1 << len(questions)):
            findings = {q: bool(bits >> i & 1) for i, q in enumerate(questions)}
            a = actionable(assess({"age": age, "findings": findings}, policy))
            t.acts.append(act_ids.setdefault(a, len(act_ids)))
            t.orders.append(order_ids.setdefault(a[1:4], len(order_ids)))
    return t


def completions(t: Table, age: float | None, answers: dict[str, bool | None]) -> Iterator[int]:
    """Table indices of every completion: each unanswered question yes or no, and every age
    class when the age is unknown."""
    fixed = sum(1 << i for i, q in enumerate(t.questions) if answers.get(q) is True)
    open_bits = [1 << i for i, q in enumerate(t.questions) if answers.get(q) is None]
    ages = range(len(AGES)) if age is None else [AGES.index(age)]
    for a in ages:
        for chosen in itertools.product((0, 1), repeat=len(open_bits)):
            yield t.index(a, fixed + sum(b for b, c in zip(open_bits, chosen, strict=True) if c))


@dataclass
class Walk:
    stops: int = 0
    questions: int = 0
    early_stops: int = 0


def walk(policy: str, max_unknown: int) -> Walk:
    """Every path of the dialogue, checking the asking rule at every step."""
    t = table(policy)
    required = RB.policy(policy).required
    seen = Walk()

    def step(age: float | None, answers: dict[str, bool | None], asked: list[str]) -> None:
        presentation = Presentation.model_construct(age=age, setting=None, findings=answers)
        ask = next_question(presentation, policy, asked=asked)
        unknown = sum(1 for q in asked if q != "age" and answers.get(q) is None)
        unknown += "age" in asked and age is None
        indices = list(completions(t, age, answers))
        outputs = {t.acts[i] for i in indices}
        if ask is None:
            seen.stops += 1
            result = assess(presentation, policy)
            if len(asked) < len(required):
                seen.early_stops += 1
                _check_stop(t, age, answers, asked, result, indices)
            _check_provisional(t, age, answers, result)
            return
        seen.questions += 1
        assert ask not in asked
        # Asked only when an answer can still change something (with the age unknown, the
        # engine bounds it by every age flag at once, which may ask one question too many),
        # and in the order of acuity.
        assert len(outputs) > 1 or age is None, (policy, answers, ask)
        assert all(required.index(q) < required.index(ask) for q in asked), (
            asked,
            ask,
            answers,
            age,
        )
        choices: list[Any] = [True, False] + ([None] if unknown < max_unknown else [])
        for value in choices:
            if ask == "age":
                for a in AGES if value is True else [None] if value is None else []:
                    step(a, answers, [*asked, ask])
            else:
                step(age, {**answers, ask: value}, [*asked, ask])

    step(None, {}, [])
    return seen


def _check_stop(
    t: Table,
    age: float | None,
    answers: dict[str, bool | None],
    asked: list[str],
    result: Any,
    indices: list[int],
) -> None:
    """Stopped before every question was asked: no answer to the questions not yet asked can
    change anything actionable, whatever the answers to the "don't know"s. With no "don't
    know", every completion agrees with the result shown, and it is not provisional."""
    dont_know = [q for q in t.questions if q in asked and answers.get(q) is None]
    age_unknown = age is None and "age" in asked
    if not dont_know and not age_unknown:
        assert len({t.acts[i] for i in indices}) == 1, (t.policy, age, answers, asked)
        assert result.decision == "image" and not result.provisional
        assert actionable(result) == _act_of(t, indices[0])
        return
    for values in itertools.product((False, True), repeat=len(dont_know)):
        fixed = {**answers, **dict(zip(dont_know, values, strict=True))}
        for a in AGES if age_unknown else [age]:
            outputs = {t.acts[i] for i in completions(t, a, fixed)}
            assert len(outputs) == 1, (t.policy, a, fixed, asked)


_ACT_VALUES: dict[tuple[str, int], tuple[Any, ...]] = {}


def _act_of(t: Table, index: int) -> tuple[Any, ...]:
    """The actionable output at a table index (recomputed: the table keeps only ids)."""
    key = (t.policy, index)
    if key not in _ACT_VALUES:
        n = len(t.questions)
        age, bits = AGES[index >> n], index & ((1 << n) - 1)
        findings = {q: bool(bits >> i & 1) for i, q in enumerate(t.questions)}
        _ACT_VALUES[key] = actionable(assess({"age": age, "findings": findings}, t.policy))
    return _ACT_VALUES[key]


def _check_provisional(
    t: Table, age: float | None, answers: dict[str, bool | None], result: Any
) -> None:
    """`provisional` exactly when an image order could still change its urgency or studies;
    each question listed could change it."""
    orders = {t.orders[i] for i in completions(t, age, answers)}
    changes = result.decision == "image" and len(orders) > 1
    assert result.provisional == changes, (t.policy, age, answers)
    assert bool(result.ask_before_ordering) == changes
    for q in result.ask_before_ordering:
        if q == "age":
            continue
        without = {**answers, q: False}
        with_yes = {**answers, q: True}
        pairs = zip(completions(t, age, without), completions(t, age, with_yes), strict=True)
        assert any(t.orders[a] != t.orders[b] for a, b in pairs), (q, answers)


@pytest.mark.parametrize("policy", POLICIES)
def test_every_dialogue_stops_only_when_nothing_actionable_can_change(policy: str) -> None:
    """Part 2, yes and no answers: every path."""
    seen = walk(policy, max_unknown=0)
    assert seen.early_stops > 0 and seen.questions > 0


@pytest.mark.parametrize("policy", POLICIES)
def test_with_one_dont_know_the_dialogue_still_stops_only_when_settled(policy: str) -> None:
    """Part 2, with a "don't know" at any one question (the age included)."""
    seen = walk(policy, max_unknown=1)
    assert seen.stops > 1000


def _cube_constant(values: Cube) -> Cube:
    """For every state in {no, yes, unanswered}^n: the value every completion shares, or -1."""
    out = values
    for axis in range(values.ndim):
        no, yes = np.take(out, 0, axis=axis), np.take(out, 1, axis=axis)
        out = np.stack([no, yes, np.where(no == yes, no, -1)], axis=axis)
    return out


def _bound(values: Cube, answer: int) -> Cube:
    """For every state: the value with every unanswered question answered `answer`."""
    out = values
    for axis in range(values.ndim):
        no, yes = np.take(out, 0, axis=axis), np.take(out, 1, axis=axis)
        out = np.stack([no, yes, yes if answer else no], axis=axis)
    return out


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("part", ["acts", "orders"])
def test_the_bound_is_exact_for_every_state(policy: str, part: str) -> None:
    """Part 3: "every unanswered question no" equal to "every one yes" implies every
    completion is equal (and so `settled` and `provisional` are exact), for every state."""
    t = table(policy)
    n = len(t.questions)
    values = np.array(getattr(t, part), dtype=np.int16)
    for a in range(len(AGES)):
        # The table is indexed by bits, question i in bit i; numpy's axes run the other way.
        cube = values[a << n : (a + 1) << n].reshape((2,) * n).transpose(range(n - 1, -1, -1))
        agree = _bound(cube, 0) == _bound(cube, 1)
        constant = _cube_constant(cube)
        assert not np.any(agree & (constant != _bound(cube, 0))), (policy, AGES[a])
        assert np.all(agree == (constant != -1))


@pytest.mark.parametrize("policy", POLICIES)
def test_settled_agrees_with_the_table_on_states_with_several_unknowns(policy: str) -> None:
    """The engine's `settled` is the bound of part 3 (states sampled across the cube)."""
    t = table(policy)
    states = itertools.islice(
        itertools.product((True, False, None), repeat=len(t.questions)), 0, None, 9973
    )
    checked = 0
    for values in states:
        answers = dict(zip(t.questions, values, strict=True))
        for age in [*AGES, None]:
            outputs = {t.acts[i] for i in completions(t, age, answers)}
            got = settled({"age": age, "findings": answers}, policy)
            if age is not None:
                assert got == (len(outputs) == 1), (policy, age, answers)
            elif got:
                assert len(outputs) == 1, (policy, answers)
            checked += 1
    assert checked > 1000
