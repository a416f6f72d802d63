"""Rich renderings for the terminal: an assessment a clinician reads in five seconds, and the
knowledge as readable tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from spinewise.model import Assessment, ComparedView, Policy, when_ids, when_text
from spinewise.rulebook import Rulebook

__all__ = [
    "BANNERS",
    "IMAGE_BANNERS",
    "audit_progress",
    "banner",
    "compared_summary",
    "describe_mention",
    "make_console",
    "render_assessment",
    "render_catalogue",
    "render_entry",
    "render_note",
    "render_policy",
    "render_record",
]

#: Decision → (banner text, Rich style). The banner is the first thing a clinician reads.
BANNERS = {
    "image": ("IMAGE NOW AND REFER", "bold white on red"),
    "conservative": ("NO IMAGING: CONSERVATIVE CARE 4-6 WEEKS", "bold white on green4"),
    "incomplete": ("QUESTIONS STILL OPEN: NOT DECIDED", "bold black on yellow"),
}
#: An `image` banner by urgency: red is for emergencies only; routine imaging is not "now".
IMAGE_BANNERS = {
    "emergency": ("IMAGE NOW AND REFER (EMERGENCY)", "bold white on red"),
    "urgent": ("IMAGE NOW AND REFER (URGENT)", "bold black on dark_orange"),
    "routine": ("IMAGING AND REFERRAL (ROUTINE)", "bold white on blue"),
}


def banner(a: Assessment) -> tuple[str, str]:
    """The banner's words and style: the decision, its urgency, and whether it is provisional."""
    text, style = IMAGE_BANNERS[a.urgency] if a.urgency else BANNERS[a.decision]
    if a.provisional:
        text += ", PROVISIONAL"
    return text, style


def render_assessment(a: Assessment, rb: Rulebook) -> RenderableType:
    """Decision first, then what to ask before ordering and any other caveat, why, the order,
    the referrals, what is unanswered, the plan, the sources."""
    text, style = banner(a)
    parts: list[RenderableType] = [Text(f" {text} ", style=style)]
    for notice in a.notices:
        parts.append(Text.assemble(("! ", "bold"), (notice.text, "bold")))
    if a.compared is not None:
        parts.append(render_compared(a.compared, rb))
    parts.append(
        Text(f"Policy {a.policy.id}: {a.policy.title}; rulebook {a.policy.version}", style="dim")
    )
    if a.suspected_conditions:
        parts.append(Text("\nWhy", style="bold underline"))
        for c in a.suspected_conditions:
            tag = "" if c.strength == "strong" else " (weak flag: no imaging yet)"
            parts.append(
                Text.assemble(
                    "• ",
                    (f"{c.name}{tag}", "bold"),
                    ": ",
                    ", ".join(rb.short_label(f) for f in c.because),
                    (f"  [{', '.join(c.sources)}]", "dim"),
                )
            )
    if a.imaging:
        order = Text.assemble(("\nOrder: ", "bold"), a.imaging.procedure, f", {a.imaging.when}")
        if a.imaging.acr_variant:
            order.append(f" (ACR {a.imaging.acr_variant})", style="dim")
        parts.append(order)
        for other in a.imaging.also_orders:
            parts.append(
                Text.assemble(("Also order: ", "bold"), f"{other.procedure}, {other.when}")
            )
    for referral in a.referrals:
        parts.append(Text.assemble(("Refer: ", "bold"), f"{referral.to}, {referral.urgency}"))
    if a.unanswered:
        parts.append(Text("\nStill unanswered", style="bold underline yellow"))
        parts += [Text.assemble("? ", rb.label(ref), (f"  ({ref})", "dim")) for ref in a.unanswered]
    if a.next_steps:
        steps = Table.grid(padding=(0, 1))
        for step in a.next_steps:
            steps.add_row("→", f"{step.action}, {step.when}", Text(f"[{', '.join(step.sources)}]"))
        parts += [Text("\nPlanned next steps", style="bold underline"), steps]
    plan = Table.grid(padding=(0, 1))
    for i, line in enumerate(a.plan, 1):
        plan.add_row(f"{i}.", line)
    parts += [Text("\nPlan", style="bold underline"), plan]
    if a.evidence:
        parts.append(Text("\nEvidence", style="bold underline"))
        for e in a.evidence:
            where = f"{e.setting.replace('_', ' ')}; {', '.join(e.sources)}"
            parts.append(Text.assemble("• ", e.statement, (f"  ({where})", "dim")))
    sources = Table.grid(padding=(0, 1))
    for s in a.sources:
        sources.add_row(Text(f"[{s.id}]", style="bold"), s.citation)
    parts += [Text("\nSources", style="bold underline"), sources]
    return Group(*parts)


