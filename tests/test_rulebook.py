"""Loading the knowledge: the packaged rulebook is valid, and every kind of authoring mistake is
an error that names the file and the entry."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from importlib.resources import as_file, files
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinewise.cli import app
from spinewise.rulebook import Rulebook, RulebookError, UnknownPolicyError, load_rulebook

CLINICAL_SOURCES = [
    "seed", "ACR2021", "ACP2007", "ACP2011", "ACP2017", "NICE-NG59", "CW-AAFP", "IFOMPT2020",
    "Downie2013", "Williams2013", "Henschke2013", "Henschke2009", "Galliker2020", "IDSA2015",
    "SEA", "CES", "NHS-CES", "HEDIS-LBP",
]  # fmt: skip


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A writable copy of the packaged knowledge directory."""
    with as_file(files("spinewise").joinpath("knowledge")) as src:
        shutil.copytree(src, tmp_path / "knowledge")
    return tmp_path / "knowledge"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1))


def test_packaged_rulebook_is_valid(rulebook: Rulebook) -> None:
    assert set(rulebook.policies) == {"seed", "acr"}
    assert re.fullmatch(r"sha256:[0-9a-f]{16}", rulebook.version)
    assert len(rulebook.findings) == 26


def test_bibliography_has_every_source_of_clinical_md(rulebook: Rulebook) -> None:
    assert set(CLINICAL_SOURCES) <= set(rulebook.sources)


def test_every_rule_cites_a_source_from_the_bibliography(rulebook: Rulebook) -> None:
    for policy in rulebook.policies.values():
        for rule in policy.rules:
            assert rule.sources, rule.id
            assert set(rule.sources) <= set(rulebook.sources), rule.id


def test_same_content_same_version_and_any_change_changes_it(knowledge: Path) -> None:
    first = load_rulebook(str(knowledge)).version
    assert load_rulebook(str(knowledge)).version == first
    edit(knowledge / "findings.yaml", "Injects drugs?", "Injects drugs (any route)?")
    assert load_rulebook(str(knowledge)).version != first


