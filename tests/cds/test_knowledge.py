"""The CDS Hooks knowledge (knowledge/imaging_orders.yaml, knowledge/cards.yaml) is checked at
load: a bad file fails with one message naming the file, the entry and the field."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import pytest
import yaml

from spinewise.rulebook import Rulebook, RulebookError, load_rulebook

#: CLINICAL.md §6: the lumbar imaging CPT codes, the core list and the ones HEDIS also counts.
LUMBAR_IMAGING_CPT = [
    "72020",
    "72100",
    "72110",
    "72114",
    "72120",
    "72131",
    "72132",
    "72133",
    "72148",
    "72149",
    "72158",
    "72010",
    "72052",
    "72141",
    "72142",
    "72146",
    "72147",
    "72156",
    "72200",
    "72202",
    "72220",
]


def test_every_lumbar_imaging_cpt_code_orders_one_study(rulebook: Rulebook) -> None:
    orders = rulebook.imaging_orders
    for code in LUMBAR_IMAGING_CPT:
        study = orders.study_of(code)
        assert study is not None, code
        assert sum(code in s.cpt for s in orders.studies) == 1
    assert orders.study_of("72148") is not None and orders.study_of("72148").region == "lumbar"  # type: ignore[union-attr]
    assert orders.study_of("72141").region == "cervical"  # type: ignore[union-attr]


def test_every_image_rule_has_a_scenario_in_which_its_study_is_usually_appropriate(
    rulebook: Rulebook,
) -> None:
    for policy in rulebook.policies.values():
        for rule in policy.rules:
            if rule.decision == "image":
                scenario = rulebook.imaging_orders.scenario_for(rule)
                assert scenario is not None, rule.id
                assert rule.study in scenario.usually, rule.id


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    with as_file(files("spinewise").joinpath("knowledge")) as source:
        shutil.copytree(source, tmp_path / "knowledge")
    return tmp_path / "knowledge"


def edit(folder: Path, name: str, change: Callable[[Any], None]) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def study(data: Any, sid: str) -> Any:
    return next(s for s in data["studies"] if s["id"] == sid)


def scenario(data: Any, sid: str) -> Any:
    return next(s for s in data["scenarios"] if s["id"] == sid)


BAD: dict[str, tuple[str, Callable[[Any], None], str]] = {
    "a lumbar CPT code without a study": (
        "imaging_orders.yaml",
        lambda d: study(d, "mri_lumbar_without_contrast").update(cpt=["99999"]),
        "imaging_orders.yaml: studies (mri_lumbar_without_contrast): CPT 99999 is not in value_sets/lumbar_imaging.yaml",
    ),
    "a CPT code of the list naming no study": (
        "imaging_orders.yaml",
        lambda d: study(d, "radiography_sacrum_coccyx").update(cpt=["72202"]),
        "imaging_orders.yaml: CPT 72220 of value_sets/lumbar_imaging.yaml names no study",
    ),
    "an unknown study in a scenario": (
        "imaging_orders.yaml",
        lambda d: scenario(d, "V4").update(may_be=["ct_lumbar_without_contras"]),
        "imaging_orders.yaml: scenarios (V4).may_be: unknown ordered study 'ct_lumbar_without_contras' (did you mean 'ct_lumbar_without_contrast'?)",
    ),
    "a rule without a scenario": (
        "imaging_orders.yaml",
        lambda d: d["rule_scenarios"].pop("acr.severe_trauma"),
        "imaging_orders.yaml: rule 'acr.severe_trauma': no scenario (add it under rule_scenarios)",
    ),
    "a rule whose study is not usually appropriate in its scenario": (
        "imaging_orders.yaml",
        lambda d: scenario(d, "V6").update(
            usually=["mri_lumbar_without_contrast", "ct_lumbar_without_contrast"],
            may_be=["radiography_lumbar"],
        ),
        "imaging_orders.yaml: rule 'acr.fracture_risk': its study 'radiography_lumbar' is not usually appropriate in scenario 'V6'",
    ),
    "an unknown region": (
        "imaging_orders.yaml",
        lambda d: study(d, "mri_thoracic").update(region="chest"),
        "imaging_orders.yaml: studies[11] (mri_thoracic).region: Input should be",
    ),
    "a scenario without a source": (
        "imaging_orders.yaml",
        lambda d: scenario(d, "V7").update(sources=[]),
        "imaging_orders.yaml: scenarios[4] (V7).sources: no source",
    ),
    "a card placeholder the service does not fill": (
        "cards.yaml",
        lambda d: d["cards"]["not_appropriate"].update(summary="Not appropriate for {patient}"),
        "cards.yaml: cards.not_appropriate.summary: unknown placeholder {patient} (known: ordered, sources)",
    ),
    "a summary over the CDS Hooks limit": (
        "cards.yaml",
        lambda d: d["cards"]["no_indication"].update(summary="x" * 140),
        "cards.yaml: cards.no_indication.summary: String should have at most 139 characters",
    ),
    "an unknown override reason": (
        "cards.yaml",
        lambda d: d["cards"]["wrong_study"]["override_reasons"].append("because"),
        "cards.yaml: cards.wrong_study.override_reasons: unknown override reason 'because'",
    ),
    "an unbounded list of override reasons": (
        "cards.yaml",
        lambda d: d["override_reasons"].extend(
            {"code": f"r{i}", "display": "x"} for i in range(10)
        ),
        "cards.yaml: override_reasons: Tuple should have at most 10 items",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_knowledge_fails_naming_file_entry_and_field(knowledge: Path, case: str) -> None:
    name, change, message = BAD[case]
    edit(knowledge, name, change)
    with pytest.raises(RulebookError) as caught:
        load_rulebook(str(knowledge))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
