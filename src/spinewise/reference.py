"""Generate docs/reference.md from the knowledge files: `python -m spinewise.reference`.

A test checks that the committed page is current, so the reference never drifts from the rules.
"""

from __future__ import annotations

import json

from spinewise.model import Codes, RecordRule, RecordSource, when_text
from spinewise.rulebook import Rulebook, default_rulebook

__all__ = ["reference_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _codes(codes: Codes) -> str:
    parts = [f"{system}: {', '.join(values)}" for system, values in codes if values]
    return "; ".join(parts) or "-"


def _cites(ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"[{sid}](#{sid.lower()})" for sid in ids)


def reference_markdown(rb: Rulebook | None = None) -> str:
    """The whole reference as Markdown, in a stable order."""
    rb = rb or default_rulebook()
    out: list[str] = [
        "# Reference (generated)",
        "",
        "Generated from `src/spinewise/knowledge/` by `make docs`; do not edit by hand. "
        f"Rulebook version `{rb.version}`.",
        "",
        "## Policies",
        "",
    ]
    for p in rb.policies.values():
        out += [
            f"### `{p.id}`: {p.title}",
            "",
            f"Sources: {_cites(p.sources)}.",
            "",
            "Required questions (unknown → `incomplete`): "
            + ", ".join(f"`{ref}`" for ref in p.required)
            + ".",
            "",
            "| rule | when present | decision | urgency | suspects | study or next step "
            "| sources |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in p.rules:
            if r.study:
                action = rb.studies[r.study].procedure + (
                    f" (ACR {r.acr_variant})" if r.acr_variant else ""
                )
            else:
                assert r.next_step is not None  # a watch rule always plans one
                action = f"{r.next_step.action}: {r.next_step.when}"
            decision = "image" if r.decision == "image" else "conservative, with a planned step"
            out.append(
                f"| `{r.id}` | {_cell(when_text(r.when))} | {decision} | {r.urgency or '-'} | "
                f"{', '.join(r.suspects) or '-'} | {_cell(action)} | {_cites(r.sources)} |"
            )
        out += ["", "Not used by this policy:", ""]
        out += [f"- `{ref}`: {why}" for ref, why in p.not_used.items()]
        out += ["", "Imaging timing by urgency:", ""]
        out += [f"- {urgency}: {text}" for urgency, text in p.when.items()]
        timings = [(r.id, r.timing) for r in p.rules if r.timing]
        out += [f"- with `{rid}`, for its study: {timing}" for rid, timing in timings]
        if p.age_alone is not None:
            out += [
                "",
                f"When every red flag is an age flag (the decision rests on age alone), said "
                f"first, with the `{p.age_alone.compare_with}` view beside it "
                f"({_cites(p.age_alone.sources)}):",
                "",
                f"> {_cell(p.age_alone.text)}",
            ]
        out.append("")
    out += [
        "## Findings",
        "",
        "| id | tier | question | screens for | sources |",
        "|---|---|---|---|---|",
    ]
    for f in rb.findings.values():
        out.append(
            f"| `{f.id}` | {f.tier} | {_cell(f.question)} | {', '.join(f.screens) or '-'} | "
            f"{_cites(f.sources)} |"
        )
    out += ["", "Help text shown to the clinician:", ""]
    out += [f"- `{f.id}`: {_cell(f.help)}" for f in rb.findings.values()]
    out += _record_rules(rb)
    out += [
        "",
        "## Age flags",
        "",
        "| id | label | rule | sources |",
        "|---|---|---|---|",
    ]
    for a in rb.age_flags.values():
        out.append(f"| `{a.id}` | {a.label} | {a.age.describe()} | {_cites(a.sources)} |")
    out += ["", "## Conditions", "", "| id | name | sources |", "|---|---|---|"]
    for c in rb.conditions.values():
        out.append(f"| `{c.id}` | {c.name} | {_cites(c.sources)} |")
    out += [
        "",
        "## Studies",
        "",
        "| id | procedure | codes | if MRI is contraindicated | covers |",
        "|---|---|---|---|---|",
    ]
    for s in rb.studies.values():
        out.append(
            f"| `{s.id}` | {s.procedure} | {_codes(s.codes)} | "
            f"{_cell(s.if_mri_contraindicated or '-')} | {', '.join(s.covers) or '-'} |"
        )
    out += ["", "## Evidence", "", "| about | setting | statement | sources |", "|---|---|---|---|"]
    for e in rb.evidence:
        about = e.about + (f" (≥ {e.min_flags} flags)" if e.min_flags > 1 else "")
        out.append(f"| `{about}` | {e.setting} | {_cell(e.statement)} | {_cites(e.sources)} |")
    out += [
        "",
        "## Referrals",
        "",
        "A rule names the teams it refers to; each team is referred to once, at the most "
        "pressing urgency of the rules that name it (one line per team in the plan).",
        "",
        "| id | refer to | sources |",
        "|---|---|---|",
    ]
    for team in rb.referrals.values():
        out.append(f"| `{team.id}` | {_cell(team.to)} | {_cites(team.sources)} |")
    out += [
        "",
        "## Plan steps",
        "",
        "Each step is said once; a step that `covers` another replaces it; a step with "
        "`with_study` is said only when one of those studies is ordered.",
        "",
        "| id | step | covers | with study | sources |",
        "|---|---|---|---|---|",
    ]
    for step in rb.steps.values():
        out.append(
            f"| `{step.id}` | {_cell(step.text)} | {', '.join(step.covers) or '-'} | "
            f"{', '.join(step.with_study) or '-'} | {_cites(step.sources)} |"
        )
    out += _provisional_section(rb)
    out += ["", "## Patient handouts", ""]
    out += [
        "Written in plain language (Flesch-Kincaid grade 6-8 in English; Fernández-Huerta 60-90 "
        "in Spanish, both measured by the tests), from the same assessment the clinician sees. "
        "Languages (`?lang=` on `/handout/{id}`, `/handout/{id}.pdf` and "
        "`/api/v1/handout/{id}`; PDF on `?paper=letter` or `a4`):",
        "",
    ]
    for lang, h in rb.handouts.items():
        name = "handout.yaml" if lang == "en" else f"handout.{lang}.yaml"
        out.append(f"- `{lang}` ({h.labels.language}): `{name}`")
    out += _ehr_sections(rb)
    out += ["", "## Value sets", ""]
    for v in rb.value_sets.values():
        out.append(f"- `{v.id}` ({v.title}, {_cites(v.sources)}): {_codes(v.codes)}")
    out += ["", "## Sources", ""]
    for src in rb.sources.values():
        out += [f"### {src.id}", "", src.citation, ""]
    return "\n".join(out).rstrip() + "\n"


def _source_text(rb: Rulebook, rule: RecordRule, source: RecordSource) -> str:
    read = " or ".join(f"`{r}`" for r in source.read)
    text = f"{read} in `{source.value_set}`"
    if source.status == "current":
        text += " (current status)"
    if source.compare is not None and rule.threshold is not None:
        op = "≥" if source.compare == "at_least" else "<"
        text += f", {op} {rule.threshold.value:g} {rule.threshold.unit}"
    if source.window == "ever":
        text += ", any time"
    else:
        text += f", within {source.window.value:g} {source.window.unit}"
    return text


def _record_rules(rb: Rulebook) -> list[str]:
    """The record rules as tables (knowledge/record_rules.yaml)."""
    out = [
        "",
        "## Reading the record",
        "",
        "How each finding is read from a FHIR R4 record as of a reading day (the day of the "
        "assessment; the index date in the audit), by the FHIR intake and by the audit's "
        "generated SQL alike. Present wins; absent only from a measured normal value; no code "
        "never means absent. A record counts when some day of its date falls in the window "
        "(a partial date covers all its days); `any time` also counts an undated record.",
        "",
        "| finding | present when | absent when | only prompts the question | sources |",
        "|---|---|---|---|---|",
    ]
    for fid, rule in rb.record_rules.items():
        cells = [
            "<br>".join(_source_text(rb, rule, s) for s in getattr(rule, part)) or "-"
            for part in ("present", "absent", "suggests")
        ]
        out.append(f"| `{fid}` | {' | '.join(cells)} | {_cites(rule.sources)} |")
    answers = rb.answers
    out += [
        "",
        f"Every finding is also read from answers to the Questionnaire `{answers.questionnaire}` "
        f"(linkId = finding id) given within {answers.window.value:g} {answers.window.unit} "
        f"({_cites(answers.sources)}); the audit reads the notes written within "
        f"{rb.notes.window.value:g} {rb.notes.window.unit} of the index date "
        f"({_cites(rb.notes.sources)}).",
        "",
        "Readers (what a record of each kind is read by: its dates, first present first; the "
        "statuses that take it out; the statuses that count as current):",
        "",
        "| reader | dates | never | current |",
        "|---|---|---|---|",
    ]
    for r in rb.readers.values():
        never = "; ".join(f"{k}: {', '.join(v)}" for k, v in r.never.items()) or "-"
        current = "; ".join(f"{k}: {', '.join(v)}" for k, v in r.current.items()) or "-"
        dates = ", ".join(r.dates) + (
            " (undated: the reading day)" if r.undated == "reading_day" else ""
        )
        out.append(f"| `{r.id}` | {dates} | {never} | {current} |")
    out += ["", "Units (UCUM; the spellings records use are matched too):", ""]
    out += [f"- `{u.ucum}`: {u.days} day(s)" for u in rb.units.time]
    out += [f"- `{u.ucum}`: °C = (value - {u.minus}) * {u.times}" for u in rb.units.temperature]
    return out


def _provisional_section(rb: Rulebook) -> list[str]:
    """The provisional fields of an assessment, in CONTRACT.md's style, with a real example."""
    from spinewise.engine import assess

    age = 70
    result = assess({"age": age}, "acr", rulebook=rb)
    example = result.model_dump(
        mode="json",
        include={"decision", "urgency", "provisional", "ask_before_ordering", "if_yes", "notices"},
    )
    if result.imaging is not None:
        example["imaging"] = {"study": result.imaging.study, "when": result.imaging.when, "…": "…"}
    ask = rb.notices.ask_before_ordering
    return [
        "",
        "## Provisional decisions (assessment output)",
        "",
        "An `image` decision is **provisional** when an unanswered required question could still "
        "raise its urgency or change its study (the studies ordered, with their contrast). The "
        "assessment then says so first, before the order:",
        "",
        f"For example, `acr`, age {age}, nothing else asked:",
        "",
        "```json",
        json.dumps(example, indent=2, ensure_ascii=False),
        "```",
        "",
        "- `provisional` (boolean): `true` exactly when some answer to the unanswered required "
        "questions would change `urgency`, `imaging.study` or `imaging.also`; always `false` "
        "for `conservative` and `incomplete`, and when nothing is unanswered.",
        "- `ask_before_ordering` (finding ids, and `age` when unknown): the unanswered questions "
        "that could make that change, most urgent first (by the urgency a yes to each alone "
        "would give, then the policy's order of acuity). Empty unless provisional. A question "
        "listed may matter only together with another (acr: leg weakness and fever together "
        "are an emergency).",
        "- `if_yes`: `{urgency, study, procedure, when}`, the order if every question listed were "
        "answered yes; `null` unless provisional.",
        "- `notices`: caveats to say first, in this order, each `{id, text, sources}`: "
        "`ask_before_ordering` (when provisional), then `age_alone` (when the policy has such "
        "a notice and every red flag is an age flag; `compared` then holds the other policy's "
        "view: `policy`, `decision`, `urgency`, `imaging`, `referrals`, `next_steps`, "
        "`unanswered`, `plan`).",
        "- `referrals`: one entry per team, `{id, to, urgency, sources}`, most pressing first; "
        "`referral` is the same in one line.",
        "",
        "The sentences come from `notices.yaml` "
        f"({_cites(ask.sources)}): when the urgency could rise, "
        f"“{_cell(ask.raises_urgency)}”; when only the study could change, "
        f"“{_cell(ask.changes_study)}”; urgency words: "
        + ", ".join(f"{u} → “{w}”" for u, w in rb.notices.urgency_words.items())
        + ".",
        "",
        "The interactive questions (`spinewise assess --ask`) follow the same rule: they ask the "
        "required questions most acute first, skip a question that cannot change anything, and "
        "stop only when no answer to the rest can change the decision, the urgency, the "
        "studies, the referrals or the suspected conditions (proved by enumeration for every "
        "policy in `tests/test_asking_rule.py`).",
    ]


def _ehr_sections(rb: Rulebook) -> list[str]:
    """Imaging orders and CDS Hooks cards (knowledge/imaging_orders.yaml, knowledge/cards.yaml)."""
    orders, words = rb.imaging_orders, rb.cds_cards
    out = [
        "",
        "## Imaging orders (CDS Hooks)",
        "",
        f"Every CPT code of `{orders.value_set}` names the study it orders. A `lumbar` study is "
        "always rated; a study of another region only when the order gives a low back pain "
        "reason.",
        "",
        "| study | label | modality | region | CPT | sources |",
        "|---|---|---|---|---|---|",
    ]
    for st in orders.studies:
        out.append(
            f"| `{st.id}` | {st.label} | {st.modality} | {st.region} | {', '.join(st.cpt)} | "
            f"{_cites(st.sources)} |"
        )
    out += [
        "",
        "### Acceptable studies per scenario (ACR 2021)",
        "",
        "An order is `appropriate` when its study is usually or maybe appropriate in every "
        "scenario of the image rules that fired (maybe: with a card offering the usually "
        "appropriate study), `not-appropriate` otherwise.",
        "",
        "| scenario | ACR variant | usually appropriate | may be appropriate | sources |",
        "|---|---|---|---|---|",
    ]
    for sc in orders.scenarios:
        out.append(
            f"| `{sc.id}` {sc.title} | {sc.acr_variant or '-'} | {', '.join(sc.usually)} | "
            f"{', '.join(sc.may_be) or '-'} | {_cites(sc.sources)} |"
        )
    out += ["", "Rules without an ACR variant take the scenario:", ""]
    out += [f"- `{rule}`: `{scenario}`" for rule, scenario in orders.rule_scenarios.items()]
    out += [
        "",
        "## CDS Hooks cards",
        "",
        f"Sources: {_cites(words.sources)}. An information-needed card lists at most "
        f"{words.max_questions} questions, the most urgent first.",
        "",
        "| card | indicator | summary | detail | suggestion | override reasons |",
        "|---|---|---|---|---|---|",
    ]
    for kind in type(words.cards).model_fields:
        card = getattr(words.cards, kind)
        indicator = card.indicator + (
            f" ({card.emergency_indicator} in an emergency)" if card.emergency_indicator else ""
        )
        detail = _cell(" ".join(card.detail.split()))
        out.append(
            f"| `{kind}` | {indicator} | {_cell(card.summary)} | {detail} "
            f"| {_cell(card.suggestion or '-')} | {', '.join(card.override_reasons) or '-'} |"
        )
    out += ["", "| override reason | display |", "|---|---|"]
    out += [f"| `{r.code}` | {_cell(r.display)} |" for r in words.override_reasons]
    chart = words.chart
    out += [
        "",
        f"The SMART launch reads the notes written within {rb.notes.window.value:g} "
        f"{rb.notes.window.unit} (at most {chart.max_notes}) with the note extractor "
        f"({_cites(chart.sources)}, {_cites(rb.notes.sources)}).",
    ]
    return out


if __name__ == "__main__":
    print(reference_markdown(), end="")
