"""The medspaCy pipeline, built from the rule files in `knowledge/nlp/`.

spaCy's blank English tokenizer and its rule-based `sentencizer` (PyRuSH, medspaCy's default
sentence splitter, costs ~16 ms per short note and logs every token), then medspaCy's target
matcher, sectionizer and ConText. Built once per process.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from spinewise.rulebook import Rulebook

__all__ = [
    "CONTEXTS",
    "SECTION_MATCHERS",
    "build_pipeline",
    "pipeline_for",
    "prepare_text",
    "run",
    "run_many",
    "sections_of",
]

#: The section-header matcher of each built pipeline.
SECTION_MATCHERS: dict[int, Matcher] = {}


def sections_of(nlp: Language, doc: Doc) -> list[tuple[int, str]]:
    """(start character, section category) of each header, in order."""
    matcher = SECTION_MATCHERS.get(id(nlp))
    if matcher is None:
        return []
    found = sorted((doc[start].idx, nlp.vocab.strings[key]) for key, start, _ in matcher(doc))
    return found


logger = logging.getLogger("spinewise.nlp")


def _quiet_loguru() -> None:
    # PyRuSH and medspaCy log through loguru: keep warnings, drop the per-token chatter.
    try:
        from loguru import logger as loguru_logger
    except ImportError:  # pragma: no cover - loguru comes with medspaCy
        return
    import sys

    loguru_logger.remove()
    loguru_logger.add(sys.stderr, level="WARNING")


def build_pipeline(rulebook: Rulebook, *, default: bool = False) -> Language:
    """The note pipeline. `default=True` builds medspaCy's own default pipeline
    (`medspacy.load()`: PyRuSH, target matcher, ConText) with the same rules, for comparison."""
    _quiet_loguru()
    import medspacy
    from medspacy.context import ConTextRule
    from medspacy.ner import TargetRule

    targets = [TargetRule(**_kwargs(rule)) for rule in rulebook.nlp.target_rules]
    context_rules = [ConTextRule(**_kwargs(rule)) for rule in rulebook.nlp.context_rules]
    if default:
        loaded: Language = medspacy.load()
        _component(loaded.get_pipe("medspacy_target_matcher")).add(targets)
        _component(loaded.get_pipe("medspacy_context")).add(context_rules)
        return loaded
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("spinewise_line_breaks")
    _component(nlp.add_pipe("medspacy_target_matcher")).add(targets)
    # Section headers (medspaCy's section rule format) are found with a plain spaCy Matcher:
    # medspaCy's sectionizer cost ~8 ms per dictated note, a quarter of the pipeline, to set
    # attributes we do not use (settings.yaml says which sections change a mention's meaning).
    headers = Matcher(nlp.vocab)
    for rule in rulebook.nlp.section_rules:
        pattern = rule.get("pattern") or [
            {"LOWER": t.lower_} for t in nlp.make_doc(rule["literal"])
        ]
        headers.add(str(rule["category"]), [pattern])
    SECTION_MATCHERS[id(nlp)] = headers
    # All ConText rules are ours (medspaCy's defaults, reviewed and amended, are in the file).
    context = _component(nlp.add_pipe("medspacy_context", config={"rules": None}))
    context.add(context_rules)
    CONTEXTS[id(nlp)] = context
    return nlp


#: The ConText component of each built pipeline (run sentence by sentence, see below).
CONTEXTS: dict[int, Any] = {}
CONTEXT_FLAGS = ("is_negated", "is_historical", "is_hypothetical", "is_family", "is_uncertain")


def run(nlp: Language, text: str) -> Doc:
    """The pipeline on one text, ConText only on the sentences that hold a target.

    ConText scopes never cross a sentence, so running it on each such sentence alone gives the
    same answers; in a long dictated note most sentences hold no target, and ConText was ~40%
    of the pipeline's time.
    """
    context = CONTEXTS[id(nlp)]
    with nlp.select_pipes(disable=["medspacy_context"]):
        doc = nlp(text)
    _context_by_sentence(doc, context)
    return doc


def run_many(nlp: Language, texts: Any, batch_size: int = 64) -> Any:
    context = CONTEXTS[id(nlp)]
    with nlp.select_pipes(disable=["medspacy_context"]):
        for doc in nlp.pipe(texts, batch_size=batch_size):
            _context_by_sentence(doc, context)
            yield doc


def _context_by_sentence(doc: Doc, context: Any) -> None:
    sentences: dict[int, Any] = {}
    for ent in doc.ents:
        sentences.setdefault(ent.sent.start, ent.sent)
    for sent in sentences.values():
        sub = context(sent.as_doc())
        by_offset = {(e.start_char, e.end_char): e for e in sub.ents}
        for ent in doc.ents:
            if ent.sent.start != sent.start:
                continue
            twin = by_offset.get((ent.start_char - sent.start_char, ent.end_char - sent.start_char))
            if twin is not None:
                # A flag the target rule set itself ("afebrile" is negated) stays set.
                for flag in CONTEXT_FLAGS:
                    setattr(ent._, flag, getattr(ent._, flag) or getattr(twin._, flag))


def _component(pipe: Any) -> Any:
    """A medspaCy component (spaCy types it as a bare callable)."""
    return pipe


def _kwargs(rule: Any) -> dict[str, Any]:
    return {key: (set(value) if key in ("allowed_types", "excluded_types", "terminated_by")
                  else value) for key, value in dict(rule).items()}  # fmt: skip


@functools.cache
def pipeline_for(rulebook: Rulebook) -> Language:
    """The pipeline of a rulebook, built once per process."""
    return build_pipeline(rulebook)


_HEADER = re.compile(r"(?<=[.:]),(?= ?[A-Z])")


@Language.component("spinewise_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break before a capital, a digit or a bullet starts a sentence; a wrapped line
    (a break before a lower-case word) does not, so a negation's scope is not cut short.
    (The text itself is not changed: offsets stay those of the note.)"""
    for token in doc[1:]:
        before = doc[token.i - 1]
        broken = (before.is_space and "\n" in before.text) or "\n" in before.whitespace_
        first = token.text[:1]
        if broken and (first.isupper() or first.isdigit() or first in "*-\u2022"):
            token.is_sent_start = True
    return doc


def prepare_text(text: str) -> str:
    """Dictated transcriptions write headers as "PAST MEDICAL HISTORY:, He has ...": the comma
    goes (replaced by a space, so every span offset is an offset into the original note)."""
    return _HEADER.sub(" ", text)