MISTAKES: list[tuple[str, str, str, str, str]] = [
    # (file, old text, new text, expected message fragment, why)
    (
        "findings.yaml",
        "  - id: fever\n    tier: seed\n",
        "  - id: fever\n    tier: seed\n    colour: red\n",
        "findings.yaml: findings[8] (fever).colour: unknown key",
        "unknown key",
    ),
    (
        "policies/seed.yaml",
        "    suspects: [malignancy]\n    urgency: urgent\n    study: mri_lumbar_without_and_with_contrast\n"
        "    refer: [oncology, spine_surgery]\n    plan: [esr_crp]\n    sources: [seed, ACR2021]",
        "    suspects: [maligancy]\n    urgency: urgent\n    study: mri_lumbar_without_and_with_contrast\n"
        "    refer: [oncology, spine_surgery]\n    plan: [esr_crp]\n    sources: [seed, ACR2021]",
        "policies/seed.yaml: rules[2] (seed.malignancy).suspects: unknown condition 'maligancy'"
        " (did you mean 'malignancy'?)",
        "dangling condition id",
    ),
    (
        "policies/acr.yaml",
        "    sources: [ACR2021, ACP2011]\n  - id: acr.infection_risk",
        "    sources: []\n  - id: acr.infection_risk",
        "policies/acr.yaml: rules[2] (acr.malignancy).sources: no source",
        "rule without a source",
    ),
    (
        "policies/acr.yaml",
        "    sources: [ACR2021, ACP2011]\n  - id: acr.infection_risk",
        "    sources: [ACR2022]\n  - id: acr.infection_risk",
        "policies/acr.yaml: rules[2] (acr.malignancy): unknown source 'ACR2022'",
        "source missing from the bibliography",
    ),
    (
        "policies/seed.yaml",
        "    when: history_of_cancer\n",
        "    when: history_of_cancr\n",
        "policies/seed.yaml: rules[2] (seed.malignancy).when: unknown finding or age flag"
        " 'history_of_cancr'",
        "dangling finding id",
    ),
    (
        "policies/seed.yaml",
        "    when: history_of_cancer\n",
        "    when: unexplained_weight_loss\n",
        "policies/seed.yaml: 'history_of_cancer' is unreachable",
        "a finding no rule uses",
    ),
    (
        "policies/seed.yaml",
        "  radicular_pain: Not a red flag of the source text.\n",
        "",
        "policies/seed.yaml: 'radicular_pain' is unreachable",
        "a finding neither used nor set aside",
    ),
    (
        "findings.yaml",
        "  - id: bowel_dysfunction\n",
        "  - id: bladder_dysfunction\n",
        "findings.yaml: duplicate finding id 'bladder_dysfunction'",
        "duplicate id",
    ),
    (
        "studies.yaml",
        "    modality: CT\n",
        "    modality: CT\n    modality: MRI\n",
        "studies.yaml: not valid YAML: duplicate key 'modality'",
        "duplicate YAML key",
    ),
    (
        "policies/acr.yaml",
        "    urgency: routine\n    study: radiography_lumbar\n",
        "    urgency: routine\n    study: xray\n",
        "policies/acr.yaml: rules[6] (acr.fracture_risk).study: unknown study 'xray'",
        "dangling study",
    ),
    (
        "policies/acr.yaml",
        "    decision: watch\n    suspects: [malignancy]\n    next_step:\n",
        "    decision: watch\n    suspects: [malignancy]\n    urgency: urgent\n    next_step:\n",
        "policies/acr.yaml: rules[14] (acr.weak_malignancy): Value error, a watch rule orders"
        " nothing now: remove urgency",
        "a weak-flag rule that would order imaging",
    ),
    (
        "evidence.yaml",
        "  - about: contusion_or_abrasion\n",
        "  - about: contusion\n",
        "evidence.yaml: evidence[7] (contusion): unknown finding, age flag or condition"
        " 'contusion'",
        "evidence about nothing",
    ),
    (
        "value_sets/low_back_pain.yaml",
        "id: low_back_pain",
        "id: lbp",
        "value_sets/low_back_pain.yaml: id 'lbp' must match the file name",
        "value set named apart from its file",
    ),
    (
        "record_rules.yaml",
        "value_set: urinary_retention_incontinence,",
        "value_set: bladder,",
        "record_rules.yaml: rules (bladder_dysfunction).present[0]: unknown value set 'bladder'",
        "record rule with an unknown value set",
    ),
    (
        "record_rules.yaml",
        "status: current, window: {value: 30, unit: d}}\n  - finding: bowel",
        "status: current, window: {value: 30}}\n  - finding: bowel",
        "record_rules.yaml: rules[0] (bladder_dysfunction).present[0].window: Value error, a number"
        " needs its unit",
        "window without a unit",
    ),
    (
        "record_rules.yaml",
        "threshold: {value: 38.0, unit: Cel}",
        "threshold: {value: 38.0}",
        "record_rules.yaml: rules[7] (fever).threshold: Value error, a number needs its unit",
        "threshold without a unit",
    ),
    (
        "record_rules.yaml",
        "window: {value: 48, unit: h}",
        "window: {value: 7, unit: Cel}",
        "record_rules.yaml: rules (fever).absent[0].window: 'Cel' is not a unit of time",
        "window in a unit that is not time",
    ),
    (
        "record_rules.yaml",
        "- finding: osteoporosis",
        "- finding: osteoporotic",
        "record_rules.yaml: rules (osteoporotic): unknown finding 'osteoporotic' (did you mean"
        " 'osteoporosis'?)",
        "record rule for an unknown finding",
    ),
    (
        "record_rules.yaml",
        "    absent:\n      - {read: Observation.valueQuantity",
        "    absent:\n      - {read: Condition.code",
        "record_rules.yaml: rules (fever).absent[0]: the absence of a code never makes a finding"
        " absent",
        "absent from a code",
    ),
    (
        "measure.yaml",
        "value_set: hiv, window: history}",
        "value_set: hvi, window: history}",
        "measure.yaml: exclusions (hiv).all[0].any[0]: unknown value set 'hvi' (did you mean 'hiv'?)",
        "measure exclusion with an unknown value set",
    ),
    (
        "measure.yaml",
        "negative_history: {value: 180, unit: d}",
        "negative_history: {value: 180}",
        "measure.yaml: index.negative_history: Value error, a number needs its unit",
        "measure window without a unit",
    ),
    (
        "measure.yaml",
        "value_set: trauma, window: {value: 90, unit: d},",
        "value_set: trauma, window: {value: 90, unit: d}, at_least: {value: 3, unit: d},",
        "measure.yaml: exclusions (trauma).all[0].any[0]: `at_least` goes with"
        " Medication.consecutiveDays, and only there",
        "a run length on a diagnosis",
    ),
    (
        "policies/seed.yaml",
        "    refer: [oncology, spine_surgery]\n    plan: [esr_crp]\n    sources: [seed, ACR2021]",
        "    refer: [oncologyy, spine_surgery]\n    plan: [esr_crp]\n    sources: [seed, ACR2021]",
        "policies/seed.yaml: rules[2] (seed.malignancy).refer: unknown referral 'oncologyy'"
        " (did you mean 'oncology'?)",
        "dangling referral",
    ),
    (
        "policies/seed.yaml",
        "    refer: [oncology, spine_surgery]\n    plan: [esr_crp]\n    sources: [seed, ACR2021]",
        "    refer: [oncology, spine_surgery]\n    plan: [esr]\n    sources: [seed, ACR2021]",
        "policies/seed.yaml: rules[2] (seed.malignancy).plan: unknown step 'esr'",
        "dangling plan step",
    ),
    (
        "policies/acr.yaml",
        "           immunocompromised, recent_spinal_procedure, severe_trauma, history_of_cancer,",
        "           immunocompromised, recent_spinal_procedure, history_of_cancer, severe_trauma,",
        "policies/acr.yaml: required: 'severe_trauma' can be more urgent than 'history_of_cancer'"
        " and must come before it (order by acuity)",
        "questions out of the order of acuity",
    ),
    (
        "policies/seed.yaml",
        "  compare_with: acr\n",
        "  compare_with: seed\n",
        "policies/seed.yaml: age_alone.compare_with: 'seed' is not another policy",
        "age-alone view compared with itself",
    ),
    (
        "notices.yaml",
        "A yes would make this {urgency}: {procedure}.",
        "A yes would make this {urgncy}: {procedure}.",
        "notices.yaml: ask_before_ordering.raises_urgency: unknown field {urgncy}",
        "a template field the engine does not fill",
    ),
    (
        "steps.yaml",
        "    covers: [blood_cultures_if_febrile]\n",
        "    covers: [blood_culture_if_febrile]\n",
        "steps.yaml: steps (blood_cultures).covers: unknown step 'blood_culture_if_febrile'",
        "a step covering a step that does not exist",
    ),
    (
        "handout.yaml",
        "    trauma_team: The trauma team in the emergency department will check you",
        "    trauma_tem: The trauma team in the emergency department will check you",
        "handout.yaml: image.referrals: no plain words for 'trauma_team'",
        "a referral the patient is not told about",
    ),
    (
        "handout.es.yaml",
        "    - text: Está bajando de peso y no sabe por qué.\n",
        "    - text: ''\n",
        "handout.es.yaml: warnings.soon[1].text: no translation",
        "an English string without its Spanish",
    ),
    (
        "handout.es.yaml",
        "    urgent: Por qué necesita {scan_short} pronto\n",
        "    urgent: Por qué necesita un estudio pronto\n",
        "handout.es.yaml: image.titles.urgent: must use the fields ['scan_short'] as the English"
        " does",
        "a translation that drops a field",
    ),
    (
        "nlp/settings.yaml",
        "body_temperature: {low: 33, high: 43, unit: Cel}",
        "body_temperature: {low: 33, high: 43, unit: mo}",
        "nlp/settings.yaml: body_temperature.unit: 'mo' is not a temperature unit of units.yaml",
        "a body temperature range in a unit of time",
    ),
    (
        "nlp/settings.yaml",
        "  time_from_onset: (?i)",
        "  time_from_onsets: (?i)",
        "nlp/settings.yaml: terms: no 'time_from_onset'",
        "the words that time a span from a symptom's onset, missing",
    ),
    (
        "nlp/settings.yaml",
        "  time_from_onset: (?i)",
        "  time_from_onset: (?i)(",
        "nlp/settings.yaml: terms.time_from_onset",
        "the words that time a span from a symptom's onset, not a regular expression",
    ),
    (
        "nlp/settings.yaml",
        "  malignancy_sign: [suspected_malignancy]\n  # ... and so is a pathologic",
        "  malignancy_sign: [immunocompromised]\n  # ... and so is a pathologic",
        "nlp/settings.yaml: present_only.malignancy_sign: immunocompromised is not fed by that "
        "category",
        "a partial category for a finding it does not feed",
    ),
    (
        "nlp/settings.yaml",
        "  steroid_drug:\n    findings: [prolonged_corticosteroid_use]",
        "  steroid_drug:\n    findings: [fever]",
        "nlp/settings.yaml: regimen_keeps_open.steroid_drug: fever is not fed by that category",
        "a regimen that keeps open a finding its category does not feed",
    ),
    (
        "nlp/settings.yaml",
        "    when: (?i)\\b(?:daily|",
        "    when: (?i)(\\b(?:daily|",
        "nlp/settings.yaml: regimen_keeps_open.steroid_drug.when is not a regular expression",
        "the words that tell a regimen, not a regular expression",
    ),
    (
        "nlp/settings.yaml",
        "  worked_up: >-\n    (?i)",
        "  worked_up: >-\n    (?i)(",
        "nlp/settings.yaml: kept_open.worked_up is not a regular expression",
        "the words of a work-up ordered, not a regular expression",
    ),
    (
        "nlp/settings.yaml",
        "    at_least: {value: 6, unit: wk}",
        "    at_least: {value: 6, unit: Cel}",
        "nlp/settings.yaml: durations[0] (symptom duration): at_least.unit: 'Cel' is not a time "
        "unit of units.yaml",
        "a symptom duration in degrees",
    ),
    (
        "nlp/settings.yaml",
        "(?P<unit>/52|/7|/12)",
        "(?P<units>/52|/7|/12)",
        "nlp/settings.yaml: durations[0] (symptom duration): patterns[2] has no group named 'unit'",
        "a duration pattern without its unit",
    ),
    (
        "nlp/settings.yaml",
        "bowel_bladder_change, bladder_change, bowel_change, saddle_anesthesia]",
        "bowel_bladder_change, bladder_changes, bowel_change, saddle_anesthesia]",
        "nlp/settings.yaml: answers.normal_contrast_for: unknown target category 'bladder_changes'",
        "a contrast for a category that is not there",
    ),
    (
        "nlp/settings.yaml",
        "${gap}{0,20}?",
        "${gaps}{0,20}?",
        "nlp/settings.yaml: durations[0] (symptoms_persisting_6_weeks): patterns[10]: no term "
        "named 'gaps' (defined before it)",
        "a duration pattern naming a term that is not there",
    ),
    (
        "nlp/settings.yaml",
        "judgements:\n  history_of_cancer:",
        "judgements:\n  history_of_cancr:",
        "nlp/settings.yaml: judgements: unknown finding 'history_of_cancr'",
        "a judgement for a finding that is not in the catalogue",
    ),
    (
        "nlp/settings.yaml",
        "      (?i)^\\s*(?:\\+|or",
        "      (?i)^\\s*(?:\\+|(or",
        "nlp/settings.yaml: durations[0] (symptom duration): open_ended is not a regular "
        "expression: missing ), unterminated subpattern at position 8",
        "an open-ended duration's words that do not compile",
    ),
    (
        "nlp/settings.yaml",
        "(?i)\\b(?:unable|cannot",
        "(?i)\\b(?:unable|(cannot",
        "nlp/settings.yaml: asserts_itself is not a regular expression",
        "a phrase's own negation words that do not compile",
    ),
    (
        "nlp/settings.yaml",
        "  deficits: [leg_weakness, paresthesia, saddle_anesthesia]",
        "  deficits: [leg_weakness, paresthesia, saddle_anaesthesia]",
        "nlp/settings.yaml: stable_deficit: unknown finding 'saddle_anaesthesia'",
        "a stable deficit of a finding that is not in the catalogue",
    ),
    (
        "nlp/settings.yaml",
        "  new: >-\n    (?i)(?<!",
        "  new: >-\n    (?i)((?<!",
        "nlp/settings.yaml: stable_deficit: new is not a regular expression",
        "a new deficit's words that do not compile",
    ),
    (
        "nlp/settings.yaml",
        "lost_over: {value: 4.5, unit: kg}",
        "lost_over: {value: 4.5, unit: mL}",
        "nlp/settings.yaml: weight_change: lost_over.unit: 'mL' is not a mass unit of units.yaml",
        "a weight lost measured in a volume",
    ),
    (
        "nlp/settings.yaml",
        "    unit: mL\n    present_above: 200",
        "    unit: SD\n    present_above: 200",
        "measurements[0] (post-void residual): patterns[0] reads a unit, but unit 'SD' is not",
        "a residual read with its unit against a threshold in no volume unit",
    ),
    (
        "nlp/settings.yaml",
        "conditions: (?i)\\b(?:until|till|unless|pending)\\b",
        "conditions: (?i)\\b(?:until|till|unless|pending\\b",
        "nlp/settings.yaml: conditions is not a regular expression",
        "a condition's words that do not compile",
    ),
    (
        "nlp/settings.yaml",
        "places: {SITE_BOWEL: [bowel_dysfunction],",
        "places: {SITE_BOWELS: [bowel_dysfunction],",
        "nlp/settings.yaml: placed_helpers.incontinence: no ConText rule of category 'SITE_BOWELS'",
        "an organ's place that no ConText rule finds",
    ),
    (
        "nlp/settings.yaml",
        "places: {SITE_BOWEL: [bowel_dysfunction],",
        "places: {SITE_BOWEL: [fever],",
        "nlp/settings.yaml: placed_helpers.incontinence: fever is not fed by that helper",
        "a place that feeds a finding its helper does not",
    ),
    (
        "nlp/settings.yaml",
        "(?i)^[ \\t]*(?:c/o|complain",
        "(?i)^[ \\t]*(?:c/o|(complain",
        "nlp/settings.yaml: section_ends is not a regular expression",
        "a complaint's opening words that do not compile",
    ),
    (
        "nlp/settings.yaml",
        "(?:(?P<yes>yes|y)|(?P<no>no|n))\\b(?:[ \\t]*\\]",
        "(?:(?P<yes>yes|y)|(?:no|n))\\b(?:[ \\t]*\\]",
        "nlp/settings.yaml: answers.boxes",
        "a form's box answer without its 'no' group",
    ),
    (
        "nlp/settings.yaml",
        "\\d|${grade_below_normal}|${grade_pair_below_normal}",
        "\\d|${grade_below_norma}|${grade_pair_below_normal}",
        "nlp/settings.yaml: asserts_itself: no term named 'grade_below_norma' (defined before it)",
        "a word expression naming a term that is not there",
    ),
    (
        "nlp/settings.yaml",
        "    present_above: 200\n",
        "    present_above: 200\n    present_at_or_below: 10\n",
        "nlp/settings.yaml: measurements[0] (bladder_dysfunction): Value error, give one of "
        "present_above and present_at_or_below",
        "a measurement with two thresholds",
    ),
    (
        "nlp/settings.yaml",
        "  immunocompromised: [STOPPED]",
        "  immunocompromised: [STOPED]",
        "nlp/settings.yaml: ended_by.immunocompromised: no ConText rule of category 'STOPED'",
        "an ending cue of a category no rule has",
    ),
    (
        "nlp/context_rules.json",
        '       "healed",\n       "known"\n',
        '       "healed",\n       "prior"\n',
        "nlp/context_rules.json: 'known fracture' and 'prior' both match 'prior' but read it "
        "differently",
        "two ConText rules that read the same words differently (only the later is used)",
    ),
    (
        "nlp/target_rules.json",
        '"over": [\n     "focal weakness"\n    ]',
        '"over": []',
        "nlp/target_rules.json: 'focal deficit' and 'focal weakness' both spell 'focal weakness' "
        "but read it differently",
        "two target rules that read the same words differently, the later not naming the earlier",
    ),
    (
        "nlp/target_rules.json",
        '"over": [\n     "focal weakness"\n    ]',
        '"over": [\n     "focal weakness",\n     "sensory loss"\n    ]',
        "nlp/target_rules.json: 'focal deficit': metadata.over: 'sensory loss' spells none of its "
        "words, or reads them alike",
        "a target rule naming in metadata.over a rule it does not override",
    ),
    (
        "nlp/context_rules.json",
        '"unless_later": [\n     ",",',
        '"unless_later": "or",\n "x": [\n     ",",',
        "metadata.unless_later is a list of words",
        "a look past the match that is not a list of words",
    ),
    (
        "nlp/context_rules.json",
        '"lookbehind": 1,',
        '"lookbehind": 2,',
        "nlp/context_rules.json: \"a gap between a form's columns, after a word that ends an "
        'item": '
        "metadata.lookbehind must be a count of the token pattern's first tokens",
        "a lookbehind that leaves no token of the cue",
    ),
    (
        "nlp/context_rules.json",
        '"lookahead": 1',
        '"lookahead": 3',
        'nlp/context_rules.json: "for, after a declined treatment, 2 words between (a refusal of '
        "a treatment is no denial of what it is for: 'Declined surgery for cauda equina "
        "syndrome'; not 'Denies treatment for cancer', a denial, nor 'declined surgery for fear "
        "of incontinence')\": metadata.lookbehind and lookahead leave no cue",
        "a lookbehind and a lookahead that leave no token of the cue",
    ),
    (
        "nlp/context_rules.json",
        '"ends": "forward"',
        '"ends": "backward"',
        "nlp/context_rules.json: \"a gap between a form's columns, after a word that ends an "
        'item": '
        "metadata.ends is 'forward'",
        "a terminator that ends a direction other than forward",
    ),
    (
        "nlp/context_rules.json",
        '"only": [\n     "NEGATED_EXISTENCE"',
        '"only": [\n     "NEGATION"',
        "metadata.only is a list of ConText categories, on a TERMINATE rule",
        "a terminator that ends the scopes of a category no rule has",
    ),
    (
        "nlp/context_rules.json",
        '"also_ends": [\n     "HISTORICAL"',
        '"also_ends": [\n     "HISTORY"',
        "metadata.also_ends is a list of ConText categories, on a rule that is not a TERMINATE",
        "a cue that also ends the scopes of a category no rule has",
    ),
    (
        "nlp/words.yaml",
        "denial_or_list: '(?i)^\\s*+(?:",
        "denial_or_list: '(?i)^\\s*+((?:",
        "nlp/context_rules.json: ', no': metadata.or_list is not a regular expression",
        "a list a denial goes on through, that does not compile",
    ),
    (
        "nlp/context_rules.json",
        '"list_required": true',
        '"list_required": "yes"',
        "metadata.list_required is true, beside an or_list",
        "a cue that needs a list, told other than true",
    ),
    (
        "nlp/settings.yaml",
        "  leader: >-\n    [ \\t]*\\.{3,}",
        "  leader: >-\n    ([ \\t]*\\.{3,}",
        "nlp/settings.yaml: answers.leader is not a regular expression",
        "a dotted leader that does not compile",
    ),
    (
        "nlp/settings.yaml",
        "(?P<yes>yes|",
        "(?P<yeah>yes|",
        "nlp/settings.yaml: answers.answer has no group named 'yes'",
        "an answer pattern that cannot say yes",
    ),
    (
        "nlp/settings.yaml",
        "(?P<each>",
        "(?P<every>",
        "nlp/settings.yaml: answers.each has no group named 'each'",
        "answers item by item with no group for the answers",
    ),
    (
        "nlp/settings.yaml",
        "each_answer: (?i)\\b(?:(?P<yes>",
        "each_answer: (?i)\\b(?:(?:",
        "nlp/settings.yaml: answers.each_answer has no group named 'yes'",
        "an item's answer word that cannot say yes",
    ),
    (
        "nlp/settings.yaml",
        "  each_item: (?i)[,/;]|\\band\\b\n",
        "",
        "nlp/settings.yaml: answers.each needs each_answer and each_item",
        "answers item by item with nothing to part the items",
    ),
    (
        "nlp/settings.yaml",
        "(?P<yes>Y|Yes|YES)",
        "(?:Y|Yes|YES)",
        "nlp/settings.yaml: answers.inline has no group named 'yes'",
        "a form's bare answer that cannot say yes",
    ),
    (
        "nlp/settings.yaml",
        "exception[ \\t]+of|apart[ \\t]+from|",
        "exception[ \\t]+of|apart[ \\t]+from(|",
        "nlp/settings.yaml: exceptions is not a regular expression: missing ), unterminated "
        "subpattern at position 19",
        "an exception pattern that does not compile",
    ),
    (
        "nlp/settings.yaml",
        "  neuro_intact: [leg_weakness, paresthesia,",
        "  neuro_intact: [leg_weakness, paraesthesia,",
        "nlp/settings.yaml: contradicted_by.neuro_intact: unknown finding 'paraesthesia'",
        "a contradiction by a finding that does not exist",
    ),
    (
        "nlp/settings.yaml",
        "recent_past: [RECENT]",
        "recent_past: [LATELY]",
        "nlp/settings.yaml: recent_past: no ConText rule of category 'LATELY'",
        "a recent-past category no ConText rule has",
    ),
    (
        "handout.es.yaml",
        "      findings: [bowel_dysfunction]\n",
        "      findings: [bladder_dysfunction]\n",
        "handout.es.yaml: warnings.emergency[3].findings: must be the English ids",
        "a translation that changes which warning a present finding removes",
    ),
    (
        "nlp/settings.yaml",
        "  signs: (?<![-=])>|<(?!-)|",
        "  signs: (?<![-=])>|<(?!-|",
        "nlp/settings.yaml: thresholds.signs is not a regular expression",
        "a threshold's signs that do not compile",
    ),
    (
        "nlp/settings.yaml",
        "  bound_after: (?i)\\s*(?:or|and/or)",
        "  bound_after: (?i)\\s*(?:or|and/or",
        "nlp/settings.yaml: thresholds.bound_after is not a regular expression",
        "a bound's words after a number that do not compile",
    ),
    (
        "nlp/settings.yaml",
        "|pertinent[ \\t]+negatives?)",
        "|pertinent[ \\t]+negatives?",
        "nlp/settings.yaml: denied_lists.heading is not a regular expression",
        "a denying heading that does not compile",
    ),
    (
        "nlp/settings.yaml",
        "(?:of\\s+)?(?:up\\s+to|as\\s+high\\s+as))?\\s*(?P<value>",
        "(?:of\\s+)?(?:up\\s+to|as\\s+high\\s+as))?\\s*(?P<reading>",
        "nlp/settings.yaml: temperatures.labelled has no group named 'value'",
        "a labelled temperature without its value",
    ),
    (
        "nlp/settings.yaml",
        "spelling:\n  min_length: 6",
        "spelling:\n  min_length: 2",
        "nlp/settings.yaml: spelling.min_length",
        "misspellings corrected to words of two letters",
    ),
    (
        "nlp/settings.yaml",
        "body_weight: {low: 20, high: 350, unit: kg}",
        "body_weight: {low: 20, high: 350, unit: Cel}",
        "nlp/settings.yaml: weight_change: body_weight.unit: 'Cel' is not a mass unit",
        "a body weight range in degrees",
    ),
    (
        "nlp/settings.yaml",
        "(?P<more_unit>${mass_unit})",
        "(?P<other_unit>${mass_unit})",
        "nlp/settings.yaml: weight_change: quantity: give both groups 'more' and 'more_unit'",
        "a weight's second part without its unit",
    ),
    (
        "nlp/settings.yaml",
        "(?P<second>[0-5])",
        "(?P<later>[0-5])",
        "nlp/settings.yaml: grade_fall: patterns[0] has no group named 'second'",
        "a fall of strength grades without its later grade",
    ),
    (
        "nlp/settings.yaml",
        "  also: [leg_weakness]\n",
        "  also: [leg_weak]\n",
        "nlp/settings.yaml: grade_fall",
        "a fall of strength grades showing a finding that does not exist",
    ),
    (
        "nlp/settings.yaml",
        "terms:\n",
        "terms:\n  mass_unit: (?:kg|lb)\n",
        "terms.mass_unit: this term is written from units.yaml's spellings",
        "a unit term written again in the settings",
    ),
    (
        "nlp/target_rules.json",
        '"${lower_limb_muscles}"',
        '"${lower_limb_muscle}"',
        "no word list named 'lower_limb_muscle' in nlp/words.yaml",
        "a token pattern naming a word list that is not there",
    ),
    (
        "nlp/words.yaml",
        "words:\n",
        "words:\n  unused_words: [spine, back]\n",
        "nlp/words.yaml: no rule uses the word list 'unused_words'",
        "a word list no rule uses",
    ),
    (
        "nlp/words.yaml",
        "words:\n",
        "words:\n  early: ['${lower_limb_muscles}', spine]\n",
        "nlp/words.yaml: words: early: no list named 'lower_limb_muscles' before it",
        "a word list taking in one named after it",
    ),
    (
        "nlp/words.yaml",
        "words:\n",
        "words:\n  base: [spine, back]\n  unused_words: ['${base}', lumbar]\n",
        "nlp/words.yaml: no rule uses the word list 'unused_words'",
        "a word list no rule uses, that takes in another",
    ),
    (
        "nlp/context_rules.json",
        '"or_list": "${denial_or_list}"',
        '"or_list": "${denial_or_lists}"',
        "no term named 'denial_or_lists' (defined before it) in nlp/words.yaml",
        "an or_list naming a term that is not there",
    ),
    (
        "nlp/words.yaml",
        "terms:\n",
        "terms:\n  unused_term: (?:spine|back)\n",
        "nlp/words.yaml: no rule uses the term 'unused_term'",
        "a term no rule uses",
    ),
    (
        "nlp/words.yaml",
        "words:\n",
        "words:\n  empty: []\n",
        "nlp/words.yaml: words: empty: a list of words, not empty",
        "an empty word list",
    ),
    (
        "nlp/settings.yaml",
        "(?P<unit>${volume_unit})",
        "(?P<unit>${volume_units})",
        "measurements[0].patterns[0]: no term named 'volume_units'",
        "a measurement pattern naming a unit term that is not there",
    ),
]


