"""Safety invariants, checked on random presentations (hypothesis).

- a present finding never turns `image` into anything else (adding findings is monotone);
- `conservative` never comes with an unknown required question;
- the answer depends only on the input;
- under `seed`, any present red flag gives `image`;
- a present red flag is never hidden: every finding of a fired image rule is in `red_flags`.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from spinewise import assess, default_rulebook
from spinewise.model import URGENCY_ORDER, when_ids

RB = default_rulebook()
FINDINGS = sorted(RB.findings)
POLICIES = sorted(RB.policies)
tri_state = st.sampled_from([True, False, None])
ages = st.one_of(st.none(), st.integers(18, 120), st.floats(18, 120, allow_nan=False))


@st.composite
def presentations(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(FINDINGS), unique=True))
    findings = {fid: draw(tri_state) for fid in chosen}
    return {"age": draw(ages), "findings": findings}


def urgency_rank(urgency: str | None) -> int:
    return URGENCY_ORDER.index(urgency) if urgency else len(URGENCY_ORDER)


@settings(max_examples=300)
@given(presentations(), st.sampled_from(POLICIES), st.sampled_from(FINDINGS))
def test_a_present_finding_never_undoes_image(
    pres: dict[str, Any], policy: str, extra: str
) -> None:
    before = assess(pres, policy)
    after = assess({**pres, "findings": {**pres["findings"], extra: True}}, policy)
    if before.decision == "image":
        assert after.decision == "image"
        assert urgency_rank(after.urgency) <= urgency_rank(before.urgency)
        assert set(before.red_flags) <= set(after.red_flags)
    assert after.decision != "conservative" or before.decision == "conservative"


@settings(max_examples=300)
@given(presentations(), st.sampled_from(POLICIES))
def test_conservative_only_when_every_required_question_is_answered(
    pres: dict[str, Any], policy: str
) -> None:
    result = assess(pres, policy)
    required = RB.policy(policy).required
    unknown = [
        ref
        for ref in required
        if (pres["age"] is None if ref == "age" else pres["findings"].get(ref) is None)
    ]
    assert result.unanswered == unknown
    if result.decision == "conservative":
        assert unknown == []
        assert result.red_flags == []
    if result.decision == "incomplete":
        assert unknown and not result.red_flags


@settings(max_examples=200)
@given(presentations(), st.sampled_from(POLICIES))
def test_the_answer_depends_only_on_the_input(pres: dict[str, Any], policy: str) -> None:
    shuffled = {**pres, "findings": dict(reversed(list(pres["findings"].items())))}
    assert assess(pres, policy) == assess(shuffled, policy) == assess(pres, policy)


@settings(max_examples=300)
@given(presentations())
def test_under_seed_any_present_red_flag_gives_image(pres: dict[str, Any]) -> None:
    seed = RB.policy("seed")
    seed_flags = {ref for rule in seed.rules for ref in when_ids(rule.when)}
    present = {fid for fid, value in pres["findings"].items() if value} & seed_flags
    older = pres["age"] is not None and pres["age"] > 50
    result = assess(pres, "seed")
    if present or older:
        assert result.decision == "image"
        assert present <= set(result.red_flags)
        assert older == ("older_age" in result.red_flags)
    else:
        assert result.decision != "image"


@settings(max_examples=300)
@given(presentations(), st.sampled_from(POLICIES))
def test_a_present_red_flag_is_never_hidden(pres: dict[str, Any], policy: str) -> None:
    result = assess(pres, policy)
    because = {ref for c in result.suspected_conditions for ref in c.because}
    assert set(result.red_flags) | set(result.weak_flags) >= because
    for c in result.suspected_conditions:
        assert c.sources, c.id
    if result.decision == "image":
        assert result.imaging is not None and result.urgency is not None
        assert result.referral
    else:
        assert result.imaging is None and result.urgency is None
    cited = {s.id for s in result.sources}
    assert {s for c in result.suspected_conditions for s in c.sources} <= cited
