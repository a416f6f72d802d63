"""The patient handout: plain words from `knowledge/handout.yaml` (and its translations) for one
assessment, as a view that the HTML template and the PDF writer both render.

The handout says what the clinician's plan says, in the patient's words: no scan (with or
without a next step for a weak flag) or a scan, with its urgency, study, referrals and steps.
A warning sign the patient already has is not listed as a new one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from fpdf import FPDF

from spinewise.model import Assessment, Handout, HandoutLabels, HandoutSection
from spinewise.rulebook import Rulebook

__all__ = ["PAPER", "HandoutView", "WarningGroup", "handout_for", "handout_pdf", "languages"]

#: Paper sizes of the PDF (fpdf2's names).
PAPER = {"letter": "Letter", "a4": "A4"}


def languages(rb: Rulebook) -> dict[str, str]:
    """Language code -> the language's name in itself, English first."""
    return {lang: h.labels.language for lang, h in rb.handouts.items()}


@dataclass(frozen=True)
class WarningGroup:
    level: Literal["emergency", "soon"]
    heading: str
    signs: tuple[str, ...]


@dataclass(frozen=True)
class HandoutView:
    lang: str
    kind: Literal["conservative", "watch", "image"]
    urgency: str | None
    title: str
    action: str | None  # the one thing to do now (go to the emergency department, ...)
    intro: str
    reasons: tuple[str, ...]
    scan: str | None
    referrals: tuple[str, ...]
    tests: tuple[str, ...]
    next_steps: tuple[str, ...]
    sections: tuple[HandoutSection, ...]
    warnings: tuple[WarningGroup, ...]
    worse: str | None
    labels: HandoutLabels

    def as_dict(self) -> dict[str, Any]:
        """The handout as JSON: its words, in the order they are printed."""
        data = dataclasses.asdict(self)
        data["sections"] = [s.model_dump() for s in self.sections]
        data["labels"] = self.labels.model_dump()
        return data

    def plain_text(self) -> str:
        """All the words a patient reads, for the readability measure."""
        parts = [self.title + "."]
        if self.action:
            parts.append(self.action)
        parts += [self.intro, *self.reasons]
        if self.scan:
            parts.append(f"{self.labels.scan}: {self.scan}.")
        parts += [*self.referrals, *self.tests, *self.next_steps]
        for section in self.sections:
            parts += [section.heading + ".", *section.bullets]
        for group in self.warnings:
            parts += [group.heading + ":", *group.signs]
        if self.worse:
            parts.append(self.worse)
        return "\n".join(parts)


def _warnings(h: Handout, present: set[str]) -> tuple[WarningGroup, ...]:
    groups = []
    for level, heading, signs in (
        ("emergency", h.warnings.emergency_heading, h.warnings.emergency),
        ("soon", h.warnings.soon_heading, h.warnings.soon),
    ):
        new = tuple(s.text for s in signs if not present & set(s.findings))
        if new:
            groups.append(WarningGroup(level, heading, new))  # type: ignore[arg-type]
    return tuple(groups)


def handout_for(
    assessment: Assessment,
    rb: Rulebook,
    lang: str = "en",
    *,
    present: Iterable[str] = (),
    setting: str | None = None,
) -> HandoutView | None:
    """The handout for a decided assessment in one language; None while questions are open.

    `present` adds the findings known to be present beyond the assessment's flags (every
    finding answered yes), so that none of them is listed as a new warning sign. `setting`
    `emergency` means the patient is already in the emergency department.
    """
    if assessment.decision == "incomplete":
        return None
    h = rb.handouts[lang]
    has = set(present) | set(assessment.red_flags) | set(assessment.weak_flags)
    warnings = _warnings(h, has)
    next_steps = tuple(h.watch.next_steps[step.rule] for step in assessment.next_steps)
    if assessment.decision == "conservative":
        watch = bool(next_steps)
        text = h.watch if watch else h.conservative
        return HandoutView(
            lang=lang,
            kind="watch" if watch else "conservative",
            urgency=None,
            title=text.title,
            action=None,
            intro=text.intro,
            reasons=(),
            scan=None,
            referrals=(),
            tests=(),
            next_steps=next_steps,
            sections=(*text.sections[:1], h.self_care, *text.sections[1:]),
            warnings=warnings,
            worse=None,
            labels=h.labels,
        )
    image = h.image
    urgency = assessment.urgency
    imaging = assessment.imaging
    assert urgency is not None and imaging is not None  # an image decision always has both
    scan = image.scans[imaging.study]
    words = {"scan": scan, "scan_short": image.scan_short[imaging.study]}
    here = setting == "emergency" and urgency in image.here
    title = (image.here_titles if here else image.titles)[urgency].format(**words)
    strong = [c.id for c in assessment.suspected_conditions if c.strength == "strong"]
    return HandoutView(
        lang=lang,
        kind="image",
        urgency=urgency,
        title=title,
        action=(image.here if here else image.when)[urgency].format(**words),
        intro=image.intro[urgency].format(**words),
        reasons=tuple(image.conditions[cid] for cid in strong) or (image.other_reason,),
        scan=scan,
        referrals=tuple(image.referrals[r.id] for r in assessment.referrals),
        tests=tuple(image.steps[step] for step in assessment.steps if step in image.steps),
        next_steps=next_steps,
        sections=image.sections,
        warnings=warnings,
        worse=h.warnings.worse if has else None,
        labels=h.labels,
    )


def handout_pdf(view: HandoutView, paper: str = "letter") -> bytes:
    """A PDF of the handout, tagged with its language, on Letter or A4 paper."""
    pdf = FPDF(format=PAPER[paper])
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(view.title)
    pdf.set_lang(view.lang)
    pdf.set_creator("spinewise")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def paragraph(text: str, size: int = 12, style: str = "", gap: float = 2) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(gap)

    def bullets(items: Iterable[str]) -> None:
        pdf.set_font("Helvetica", "", 12)
        for item in items:
            pdf.multi_cell(
                width, 6, _latin1(f"-  {item}"), new_x="LMARGIN", new_y="NEXT", align="L"
            )
        pdf.ln(2)

    def boxed(text: str) -> None:
        pdf.set_font("Helvetica", "B", 13)
        pdf.set_line_width(0.8)
        pdf.multi_cell(width, 7, _latin1(text), border=1, new_x="LMARGIN", new_y="NEXT",
                       align="L", padding=2)  # fmt: skip
        pdf.ln(3)

    paragraph(view.title, size=18, style="B", gap=4)
    if view.action:
        boxed(view.action)
    paragraph(view.intro)
    if view.reasons:
        paragraph(view.labels.reasons, size=14, style="B")
        bullets(view.reasons)
    if view.scan:
        paragraph(f"{view.labels.scan}: {view.scan}.", style="B")
    if view.referrals:
        paragraph(view.labels.referrals, size=14, style="B")
        bullets(view.referrals)
    if view.tests:
        paragraph(view.labels.tests, size=14, style="B")
        bullets(view.tests)
    if view.next_steps:
        paragraph(view.labels.next_steps, size=14, style="B")
        bullets(view.next_steps)
    for section in view.sections:
        paragraph(section.heading, size=14, style="B")
        bullets(section.bullets)
    for group in view.warnings:
        paragraph(group.heading, size=14, style="B")
        bullets(group.signs)
    if view.worse:
        paragraph(view.worse, style="B")
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    # The PDF core fonts cover Latin-1 only (Spanish included); the handouts stay inside it.
    return text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
