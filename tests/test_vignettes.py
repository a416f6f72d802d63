"""Clinical vignettes (tests/vignettes/*.yaml), each under both policies, through the Python API
and through the command line a clinician uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spinewise import assess
from spinewise.cli import app
from tests.conftest import VIGNETTES, load_yaml
from tests.expectations import check

CASES = [
    pytest.param(path, policy, id=f"{path.stem}-{policy}")
    for path in VIGNETTES
    for policy in ("seed", "acr")
]


def test_there_are_enough_vignettes() -> None:
    assert len(VIGNETTES) >= 60


@pytest.mark.parametrize(("path", "policy"), CASES)
def test_vignette_python_api(path: Path, policy: str) -> None:
    case = load_yaml(path)
    result = assess(case["presentation"], policy).model_dump(mode="json")
    check(result, case["expected"][policy], f"{case['id']} ({policy})")


@pytest.mark.parametrize(("path", "policy"), CASES)
def test_vignette_cli(path: Path, policy: str) -> None:
    case = load_yaml(path)
    runner = CliRunner()
    outcome = runner.invoke(
        app,
        ["assess", "--policy", policy, "--input", "-", "--format", "json"],
        input=json.dumps(case["presentation"]),
    )
    assert outcome.exit_code == 0, outcome.output
    result: dict[str, Any] = json.loads(outcome.stdout)
    check(result, case["expected"][policy], f"{case['id']} ({policy}, CLI)")


def test_every_finding_fires_and_stays_silent_in_some_vignette(rulebook: Any) -> None:
    """Coverage of the vignette set: each finding present in one, absent in another."""
    present: set[str] = set()
    absent: set[str] = set()
    unknown: set[str] = set()
    ages = set()
    for path in VIGNETTES:
        pres = load_yaml(path)["presentation"]
        ages.add(pres.get("age"))
        for fid, value in pres["findings"].items():
            {True: present, False: absent, None: unknown}[value].add(fid)
    assert set(rulebook.findings) <= present
    assert set(rulebook.findings) <= absent
    assert {50, 51, 69, 70, None} <= ages
    seed_required = set(rulebook.policy("seed").required) - {"age"}
    assert seed_required <= unknown
