"""Presentations: tri-state findings, and bad input as one error naming every bad field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from spinewise import Assessment, Presentation, assess


def bad_fields(data: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Presentation.model_validate(data)
    return {".".join(map(str, e["loc"])): e["msg"] for e in caught.value.errors()}


def test_missing_and_null_are_both_unknown() -> None:
    p = Presentation.model_validate({"findings": {"fever": None}})
    assert p.value("fever") is None
    assert p.value("leg_weakness") is None
    assert p.age is None


def test_every_bad_field_is_named_at_once() -> None:
    errors = bad_fields(
        {
            "age": 130,
            "setting": "moon",
            "findings": {"fevr": True, "fever": "yes", "leg_weakness": 1, "paresthesia": None},
        }
    )
    assert set(errors) == {
        "age",
        "setting",
        "findings.fevr",
        "findings.fever",
        "findings.leg_weakness",
    }
    assert errors["findings.fevr"] == "unknown finding id 'fevr' (did you mean 'fever'?)"
    assert "120" in errors["age"]


def test_every_unknown_id_is_named_and_only_the_first_few_get_a_suggestion() -> None:
    """Thousands of unknown ids in one body must not cost thousands of fuzzy matches."""
    keys = [f"fevr{i}" for i in range(30)] + ["fevr" + "x" * 200]
    errors = bad_fields({"findings": dict.fromkeys(keys, True)})
    assert set(errors) == {f"findings.{key}" for key in keys}
    hinted = [key for key in keys if "did you mean" in errors[f"findings.{key}"]]
    assert hinted == keys[:10]


@pytest.mark.parametrize("age", ["62", True, -1, 120.5, float("nan"), 0, 17, 17.99])
def test_age_must_be_a_number_in_range(age: Any) -> None:
    assert "age" in bad_fields({"age": age})


@pytest.mark.parametrize("age", [0, 12, 17.5, 121])
def test_adults_only_an_age_outside_18_to_120_is_refused_in_plain_words(age: float) -> None:
    """CONTRACT.md §3: the source text and the ACR criteria are for adults; a child is refused,
    never decided."""
    assert bad_fields({"age": age}) == {
        "age": f"spinewise is for adults: give an age from 18 to 120 years, not {age:g}"
    }


@pytest.mark.parametrize("age", [18, 18.0, 64.5, 120])
def test_adult_ages_at_the_bounds_are_accepted(age: float) -> None:
    assert Presentation.model_validate({"age": age}).age == age


def test_the_schema_says_adults_only() -> None:
    schema = Presentation.model_json_schema()["properties"]["age"]["anyOf"][0]
    assert (schema["minimum"], schema["maximum"]) == (18, 120)


@pytest.mark.parametrize("value", ["true", "no", 0, 1, [], {}])
def test_a_finding_is_true_false_or_null_nothing_else(value: Any) -> None:
    assert set(bad_fields({"findings": {"fever": value}})) == {"findings.fever"}


def test_unknown_top_level_keys_are_errors() -> None:
    assert "sex" in bad_fields({"sex": "F"})


def test_age_accepts_integers_and_fractions() -> None:
    assert Presentation.model_validate({"age": 62}).age == 62
    assert Presentation.model_validate({"age": 50.5}).age == 50.5


def test_assessment_round_trips_through_json() -> None:
    a = assess({"age": 62, "findings": {"history_of_cancer": True}})
    again = Assessment.model_validate_json(a.model_dump_json())
    assert again == a


def test_assessment_json_has_the_contract_keys() -> None:
    data = assess({"age": 30}).model_dump(mode="json")
    for key in (
        "policy", "decision", "urgency", "suspected_conditions", "red_flags", "unanswered",
        "imaging", "referral", "plan", "sources", "provisional", "ask_before_ordering",
    ):  # fmt: skip
        assert key in data
    assert set(data["policy"]) >= {"id", "version"}
