"""Judge one draft lumbar imaging order: its Argonaut PAMA rating and the card a clinician sees.

The words come from `knowledge/cards.yaml`, the study an order's CPT code orders and the ACR
ratings of each scenario from `knowledge/imaging_orders.yaml`. The card says what the clinician's
page says for the same facts:

- a red flag known (`image`): `appropriate` when the ordered study is usually appropriate for
  every scenario raised (no card), or maybe appropriate (an info card offering the study that is
  usually appropriate); else `not-appropriate`, with a suggestion to order that study instead.
  The replacement order carries its own rating (`appropriate`).
- every question answered, none present (`conservative`), the order's reason low back pain:
  `not-appropriate`, a warning card offering to cancel the order, and the "why no scan now"
  handout;
- questions still open (`incomplete`), the order's reason low back pain: rated `not-appropriate`
  as documented, with an "information needed" card listing the most urgent questions first
  (no "cancel");
- no red flag known and no low back pain reason: no rating; a card asks for the reason.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinewise.cds.messages import Action, Card, Coding, Link, Source, Suggestion
from spinewise.fhir.codes import codings
from spinewise.fhir.intake import Intake
from spinewise.fhir.publish import CANONICAL_BASE
from spinewise.model import ADULT_AGE, Assessment, CardText, ImagingOrder, OrderedStudy
from spinewise.rulebook import Rulebook

__all__ = [
    "CPT_SYSTEM",
    "OVERRIDE_SYSTEM",
    "PAMA_CONSULT",
    "PAMA_RATING",
    "PAMA_SYSTEM",
    "Judgement",
    "Links",
    "judge",
    "markdown_escape",
    "ordered_study",
    "rated",
]

PAMA_RATING = "http://fhir.org/argonaut/Extension/pama-rating"
PAMA_SYSTEM = "http://fhir.org/argonaut/CodeSystem/pama-rating"
PAMA_CONSULT = "http://fhir.org/argonaut/Extension/pama-rating-consult-id"
OVERRIDE_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/override-reason"
TOPIC_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/topic"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def markdown_escape(text: str) -> str:
    """Text from the EHR's request, safe inside a card's Markdown `detail`: every character
    that Markdown (or HTML in Markdown) could read as syntax is backslash-escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


@dataclass(frozen=True)
class Links:
    """Where a card's links lead: the clinician's page (a SMART launch or an absolute URL), and
    the service's own base URL for the handout, the source and its icon."""

    base_url: str
    page: Link


@dataclass(frozen=True)
class Judgement:
    rating: str | None
    cards: list[Card]


def rated(order: Mapping[str, Any], rating: str, consult: str) -> dict[str, Any]:
    """The order with its Argonaut PAMA rating (and the consultation id) as extensions."""
    out = dict(order)
    keep = [
        e
        for e in out.get("extension") or []
        if isinstance(e, Mapping) and e.get("url") not in (PAMA_RATING, PAMA_CONSULT)
    ]
    out["extension"] = [
        *keep,
        {"url": PAMA_RATING,
         "valueCodeableConcept": {"coding": [{"system": PAMA_SYSTEM, "code": rating}]}},
        {"url": PAMA_CONSULT, "valueUri": f"urn:uuid:{consult}"},
    ]  # fmt: skip
    return out


def ordered_study(rb: Rulebook, order: Mapping[str, Any]) -> tuple[OrderedStudy | None, str]:
    """The study the order's CPT code orders, and a Markdown-safe label for it."""
    for system, code, _ in codings(order.get("code")):
        if system == "cpt":
            study = rb.imaging_orders.study_of(code)
            if study is not None:
                return study, study.label
    concept = order.get("code")
    text = concept.get("text") if isinstance(concept, Mapping) else None
    return None, markdown_escape(str(text)) if text else "this lumbar imaging order"


def _source(rb: Rulebook, policy: str, base_url: str) -> Source:
    words = rb.cds_cards
    return Source(
        label=words.source.label.format(policy=policy),
        url=f"{base_url}/",
        icon=f"{base_url}/static/spinewise-icon.png",
        topic=Coding(code="lbp-imaging", system=TOPIC_SYSTEM, display=words.source.topic),
    )


