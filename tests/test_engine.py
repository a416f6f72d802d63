"""The reference engine's semantics: three-valued logic, `because`, study choice, evidence,
the plan and its referrals, provisional decisions, the age-alone notice, and the asking rule
the interactive questions follow (proved by enumeration in test_asking_rule.py)."""

from __future__ import annotations

import random
from itertools import product

import pytest

from spinewise import assess, default_rulebook
from spinewise.engine import actionable, next_question, settled, truth
from spinewise.model import AllOf, AnyOf, Presentation

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
    assert "Refer (emergency): Spine surgery (neurosurgery or orthopaedic spine)." in result.plan
    assert result.referral == "Spine surgery (neurosurgery or orthopaedic spine), emergency"
    assert result.imaging is not None and result.imaging.codes == {"cpt": ["72148"]}


def test_incomplete_plan_names_the_open_questions() -> None:
    result = assess({"age": 40, "findings": {}})
    assert result.decision == "incomplete"
    assert any(line.startswith("Still to ask: Numbness of the saddle area") for line in result.plan)


ALL_NO = dict.fromkeys(default_rulebook().findings, False)


def every_no_but(*present: str, unknown: tuple[str, ...] = ()) -> dict[str, bool]:
    findings = {**ALL_NO, **dict.fromkeys(present, True)}
    for fid in unknown:
        del findings[fid]
    return findings


# --- the plan and its referrals ---------------------------------------------------------------


def test_each_step_is_said_once_and_a_covering_step_replaces_the_one_it_covers() -> None:
    seed = assess({"age": 40, "findings": every_no_but("fever", "history_of_cancer")})
    assert sum("ESR" in line for line in seed.plan) == 1
    assert sum("blood cultures" in line for line in seed.plan) == 1
    assert seed.steps == ["esr_crp", "blood_cultures_if_febrile"]
    # acr: fever with a neurologic finding takes blood cultures whatever the temperature.
    acr = assess({"age": 40, "findings": every_no_but("fever", "leg_weakness")}, "acr")
    assert "Take blood cultures." in acr.plan
    assert "Take blood cultures if febrile." not in acr.plan
    assert len(acr.plan) == len(set(acr.plan))


def test_referrals_are_a_list_one_line_each_with_its_urgency() -> None:
    result = assess({"age": 40, "findings": every_no_but("fever", "history_of_cancer")})
    assert [(r.id, r.urgency) for r in result.referrals] == [
        ("spine_surgery", "emergency"),
        ("infectious_diseases", "emergency"),
        ("oncology", "urgent"),
    ]
    refer_lines = [line for line in result.plan if line.startswith("Refer")]
    assert refer_lines == [
        "Refer (emergency): Spine surgery (neurosurgery or orthopaedic spine).",
        "Refer (emergency): Infectious diseases.",
        "Refer (urgent): Oncology (acute oncology service).",
    ]


def test_each_timing_line_belongs_to_the_study_it_describes() -> None:
    ces = assess({"age": 40, "findings": every_no_but("saddle_anesthesia")}, "acr")
    assert ces.imaging is not None
    assert (
        ces.imaging.when
        == "now (emergency); MRI within 4 hours for suspected cauda equina syndrome"
    )
    trauma = assess({"age": 40, "findings": every_no_but("severe_trauma")}, "acr")
    assert trauma.imaging is not None and trauma.imaging.when == "now (emergency)"
    both = assess(
        {"age": 40, "findings": every_no_but("severe_trauma", "saddle_anesthesia")}, "acr"
    )
    assert both.imaging is not None
    assert both.imaging.study == "mri_lumbar_without_contrast"
    assert "4 hours" in both.imaging.when
    (ct,) = both.imaging.also_orders
    assert ct.study == "ct_lumbar_without_contrast" and "4 hours" not in ct.when
    assert (
        "Also order CT lumbar spine without IV contrast (trauma imaging pathway): now (emergency)."
        in both.plan
    )


