"""The reference engine's semantics: three-valued logic, `because`, study choice, evidence,
and the what-if check the interactive CLI uses to stop asking."""

from __future__ import annotations

from itertools import product

import pytest

from spinewise import assess, default_rulebook
from spinewise.engine import decided, truth
from spinewise.model import AllOf, AnyOf

TRI = [True, False, None]


@pytest.mark.parametrize(("a", "b"), list(product(TRI, TRI)))
def test_truth_is_kleene_three_valued_logic(a: bool | None, b: bool | None) -> None:
    values = {"a": a, "b": b}
    expected_or = True if True in (a, b) else (None if None in (a, b) else False)
    expected_and = False if False in (a, b) else (None if None in (a, b) else True)
    assert truth(AnyOf(any=("a", "b")), values) is expected_or
    assert truth(AllOf(all=("a", "b")), values) is expected_and


def test_a_missing_id_is_unknown() -> None:
    assert truth("never_asked", {}) is None


def test_because_names_only_the_findings_that_made_the_rule_true() -> None:
    # acr.infection_with_neurologic_finding: (infection risk) and (neurologic finding).
    result = assess(
        {"age": 40, "findings": {"fever": True, "leg_weakness": True, "paresthesia": False}},
        "acr",
    )
    sea = next(c for c in result.suspected_conditions if c.id == "spinal_epidural_abscess")
    assert sea.because == ["leg_weakness", "fever"]


def test_several_fracture_flags_show_the_combined_evidence() -> None:
    one = assess({"age": 40, "findings": {"contusion_or_abrasion": True}})
    two = assess({"age": 72, "findings": {"contusion_or_abrasion": True}})
    several = "Several fracture red flags together"
    assert not any(several in e.statement for e in one.evidence)
    assert any(several in e.statement for e in two.evidence)
    assert any("62%" in e.statement and e.about == "contusion_or_abrasion" for e in two.evidence)


@pytest.mark.parametrize(
    ("setting", "shown", "hidden"),
    [("primary_care", "0.9%", "2.5-5.1%"), ("emergency", "2.5-5.1%", "0.9%")],
)
def test_prevalence_follows_the_setting(setting: str, shown: str, hidden: str) -> None:
    statements = " ".join(e.statement for e in assess({"setting": setting}).evidence)
    assert shown in statements
    assert hidden not in statements


def test_every_assessment_echoes_the_rulebook_version() -> None:
    for policy in ("seed", "acr"):
        assert assess({}, policy).policy.version == default_rulebook().version


def test_conservative_plan_has_return_precautions_and_sources() -> None:
    findings = dict.fromkeys(default_rulebook().findings, False)
    result = assess({"age": 35, "findings": findings})
    assert result.decision == "conservative"
    text = " ".join(result.plan)
    for warning in ("weakness", "saddle", "urine", "fever", "weight loss", "4-6 weeks"):
        assert warning in text
    assert {"ACP2017", "CW-AAFP"} <= {s.id for s in result.sources}


def test_image_plan_states_the_order_the_fallback_and_the_referral() -> None:
    result = assess({"age": 40, "findings": {"bladder_dysfunction": True}})
    assert result.plan[0] == "Order MRI lumbar spine without IV contrast: now (emergency)."
    assert any("CT myelography" in line for line in result.plan)
    assert result.referral and "Emergency spine surgery" in result.referral
    assert result.imaging is not None and result.imaging.codes == {"cpt": ["72148"]}


def test_incomplete_plan_names_the_open_questions() -> None:
    result = assess({"age": 40, "findings": {}})
    assert result.decision == "incomplete"
    assert any(line.startswith("Still to ask: Numbness of the saddle area") for line in result.plan)


@pytest.mark.parametrize(
    ("answers", "pending", "policy", "expected"),
    [
        # Saddle anaesthesia is an emergency under seed: nothing can change that.
        (
            {"age": 40, "findings": {"saddle_anesthesia": True}},
            ["fever", "history_of_cancer"],
            "seed",
            True,
        ),
        # History of cancer is urgent; a pending CES question could still make it an emergency.
        (
            {"age": 40, "findings": {"history_of_cancer": True}},
            ["saddle_anesthesia"],
            "seed",
            False,
        ),
        # Nothing present and questions pending: conservative or image both still possible.
        ({"age": 40, "findings": {}}, ["fever"], "seed", False),
        # Everything asked: decided.
        ({"age": 40, "findings": {}}, [], "seed", True),
        # A pending age under seed could make it image.
        ({"findings": {"fever": False}}, ["age"], "seed", False),
    ],
)
def test_decided(
    answers: dict[str, object], pending: list[str], policy: str, expected: bool
) -> None:
    assert decided(answers, pending, policy) is expected