def test_a_bad_knowledge_file_fails_in_one_line(knowledge: Path) -> None:
    edit(knowledge / "record_rules.yaml", "threshold: {value: 38.0, unit: Cel}", "threshold: 38.0")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(str(knowledge))
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("record_rules.yaml: rules[7] (fever).threshold")


@pytest.mark.parametrize(
    ("name", "old", "new", "message", "why"), MISTAKES, ids=[m[4] for m in MISTAKES]
)
def test_authoring_mistakes_name_file_and_entry(
    knowledge: Path, name: str, old: str, new: str, message: str, why: str
) -> None:
    edit(knowledge / name, old, new)
    with pytest.raises(RulebookError) as caught:
        load_rulebook(str(knowledge))
    assert message in str(caught.value)


def test_required_question_used_by_no_rule(knowledge: Path) -> None:
    seed = knowledge / "policies" / "seed.yaml"
    edit(seed, "  radicular_pain: Not a red flag of the source text.\n", "")
    edit(
        seed,
        "           contusion_or_abrasion]",
        "           contusion_or_abrasion, radicular_pain]",
    )
    with pytest.raises(RulebookError, match="required 'radicular_pain' is used by no rule"):
        load_rulebook(str(knowledge))


def test_missing_file_and_missing_default_policy(knowledge: Path) -> None:
    (knowledge / "policies" / "seed.yaml").unlink()
    with pytest.raises(RulebookError, match="default policy 'seed' is missing"):
        load_rulebook(str(knowledge))
    (knowledge / "conditions.yaml").unlink()
    with pytest.raises(RulebookError, match=r"conditions\.yaml: missing"):
        load_rulebook(str(knowledge))