@pytest.mark.parametrize(
    ("present", "dropped", "kept"),
    [
        # An MRI with contrast now (prior surgery) covers the MRI the weak flag would plan.
        (
            ("prior_lumbar_surgery", "gradually_worsening_pain"),
            "MRI lumbar spine without and with IV contrast",
            "Check ESR and CRP.",
        ),
        # A radiograph now covers the radiograph planned "if not better after a month".
        (
            ("osteoporosis", "unexplained_weight_loss"),
            "Radiography lumbar spine with or without ESR",
            None,
        ),
    ],
)
def test_nothing_is_both_ordered_now_and_planned_for_later(
    present: tuple[str, ...], dropped: str, kept: str | None
) -> None:
    result = assess({"age": 40, "findings": every_no_but(*present)}, "acr")
    assert result.decision == "image"
    assert not any(line.startswith(f"Planned: {dropped}") for line in result.plan)
    assert all(step.action != dropped for step in result.next_steps)
    if kept:
        assert kept in result.plan
    # The weak flag is still shown: only the planned study is dropped.
    assert set(present) <= set(result.red_flags) | set(result.weak_flags)


# --- provisional decisions ---------------------------------------------------------------------


def test_a_routine_radiograph_with_cauda_equina_unasked_is_provisional() -> None:
    """The issue's example: acr, age 70, nothing else asked."""
    result = assess({"age": 70}, "acr")
    assert (result.decision, result.urgency) == ("image", "routine")
    assert result.imaging is not None and result.imaging.study == "radiography_lumbar"
    assert result.provisional
    assert result.ask_before_ordering[:4] == [
        "saddle_anesthesia", "bladder_dysfunction", "bowel_dysfunction", "progressive_neurologic_deficit",
    ]  # fmt: skip
    assert result.if_yes is not None and result.if_yes.urgency == "emergency"
    assert result.notices[0].id == "ask_before_ordering"
    assert result.notices[0].text.startswith(
        "Ask before ordering: saddle anesthesia, bladder dysfunction"
    )
    assert (
        "A yes would make this an emergency: MRI lumbar spine without and with IV contrast."
        in result.notices[0].text
    )


def test_saddle_numbness_with_infection_unasked_is_provisional_on_the_contrast() -> None:
    result = assess({"age": 40, "findings": {"saddle_anesthesia": True}})
    assert result.urgency == "emergency" and result.provisional
    assert "fever" in result.ask_before_ordering
    assert "bladder_dysfunction" not in result.ask_before_ordering  # cannot change the order
    assert result.if_yes is not None
    assert result.if_yes.study == "mri_lumbar_without_and_with_contrast"
    assert result.notices[0].text.endswith(
        "A yes would change the study to MRI lumbar spine without and with IV contrast."
    )


def test_a_question_that_matters_only_with_another_is_still_asked_first() -> None:
    # acr: cancer (urgent MRI with contrast). A leg weakness alone or a fever alone changes
    # neither the urgency nor the study; both together are an emergency (epidural abscess).
    known = every_no_but("history_of_cancer", unknown=("leg_weakness", "fever"))
    result = assess({"age": 40, "findings": known}, "acr")
    assert result.provisional
    assert set(result.ask_before_ordering) == {"leg_weakness", "fever"}
    assert result.if_yes is not None and result.if_yes.urgency == "emergency"


def test_nothing_unanswered_is_never_provisional() -> None:
    result = assess({"age": 40, "findings": every_no_but("history_of_cancer")})
    assert not result.provisional and result.ask_before_ordering == [] and result.notices == []


# --- the age-alone decision of the seed -------------------------------------------------------


@pytest.mark.parametrize(("age", "acr_decision"), [(62, "conservative"), (75, "image")])
def test_age_alone_is_said_first_with_the_acr_view_beside_it(age: int, acr_decision: str) -> None:
    result = assess({"age": age, "findings": ALL_NO})
    assert result.decision == "image" and result.red_flags == ["older_age"]
    assert [n.id for n in result.notices] == ["age_alone"]
    assert result.notices[0].text.startswith("This decision rests on age alone")
    assert result.compared is not None
    assert (result.compared.policy.id, result.compared.decision) == ("acr", acr_decision)
    if acr_decision == "conservative":
        assert result.compared.next_steps[0].action.startswith("Radiography lumbar spine")
    else:
        assert result.compared.imaging is not None
        assert result.compared.imaging.study == "radiography_lumbar"