def compared_summary(c: ComparedView, rb: Rulebook) -> str:
    """Another policy's view in one line: its decision, order and planned steps."""
    words = {"image": "image", "conservative": "no imaging now", "incomplete": "not decided"}
    text = f"{c.policy.id}: {words[c.decision]}"
    if c.urgency:
        text += f" ({c.urgency})"
    if c.imaging:
        text += f", {c.imaging.procedure}"
    if c.next_steps:
        text += "; planned: " + "; ".join(f"{s.action}, {s.when}" for s in c.next_steps)
    if c.decision == "incomplete":
        text += "; still to ask: " + ", ".join(
            "age" if ref == "age" else rb.short_label(ref) for ref in c.unanswered
        )
    return text + "."


def render_compared(c: ComparedView, rb: Rulebook) -> RenderableType:
    return Text.assemble(("Beside it, ", "bold"), compared_summary(c, rb))


def render_record(record: Any, rb: Rulebook) -> RenderableType:
    """What the FHIR record said, and why (an `Intake`)."""
    parts: list[RenderableType] = [Text("\nFrom the record", style="bold underline")]
    if record.age_detail:
        parts.append(Text(f"• age {record.age:g} ({record.age_detail})"))
    for e in record.evidence:
        value = "present" if e.value else "absent"
        when = f", {e.date}" if e.date else ""
        parts.append(Text(f"• {rb.short_label(e.finding)}: {value} ({e.resource}, {e.code}{when})"))
    for e in record.suggestions:
        parts.append(
            Text(
                f"? ask about {rb.short_label(e.finding)}: {e.resource} has {e.code}",
                style="yellow",
            )
        )
    if len(parts) == 1:
        parts.append(Text("nothing the rules use (unknown is not absent)", style="dim"))
    return Group(*parts)


def render_note(text: str, result: Any, rb: Rulebook) -> RenderableType:
    """The note with the evidence highlighted, then the findings it gives, each with the
    sentence it came from and the cue that decided it."""
    styles = {True: "bold white on red", False: "black on green3", None: "black on grey70"}
    shown = Text(text)
    for m in result.mentions:
        shown.stylize(styles[m.counts_as], m.start, m.end)
    table = Table(title="Findings from the note", show_lines=True)
    for column in ("finding", "answer", "sentence", "decided by"):
        table.add_column(column, overflow="fold")
    if result.age is not None:
        table.add_row("age", f"{result.age:g}", "", "")
    answer = {True: "yes", False: "no", None: "unknown"}
    for fid, value in result.findings.items():
        deciding = [m for m in result.mentions if m.finding == fid and m.counts_as is value]
        # A denial that another mention kept open is shown too, and both say so.
        overruled = [
            m for m in result.mentions if m.finding == fid and m.counts_as is False
        ] if value is None else []  # fmt: skip
        if not deciding + overruled:
            continue  # not mentioned
        for m in _unique_sentences(deciding + overruled):
            why = describe_mention(m)
            if m.counts_as is False and value is None:
                why = f"{why}, but kept open by another mention"
            elif overruled and m.keeps_open:
                why = f"{why} (keeps it from absent)"
            table.add_row(rb.short_label(fid), answer[value], _marked(m), why)
    legend = Text(
        "red: present   green: absent   grey: mentioned, says nothing now (unknown)", style="dim"
    )
    return Group(shown, legend, table)