def test_unknown_policy_names_the_known_ones(rulebook: Rulebook) -> None:
    with pytest.raises(
        UnknownPolicyError, match="unknown policy 'acrr' \\(did you mean 'acr'\\?\\)"
    ):
        rulebook.policy("acrr")


@pytest.mark.parametrize("mutate", [True, False])
def test_rules_validate_command(
    knowledge: Path, mutate: bool, capfd: pytest.CaptureFixture[str]
) -> None:
    if mutate:
        edit(knowledge / "conditions.yaml", "sources: [seed, CES]", "sources: [seed, CESS]")
    result = CliRunner().invoke(app, ["rules", "validate", "--dir", str(knowledge)])
    if mutate:
        assert result.exit_code == 2
        assert result.stderr.strip() == (
            "spinewise: error: conditions.yaml: conditions (cauda_equina_syndrome): "
            "unknown source 'CESS' (did you mean 'CES'?)"
        )
    else:
        assert result.exit_code == 0, result.output
        assert "is valid: 2 policies (seed, acr)" in result.stdout


def test_a_loader_error_is_a_value_error() -> None:
    # Callers that only know ValueError (for example a web form handler) still catch it.
    loader: Callable[[str], Rulebook] = load_rulebook
    with pytest.raises(ValueError, match="not a knowledge directory"):
        loader("/nonexistent/knowledge")


