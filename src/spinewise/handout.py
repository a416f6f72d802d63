"""The patient handout: plain words from `knowledge/handout.yaml` for one assessment, as a view
that the HTML template and the PDF writer both render."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from spinewise.model import Assessment, HandoutSection
from spinewise.rulebook import Rulebook

__all__ = ["HandoutView", "handout_for", "handout_pdf"]


@dataclass(frozen=True)
class HandoutView:
    kind: str
    title: str
    intro: str
    reasons: tuple[str, ...]
    scan: str | None
    when: str | None
    sections: tuple[HandoutSection, ...]
    warning_heading: str
    warning_signs: tuple[str, ...]
    sources: tuple[str, ...]

    def plain_text(self) -> str:
        """All the words a patient reads, for the readability measure."""
        parts = [self.title + ".", self.intro, *self.reasons]
        if self.when:
            parts.append(self.when)
        for section in self.sections:
            parts += [section.heading + ".", *section.bullets]
        parts += [self.warning_heading + ":", *self.warning_signs]
        return "\n".join(parts)


def handout_for(assessment: Assessment, rb: Rulebook) -> HandoutView | None:
    """The handout for a decided assessment; None while questions are still open."""
    if assessment.decision == "conservative":
        c = rb.handouts.conservative
        return HandoutView(
            kind="conservative",
            title=c.title,
            intro=c.intro,
            reasons=(),
            scan=None,
            when=None,
            sections=c.sections,
            warning_heading=c.warning_heading,
            warning_signs=c.warning_signs,
            sources=tuple(rb.sources[s].citation for s in c.sources),
        )
    if assessment.decision == "image":
        h = rb.handouts.image
        strong = [c.id for c in assessment.suspected_conditions if c.strength == "strong"]
        reasons = tuple(h.conditions[cid] for cid in strong) or (h.other_reason,)
        return HandoutView(
            kind="image",
            title=h.title,
            intro=h.intro,
            reasons=reasons,
            scan=assessment.imaging.procedure if assessment.imaging else None,
            when=h.when[assessment.urgency] if assessment.urgency else None,
            sections=h.sections,
            warning_heading=h.warning_heading,
            warning_signs=h.warning_signs,
            sources=tuple(rb.sources[s].citation for s in h.sources),
        )
    return None


def _latin1(text: str) -> str:
    # The PDF core fonts cover Latin-1 only; the handout text is written to stay inside it.
    return text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")


def handout_pdf(view: HandoutView) -> bytes:
    """A one-page A4 PDF of the handout."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(view.title)
    pdf.set_creator("spinewise")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def paragraph(text: str, size: int = 12, style: str = "", gap: float = 2) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(gap)

    def bullets(items: tuple[str, ...]) -> None:
        pdf.set_font("Helvetica", "", 12)
        for item in items:
            pdf.multi_cell(
                width, 6, _latin1(f"-  {item}"), new_x="LMARGIN", new_y="NEXT", align="L"
            )
        pdf.ln(2)

    paragraph(view.title, size=18, style="B", gap=4)
    paragraph(view.intro)
    if view.reasons:
        paragraph("What your doctor is looking for", size=14, style="B")
        bullets(view.reasons)
    if view.scan:
        paragraph(f"Your scan: {view.scan}.", style="B")
    if view.when:
        paragraph(view.when)
    for section in view.sections:
        paragraph(section.heading, size=14, style="B")
        bullets(section.bullets)
    paragraph(view.warning_heading, size=14, style="B")
    bullets(view.warning_signs)
    paragraph("Sources", size=9, style="B", gap=0)
    for source in view.sources:
        paragraph(source, size=8, gap=0)
    return bytes(pdf.output())