def _unique_sentences(mentions: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for m in mentions:
        if m.sentence not in seen:
            seen.add(m.sentence)
            out.append(m)
    return out


def _marked(m: Any) -> Text:
    """The sentence with the mention in bold."""
    sentence = Text(m.sentence)
    at = m.sentence.find(m.text)
    if at >= 0:
        sentence.stylize("bold", at, at + len(m.text))
    return sentence


def describe_mention(m: Any) -> str:
    """Why a mention counts as it does, in a few words: the cue that decided it."""
    cue = f'"{m.cue}"' if m.cue else ""
    if m.counts_as is True:
        why = f"present ({m.note})" if m.note else "present"
        return f"{why}: {cue}" if cue and cue.strip('"') != m.text else why
    if m.counts_as is False:
        return f"absent: {cue}" if cue else "absent"
    if m.hypothetical:
        reason = "hypothetical"
    elif m.experiencer != "patient":
        reason = "someone else"
    elif m.elsewhere:
        reason = "not where this finding is"
    elif m.uncertain:
        reason = "uncertain"
    elif m.historical:
        reason = "in the past"
    else:
        reason = m.note or "says nothing now"
    return f"unknown, {reason}: {cue}" if cue else f"unknown, {reason}"


def render_policy(policy: Policy, rb: Rulebook) -> RenderableType:
    """A policy as a table: when → decision, suspected conditions, study, urgency, sources."""
    table = Table(title=f"Policy {policy.id}: {policy.title}", show_lines=True, expand=True)
    table.add_column("rule · decision · sources", no_wrap=True)
    table.add_column("when present", ratio=1)
    table.add_column("suspects → order", ratio=1)
    for rule in policy.rules:
        if rule.study:
            action = rb.studies[rule.study].procedure
            if rule.acr_variant:
                action += f" (ACR {rule.acr_variant})"
            decision = f"image, {rule.urgency}"
        else:
            assert rule.next_step is not None  # a watch rule always plans one
            action = f"later: {rule.next_step.action}, {rule.next_step.when}"
            decision = "conservative + plan"
        suspects = ", ".join(rb.conditions[c].name for c in rule.suspects) or "(no condition)"
        table.add_row(
            Text.assemble((rule.id, "bold"), f"\n{decision}\n", (", ".join(rule.sources), "dim")),
            when_text(rule.when).replace("_", " "),
            f"{suspects} → {action}",
        )
    required = Text.assemble(
        ("Required (unknown → incomplete): ", "bold"), ", ".join(policy.required)
    )
    not_used = Table.grid(padding=(0, 1))
    for ref, why in policy.not_used.items():
        not_used.add_row(Text(ref, style="dim"), why)
    return Group(table, required, Text("Not used by this policy:", style="bold"), not_used)


def render_catalogue(rb: Rulebook) -> RenderableType:
    """Everything the rulebook holds, one table per kind."""
    policies = Table(title="Policies")
    for column in ("id", "title", "rules", "required questions"):
        policies.add_column(column)
    for p in rb.policies.values():
        policies.add_row(p.id, p.title, str(len(p.rules)), str(len(p.required)))
    findings = Table(title="Findings")
    for column in ("id", "tier", "question", "screens for"):
        findings.add_column(column, overflow="fold")
    for f in rb.findings.values():
        findings.add_row(f.id, f.tier, f.question, ", ".join(f.screens) or "-")
    for a in rb.age_flags.values():
        findings.add_row(a.id, "age flag", f"{a.label} ({a.age.describe()})", ", ".join(a.screens))
    conditions = Table(title="Conditions")
    conditions.add_column("id")
    conditions.add_column("name")
    for c in rb.conditions.values():
        conditions.add_row(c.id, c.name)
    studies = Table(title="Studies")
    studies.add_column("id")
    studies.add_column("procedure")
    for s in rb.studies.values():
        studies.add_row(s.id, s.procedure)
    footer = Text(
        f"rulebook {rb.version}: {len(rb.sources)} sources, {len(rb.value_sets)} code lists "
        f"({', '.join(rb.value_sets)})",
        style="dim",
    )
    return Group(policies, findings, conditions, studies, footer)


def render_entry(ref: str, rb: Rulebook) -> RenderableType | None:
    """One finding, age flag, condition, study, source or code list; None if unknown."""
    if ref in rb.policies:
        return render_policy(rb.policies[ref], rb)
    entry = (
        rb.findings.get(ref)
        or rb.age_flags.get(ref)
        or rb.conditions.get(ref)
        or rb.studies.get(ref)
        or rb.sources.get(ref)
        or rb.value_sets.get(ref)
    )
    if entry is None:
        return None
    table = Table(title=ref, show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in entry.model_dump(exclude_defaults=False).items():
        if isinstance(value, dict):
            value = "; ".join(
                f"{k}: {', '.join(map(str, v)) if isinstance(v, list | tuple) else v}"
                for k, v in value.items()
                if v
            )
        elif isinstance(value, list | tuple):
            value = ", ".join(map(str, value))
        table.add_row(key, str(value) if value not in (None, "") else "-")
    uses = [
        f"{p.id}: {rule.id}"
        for p in rb.policies.values()
        for rule in p.rules
        if ref in (*rule.suspects, rule.study, *rule.sources, *when_ids(rule.when))
    ]
    if uses:
        table.add_row("used by", "\n".join(uses))
    return table


def make_console(*, stderr: bool = False) -> Console:
    """A console that does not guess at markup or highlight numbers in clinical text."""
    return Console(stderr=stderr, highlight=False, markup=False, emoji=False)


@contextmanager
def audit_progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr for the audit's steps; nothing when stderr is not a terminal
    (logs and pipes get the one summary line)."""
    console = make_console(stderr=True)
    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} steps"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    ) as progress:
        task = progress.add_task("starting", total=None)

        def update(what: str, done: int, total: int) -> None:
            progress.update(task, description=what, completed=done, total=total)

        yield update