def not_adult(
    rb: Rulebook, order: Mapping[str, Any], found: Intake, *, policy: str, base_url: str
) -> Judgement:
    """No rating and no decision for a patient who is, or may be, under the adult ages covered
    (ADULT_AGE): one information card that says so."""
    kind = rb.cds_cards.cards.not_adult
    _, ordered = ordered_study(rb, order)
    low, high = ADULT_AGE
    youngest, oldest = found.youngest_age or 0.0, found.age or 0.0
    age = f"{youngest:g}" if youngest >= oldest else f"{youngest:g} or {oldest:g}"
    values = {"age": age, "low": low, "high": high, "ordered": ordered}
    card = Card(
        uuid=str(uuid.uuid4()),
        summary=kind.summary.format(**values)[:139],
        detail=" ".join(kind.detail.format(**values).split()),
        indicator=kind.indicator,
        source=_source(rb, policy, base_url),
    )
    return Judgement(None, [card])


def judge(
    rb: Rulebook,
    order: Mapping[str, Any],
    found: Intake,
    assessment: Assessment,
    *,
    policy: str,
    links: Links,
    consulted: bool,
) -> Judgement:
    """The rating (None: no rating) and the cards for one order."""
    words = rb.cds_cards
    study, ordered = ordered_study(rb, order)
    source = _source(rb, policy, links.base_url)
    sources = ", ".join(s.id for s in assessment.sources)
    tail = "" if consulted else " " + words.notes.not_consulted
    consult = assessment.assessment_id or ""

    def card(kind: CardText, values: Mapping[str, Any], **parts: Any) -> Card:
        indicator = kind.indicator
        if kind.emergency_indicator and assessment.urgency == "emergency":
            indicator = kind.emergency_indicator
        summary = kind.summary.format(**values)
        return Card(
            uuid=str(uuid.uuid4()),
            summary=summary if len(summary) < 140 else summary[:136].rstrip() + "...",
            detail=" ".join(kind.detail.format(**values).split()) + tail,
            indicator=indicator,
            source=source,
            overrideReasons=[
                Coding(code=r.code, system=OVERRIDE_SYSTEM, display=r.display)
                for r in words.override_reasons
                if r.code in kind.override_reasons
            ]
            or None,
            **parts,
        )

    if assessment.decision == "image" and assessment.imaging is not None:
        imaging = assessment.imaging
        flags = ", ".join(rb.short_label(f) for f in assessment.red_flags)
        usually, acceptable = _acceptability(rb, assessment, policy, study)
        # What the page and the CLI say first, the card says first too.
        first = _caveats(rb, assessment, card, policy=policy, ordered=ordered, sources=sources)
        if usually:
            return Judgement("appropriate", first)
        values: dict[str, Any] = {
            "recommended": imaging.procedure,
            "ordered": ordered,
            "flags": flags,
            "when": imaging.when,
            "urgency": assessment.urgency or "",
            "referral": assessment.referral or "",
            "sources": sources,
        }
        kind = words.cards.better_study if acceptable else words.cards.wrong_study
        better = _replacement(rb, order, imaging, kind, consult)
        if better is not None and assessment.provisional:
            # Not the recommended action while a question could still change the study.
            better = better.model_copy(update={"isRecommended": False})
        return Judgement(
            "appropriate" if acceptable else "not-appropriate",
            [
                *first,
                card(
                    kind,
                    values,
                    suggestions=[better] if better else None,
                    selectionBehavior="at-most-one" if better else None,
                    links=[links.page],
                ),
            ],
        )
    if not found.indications:
        kind = words.cards.no_indication
        return Judgement(None, [card(kind, {"ordered": ordered}, links=[links.page])])
    if assessment.decision == "conservative":
        kind = words.cards.not_appropriate
        steps = "; ".join(f"{s.action}, {s.when}" for s in assessment.next_steps)
        cancel = Suggestion(
            label=kind.suggestion or "",
            uuid=str(uuid.uuid4()),
            isRecommended=True,
            actions=[
                Action(
                    type="delete",
                    description=words.notes.delete_order.format(ordered=ordered),
                    resourceId=f"ServiceRequest/{order.get('id')}",
                )
            ],
        )
        handout = Link(
            label=words.links.handout,
            url=f"{links.base_url}/handout/{assessment.assessment_id}",
            type="absolute",
        )
        made = card(
            kind,
            {"ordered": ordered, "sources": sources},
            suggestions=[cancel],
            selectionBehavior="at-most-one",
            links=[links.page, handout],
        )
        if steps:
            planned = words.notes.planned.format(steps=steps)
            made = made.model_copy(update={"detail": f"{made.detail} {planned}"})
        return Judgement("not-appropriate", [made])
    # Questions still open: the most urgent first, as the policy orders them.
    kind = words.cards.information_needed
    order_of = {ref: i for i, ref in enumerate(rb.policy(policy).required)}
    open_refs = sorted(assessment.unanswered, key=lambda ref: order_of.get(ref, len(order_of)))
    shown = [rb.short_label(ref) for ref in open_refs[: words.max_questions]]
    if len(open_refs) > len(shown):
        shown.append(words.notes.more_questions.format(count=len(open_refs) - len(shown)))
    values = {
        "count": len(open_refs),
        "questions": ", ".join(shown),
        "ordered": ordered,
        "sources": sources,
    }
    answer = links.page.model_copy(update={"label": words.links.answer})
    return Judgement("not-appropriate", [card(kind, values, links=[answer])])


