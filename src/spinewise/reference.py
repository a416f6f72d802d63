"""Generate docs/reference.md from the knowledge files: `python -m spinewise.reference`.

A test checks that the committed page is current, so the reference never drifts from the rules.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    print(reference_markdown(), end="")