def test_a_value_set_may_not_take_the_id_of_a_finding(knowledge: Path) -> None:
    (knowledge / "value_sets" / "weight_loss.yaml").rename(knowledge / "value_sets" / "fever.yaml")
    edit(knowledge / "value_sets" / "fever.yaml", "id: weight_loss", "id: fever")
    edit(knowledge / "record_rules.yaml", "value_set: weight_loss,", "value_set: fever,")
    with pytest.raises(
        RulebookError, match=r"value_sets/fever\.yaml: 'fever' is already a finding id"
    ):
        load_rulebook(str(knowledge))


def test_a_word_list_is_written_once_for_every_rule_that_names_it(knowledge: Path) -> None:
    """nlp/words.yaml: a word taken out of a list leaves every rule naming the list, in both
    rule files and in the lists built on it, and a note is read without it."""
    from spinewise.nlp import extract

    note = "Right gastrocsoleus 4/5."
    assert extract(note).findings["leg_weakness"] is True
    raw = (knowledge / "nlp" / "target_rules.json").read_text()
    naming = raw.count('"${lower_limb_muscles}"') + raw.count('"${leg_places}"')
    assert naming >= 20
    edit(knowledge / "nlp" / "words.yaml", " gastrocsoleus,", "")
    edited = load_rulebook(str(knowledge))
    packaged = load_rulebook()

    def with_word(rb: Rulebook) -> int:
        return sum(
            "gastrocsoleus" in item.get("IN", ())
            for rule in rb.nlp.target_rules
            if isinstance(rule.get("pattern"), list)
            for token in rule["pattern"]
            for item in token.values()
            if isinstance(item, dict)
        )

    assert with_word(packaged) - with_word(edited) >= naming
    assert extract(note, rulebook=edited).findings.get("leg_weakness") is not True