def _caveats(
    rb: Rulebook,
    assessment: Assessment,
    card: Any,
    *,
    policy: str,
    ordered: str,
    sources: str,
) -> list[Card]:
    """The notices of an `image` decision as cards said first: "ask before ordering" when it
    is provisional (critical when a yes could make it an emergency), and the guideline view
    when the seed policy's decision rests on age alone."""
    from spinewise.console import compared_summary

    kinds = rb.cds_cards.cards
    out: list[Card] = []
    for notice in assessment.notices:
        if notice.id == "ask_before_ordering":
            questions = ", ".join(
                "age" if ref == "age" else rb.short_label(ref)
                for ref in assessment.ask_before_ordering
            )
            values = {"questions": questions, "notice": notice.text, "ordered": ordered,
                      "sources": sources}  # fmt: skip
            made = card(kinds.ask_first, values)
            if assessment.if_yes is not None and assessment.if_yes.urgency == "emergency":
                made = made.model_copy(update={"indicator": "critical"})
            out.append(made)
        elif notice.id == "age_alone":
            compared = compared_summary(assessment.compared, rb) if assessment.compared else ""
            values = {"policy": policy, "notice": notice.text, "compared": compared,
                      "sources": sources}  # fmt: skip
            out.append(card(kinds.age_alone, values))
    return out


def _acceptability(
    rb: Rulebook, assessment: Assessment, policy: str, study: OrderedStudy | None
) -> tuple[bool, bool]:
    """(usually appropriate, at least maybe appropriate) for every scenario raised."""
    imaging = assessment.imaging
    if study is None or imaging is None:
        return False, False
    if study.id == imaging.study:
        return True, True
    fired = set(assessment.rules_fired)
    scenarios = [
        rb.imaging_orders.scenario_for(rule)
        for rule in rb.policy(policy).rules
        if rule.id in fired and rule.decision == "image"
    ]
    if not scenarios or any(s is None for s in scenarios):
        return False, False  # the loader makes this unreachable for the packaged policies
    usually = all(study.id in s.usually for s in scenarios if s is not None)
    maybe = all(study.id in (*s.usually, *s.may_be) for s in scenarios if s is not None)
    return usually, maybe


def _replacement(
    rb: Rulebook, order: Mapping[str, Any], imaging: ImagingOrder, kind: CardText, consult: str
) -> Suggestion | None:
    """Order the recommended study instead: the same order with its code changed, rated."""
    cpts = imaging.codes.get("cpt") or []
    if not cpts:
        return None
    cpt = cpts[0]
    words = rb.cds_cards
    updated = dict(order)
    updated["code"] = {
        "coding": [{"system": CPT_SYSTEM, "code": cpt, "display": imaging.procedure}],
        "text": imaging.procedure,
    }
    return Suggestion(
        label=(kind.suggestion or "").format(recommended=imaging.procedure),
        uuid=str(uuid.uuid4()),
        isRecommended=True,
        actions=[
            Action(
                type="update",
                description=words.notes.change_order.format(recommended=imaging.procedure),
                resource=rated(updated, "appropriate", consult),
            )
        ],
    )
