"""Spec tests: each policy rule as small data cases (tests/spec/<policy>.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spinewise import assess, default_rulebook
from tests.conftest import load_yaml
from tests.expectations import check

SPEC = Path(__file__).parent
RAW: list[tuple[str, dict[str, Any]]] = [
    (doc["policy"], case)
    for path in sorted(SPEC.glob("*.yaml"))
    for doc in [load_yaml(path)]
    for case in doc["cases"]
]
CASES = [pytest.param(policy, case, id=f"{policy}: {case['name']}") for policy, case in RAW]


def presentation(case: dict[str, Any]) -> dict[str, Any]:
    """`present` findings true, `unknown` left out, every other catalogue finding answered "no"."""
    findings: dict[str, bool] = dict.fromkeys(default_rulebook().findings, False)
    findings.update(dict.fromkeys(case.get("present", []), True))
    for fid in case.get("unknown", []):
        del findings[fid]
    return {"age": case.get("age", 40), "findings": findings}


@pytest.mark.parametrize(("policy", "case"), CASES)
def test_spec_case(policy: str, case: dict[str, Any]) -> None:
    result = assess(presentation(case), policy).model_dump(mode="json")
    expect = case["expect"]
    check(result, expect, case["name"])
    if "weak_flags" in expect:
        assert result["weak_flags"] == expect["weak_flags"]
    if "next_steps" in expect:
        assert [s["action"] for s in result["next_steps"]] == expect["next_steps"]
    if "steps" in expect:
        assert result["steps"] == expect["steps"]


@pytest.mark.parametrize("policy", ["seed", "acr"])
def test_every_rule_has_a_spec_case_where_it_fires(policy: str) -> None:
    fired = {rule for p, case in RAW if p == policy for rule in case["expect"]["rules_fired"]}
    rules = {rule.id for rule in default_rulebook().policy(policy).rules}
    assert rules - fired == set(), f"rules without a spec case: {sorted(rules - fired)}"
