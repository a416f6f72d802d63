"""Generate docs/reference.md from the knowledge files: `python -m spinewise.reference`.

A test checks that the committed page is current, so the reference never drifts from the rules.
"""

from __future__ import annotations

from spinewise.model import Codes, when_text
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
        out.append("")
    out += [
        "## Findings",
        "",
        "| id | tier | question | screens for | codes | sources |",
        "|---|---|---|---|---|---|",
    ]
    for f in rb.findings.values():
        out.append(
            f"| `{f.id}` | {f.tier} | {_cell(f.question)} | {', '.join(f.screens) or '-'} | "
            f"{_cell(_codes(f.codes))} | {_cites(f.sources)} |"
        )
    out += ["", "Help text shown to the clinician:", ""]
    out += [f"- `{f.id}`: {_cell(f.help)}" for f in rb.findings.values()]
    out += ["", "How a coded record counts (absence of a code never means absent):", ""]
    for f in rb.findings.values():
        rule = f.record
        parts = [f"clinical status {rule.statuses}"]
        if rule.lookback_days is not None:
            parts.append(f"within {rule.lookback_days} days")
        if rule.min_days_in_last_year is not None:
            parts.append(f"at least {rule.min_days_in_last_year} days in the last year")
        line = f"- `{f.id}`: {', '.join(parts)}"
        if any(codes for _, codes in f.suggested_by):
            line += f"; only prompts the question: {_codes(f.suggested_by)}"
        out.append(line)
    out += [
        "",
        "## Age flags",
        "",
        "| id | label | rule | sources |",
        "|---|---|---|---|",
    ]
    for a in rb.age_flags.values():
        out.append(f"| `{a.id}` | {a.label} | {a.age.describe()} | {_cites(a.sources)} |")
    out += ["", "## Conditions", "", "| id | name | codes | sources |", "|---|---|---|---|"]
    for c in rb.conditions.values():
        out.append(f"| `{c.id}` | {c.name} | {_cell(_codes(c.codes))} | {_cites(c.sources)} |")
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
    out += _ehr_sections(rb)
    out += ["", "## Code lists", ""]
    for v in rb.value_sets.values():
        out.append(f"- `{v.id}` ({v.title}, {_cites(v.sources)}): {_codes(v.codes)}")
    out += ["", "## Sources", ""]
    for src in rb.sources.values():
        out += [f"### {src.id}", "", src.citation, ""]
    return "\n".join(out).rstrip() + "\n"


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
        f"The SMART launch reads notes of the last {chart.notes_lookback_days} days (at most "
        f"{chart.max_notes}) with the note extractor ({_cites(chart.sources)}).",
    ]
    return out


if __name__ == "__main__":
    print(reference_markdown(), end="")