def test_not_age_alone_when_another_red_flag_is_present() -> None:
    result = assess({"age": 62, "findings": every_no_but("contusion_or_abrasion")})
    assert result.notices == [] and result.compared is None
    assert assess({"age": 75, "findings": ALL_NO}, "acr").compared is None  # acr has no notice


# --- the asking rule ---------------------------------------------------------------------------


def test_saddle_numbness_still_asks_about_infection_and_cancer() -> None:
    """The issue's example: after saddle numbness, fever, drug use and cancer are still asked
    (they change the contrast and the referrals); the other signs of cauda equina are not."""
    findings: dict[str, bool] = {"saddle_anesthesia": True}
    answers = {"age": 40, "findings": findings}
    assert not settled(answers)
    assert next_question(answers, asked={"age", "saddle_anesthesia"}) == "fever"
    findings |= {"fever": False, "injection_drug_use": False}
    asked = {"age", "saddle_anesthesia", "fever", "injection_drug_use"}
    assert next_question(answers, asked=asked) == "immunocompromised"


def test_severe_trauma_under_acr_still_asks_about_cauda_equina() -> None:
    answers = {"age": 40, "findings": {"severe_trauma": True}}
    assert next_question(answers, "acr", asked={"age", "severe_trauma"}) == "saddle_anesthesia"


def test_settled_only_when_nothing_actionable_can_change() -> None:
    everything = every_no_but("saddle_anesthesia", "fever", "history_of_cancer", "gradually_worsening_pain",
                              "severe_trauma", unknown=("bladder_dysfunction", "contusion_or_abrasion"))  # fmt: skip
    assert settled({"age": 60, "findings": everything})
    result = assess({"age": 60, "findings": everything})
    filled = assess(
        {
            "age": 60,
            "findings": {**everything, "bladder_dysfunction": True, "contusion_or_abrasion": True},
        }
    )
    assert actionable(result) == actionable(filled)
    assert not settled({"age": 40, "findings": {}})
    assert settled({"age": 40, "findings": ALL_NO})  # nothing left to ask


@pytest.mark.parametrize("policy", ["seed", "acr"])
def test_a_what_if_fires_the_rules_a_fresh_evaluation_fires(policy: str) -> None:
    """The asking rule's what-ifs re-test only the rules a question touches, on the bounds'
    values changed in place and put back (engine._Bounds): white-box, because the proof by
    enumeration (test_asking_rule.py) sees only their outcome. For every unanswered question,
    the age (several flags at once) included, a "yes" from the low bound and a "no" from the
    high bound fire exactly what evaluating every rule afresh fires."""
    from spinewise import engine

    rb = default_rulebook()
    prep = engine._prepare(rb, policy)
    rng = random.Random(15)
    flipped = 0
    for _ in range(400):
        findings = {
            f: rng.choice([True, False, False, None]) for f in rb.findings if rng.random() < 0.5
        }
        age = rng.choice([None, 30, 55, 70, 80])
        pres = Presentation.model_validate({"age": age, "findings": findings})
        values = engine.flag_values(pres, rb)
        unanswered = engine._unanswered(prep.policy, pres, values)
        bounds = engine._bounds(prep, values, unanswered)
        lows, highs = dict(bounds.lows), dict(bounds.highs)
        for ref in unanswered:
            for start, to in ((lows, True), (highs, False)):
                fresh = {**start, **dict.fromkeys(prep.flips[ref][0], to)}
                got = bounds.yes_alone(ref) if to else bounds.no_alone(ref)
                want = engine._core(prep, prep.fired(fresh), False)
                assert (got.strong, got.weak) == (want.strong, want.weak), (pres, ref, to)
                flipped += 1
        assert (bounds.lows, bounds.highs) == (lows, highs)  # put back
    assert flipped > 2000
