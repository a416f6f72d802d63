"""The medspaCy pipeline, built from the rule files in `knowledge/nlp/`.

spaCy's blank English tokenizer and its rule-based `sentencizer` (PyRuSH, medspaCy's default
sentence splitter, costs ~16 ms per short note and logs every token), then medspaCy's target
matcher, sectionizer and ConText. Built once per process.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import logging
import re
import warnings
from collections.abc import Iterator
from typing import Any

import numpy
import spacy
from spacy.attrs import IS_SPACE, LOWER, ORTH, SENT_START  # type: ignore[import-not-found]
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import Sentencizer
from spacy.tokenizer import Tokenizer  # type: ignore[import-not-found]
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from spinewise.nlp.spelling import Spelling
from spinewise.rulebook import Rulebook, phrase_key, rule_spellings

__all__ = [
    "CONTEXTS",
    "SECTION_MATCHERS",
    "build_pipeline",
    "compiled",
    "fixed_medspacy",
    "medspacy_default",
    "pipeline_for",
    "prepare_text",
    "run",
    "run_many",
    "sections_of",
    "set_cues",
]

#: The section-header matcher of each built pipeline (by its vocabulary), and for each rule
#: its category, its place in the file (earlier rules win) and its `max_scope`.
SECTION_MATCHERS: dict[int, tuple[Matcher, dict[str, tuple[str, int, int | None, bool]]]] = {}

if not Doc.has_extension("spinewise_headers"):
    # (start, end, section category, end of its scope or -1) of each header, in order.
    Doc.set_extension("spinewise_headers", default=())
if not Span.has_extension("spinewise_cues"):
    # (category, start character, end character) of each ConText cue that modifies a target.
    Span.set_extension("spinewise_cues", default=())
if not Span.has_extension("spinewise_places"):
    # (category, start character, end character) of every place cue (SITE_*) of the doc the
    # target's cues were read in (its sentence, or the note), whatever it modifies: those among
    # the target's own words ("LE" in "4/5 bilat LE") and those an exception after it names.
    Span.set_extension("spinewise_places", default=())


def sections_of(nlp: Language, doc: Doc) -> list[tuple[int, str]]:
    """(start character, section category) of each header, in order."""
    return [(start, category) for start, _, category, _ in doc._.spinewise_headers]


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


_SUFFIX_WINDOW = 64


def _tail_search(search: Any) -> Any:
    """spaCy's suffix search, on a word's last characters only.

    Its suffix expression ends each alternative with "$", so `re.search` tries every start in
    the word, and the tokenizer searches again after each suffix it cuts: a run of 4,000 colons
    took 3.3 s (quadratic). The tokenizer uses only the match's length, and no suffix is near
    64 characters long, so the last 64 give the same tokens.
    """

    def tail(word: str) -> Any:
        return search(word[-_SUFFIX_WINDOW:])

    return tail


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Do two token spans (start, end) share a token?"""
    return a[0] < b[1] and b[0] < a[1]


def _update_scopes(graph: Any, *, every_pair: bool = False) -> None:
    """medspaCy's `ConTextGraph.update_scopes`, except that a cue among a target's own words
    ("intact" in "intact sensation", "normal" in "normal rectal tone") does not end the scope of
    another cue of its own category (a terminator, or a category the other is terminated by,
    still does): in "does not have intact sensation" the "not" reaches the phrase, as it does in
    "no numbness". `every_pair`: call `limit` on every pair, as medspaCy does (the tests'
    reference for the loop below)."""
    targets = [(t.start, t.end) for t in graph.targets]
    find = _Overlapping(targets)
    inside = [bool(find(*m.modifier_span)) for m in graph.modifiers]
    modifiers = graph.modifiers
    # A terminator whose rule says `metadata.ends: forward` ends only the scopes that reach
    # forward to it: a gap between a form's columns ends "no fever  Saddle numbness", not
    # "Saddle numbness   denied" (the column's answer); `labelled`, neither (a wrapped line).
    # Both end an answer's backward reach when its own label stands between: "Urinary
    # retention   saddle anesthesia - no".
    ends = [(m.rule.metadata or {}).get("ends") for m in modifiers]
    # `metadata.only`: a terminator that ends the scopes of these categories alone (a side
    # after a comma ends a denial's list, not the doubt of "probable cancer, R upper lobe").
    only = [(m.rule.metadata or {}).get("only") for m in modifiers]
    # `metadata.also_ends`: a cue that, besides its own work, ends the scopes of these
    # categories as a terminator would ("presents with" affirms what follows and ends a
    # "history of": "a history of back pain who presents with leg pain radiating to the foot").
    also = [(m.rule.metadata or {}).get("also_ends") or () for m in modifiers]

    def limits(other: int, cue: int) -> bool:
        a, b = modifiers[other], modifiers[cue]
        return not (inside[other] and a.category == b.category and a.direction != "TERMINATE")

    def labelled(gap: Any, cue: Any) -> bool:
        """A target stands between the gap and the cue after it: the cue answers that label."""
        after, before = gap.modifier_span[1], cue.modifier_span[0]
        return after <= before and any(after <= s and e <= before for s, e in targets)

    def limit(cue: int, other: int) -> None:
        modifier = modifiers[cue]
        if modifier.category in also[other]:
            # forward only: "IV heroin use, now clean since 2016" keeps its backward cue
            _end_scope(modifier, modifiers[other], backward=False)
            return
        ends_only = only[other]
        if ends_only is not None and modifier.category not in ends_only:
            return
        if ends[other] is None or labelled(modifiers[other], modifier):
            modifier.limit_scope(modifiers[other])
        elif ends[other] == "forward" and modifier.direction.upper() in (
            "FORWARD",
            "BIDIRECTIONAL",
        ):
            start = modifier._scope_start  # medspaCy 1.3.1's field, as below
            modifier.limit_scope(modifiers[other])
            modifier._scope_start = start

    # medspaCy's pairwise loop, in its order, calling `limit` only where it can change a scope:
    # the other cue stands forward of a forward-reaching cue, before its scope's end, or behind
    # a backward-reaching one, after its scope's start (limit_scope and _end_scope move an end
    # no further than the other cue; a pseudo cue or a terminator keeps its scope). A sentence
    # of hundreds of cues ("EHL now 4/5, " x 200) took seconds in the comparisons alone.
    span = [m.modifier_span for m in modifiers]
    direction = [m.direction.upper() for m in modifiers]
    forward = [d in ("FORWARD", "BIDIRECTIONAL") for d in direction]
    backward = [d in ("BACKWARD", "BIDIRECTIONAL") for d in direction]

    def moves(cue: int, other: int) -> bool:
        (start, end), (other_start, other_end) = span[cue], span[other]
        modifier = modifiers[cue]
        return (forward[cue] and start < other_start < modifier._scope_end) or (
            backward[cue] and modifier._scope_start < other_end < end
        )

    for i in range(len(modifiers) - 1):
        for j in range(i + 1, len(modifiers)):
            if (every_pair or ((forward[i] or backward[i]) and moves(i, j))) and limits(j, i):
                limit(i, j)
            if (every_pair or ((forward[j] or backward[j]) and moves(j, i))) and limits(i, j):
                limit(j, i)
    # `metadata.or_list`: matched right after the cue, a list its scope goes on through, to the
    # match's end, whatever ended it (a comma): ", no ecchymosis, abrasion, or swelling" denies
    # all three, where ", no fever, leg weakness" denies only the fever. With
    # `metadata.list_required`, a cue with no such list after it reaches nothing: "told to come
    # to the ED for fever, new weakness, or loss of bladder control" lists what may come, where
    # "told her to go to the ED for urinary retention" sends her with what she has.
    if modifiers and graph.targets:
        doc = graph.targets[0].doc
        for modifier in modifiers:
            metadata = modifier.rule.metadata or {}
            listed = metadata.get("or_list")
            if not listed:
                continue
            cue_end = modifier.modifier_span[1]
            sentence_end = doc[cue_end - 1].sent.end
            match = None
            if cue_end < sentence_end:
                start_char = doc[cue_end].idx
                match = re.match(listed, doc.text[start_char : doc[sentence_end - 1].idx + 1])
            if match is not None and match.end() > 0:
                last = doc.char_span(start_char, start_char + match.end(), alignment_mode="expand")
                if last is not None and metadata.get("list_required"):
                    # the list is the cue's whole reach: "told to go to the ED for fever,
                    # rigors, or confusion; temp 102.3 F at home" measures her now
                    modifier._scope_end = min(last.end, sentence_end)
                elif last is not None:
                    modifier._scope_end = max(modifier._scope_end, min(last.end, sentence_end))
            elif metadata.get("list_required"):
                modifier._scope_start = modifier._scope_end = cue_end
    # A denial inside parentheses reaches no further forward than them: in "(no ID on scene),
    # T-boned at 45 mph" the "no" says nothing of the collision. (Backward it may: "hx of IVDU
    # (last injected 1 wk ago)"; and a doubt may: "(possibly unreliable) no saddle numbness".)
    # medspaCy 1.3.1 keeps a modifier's scope in `_scope_end`, as its own `limit_scope` does.
    if modifiers and graph.targets:
        groups = _parentheses(graph.targets[0].doc)
        for modifier in modifiers:
            if modifier.category != "NEGATED_EXISTENCE":
                continue
            start, end = modifier.modifier_span
            inner = [g for g in groups if g[0] < start and end <= g[1]]
            if inner:
                modifier._scope_end = min(modifier._scope_end, max(inner)[1])


class _Overlapping:
    """The targets of a sentence (token spans, in order, none overlapping: a Doc's entities)
    that share a token with a span, found by bisection rather than by trying each."""

    def __init__(self, targets: list[tuple[int, int]]) -> None:
        self.targets = targets
        self.ends = [end for _, end in targets]

    def __call__(self, start: int, end: int) -> list[int]:
        """Indices of the targets `_overlaps` finds with (start, end)."""
        found = []
        for at in range(bisect.bisect_right(self.ends, start), len(self.targets)):
            if self.targets[at][0] >= end:
                break
            found.append(at)
        return found


def _apply_modifiers(graph: Any) -> None:
    """medspaCy 1.3.1's `ConTextGraph.apply_modifiers`, asking each cue only about the targets
    that share a token with its scope or its own words: `modifies` (medspaCy's, and ours, see
    `_modifies`) is false for any other. It asked every cue about every target of the sentence.
    Each cue still takes its targets in order, and the edges are made as medspaCy makes them."""
    targets = list(graph.targets)
    find = _Overlapping([(t.start, t.end) for t in targets])
    if graph.prune_on_modifier_overlap:
        graph.modifiers = [m for m in graph.modifiers if not find(*m.modifier_span)]
    for modifier in graph.modifiers:
        if modifier.direction in ("TERMINATE", "PSEUDO"):
            continue  # modifies nothing (medspaCy's test, as it spells it)
        near = sorted(set(find(*modifier.scope_span)) | set(find(*modifier.modifier_span)))
        for at in near:
            if modifier.modifies(targets[at]):
                modifier.modify(targets[at])
    edges = []
    for modifier in graph.modifiers:
        modifier.reduce_targets()
        for target in modifier._targets:
            edges.append((target, modifier))
    graph.edges = edges


def _end_scope(modifier: Any, other: Any, *, backward: bool = True) -> None:
    """End `modifier`'s scope at `other`, as medspaCy 1.3.1's `limit_scope` does for a
    terminator (its `_scope_start` and `_scope_end` fields); with `backward` false, only a
    scope that reaches forward to `other`."""
    direction = modifier.direction.upper()
    if direction in ("FORWARD", "BIDIRECTIONAL") and other > modifier:
        modifier._scope_end = min(modifier._scope_end, other.modifier_span[0])
    if backward and direction in ("BACKWARD", "BIDIRECTIONAL") and other < modifier:
        modifier._scope_start = max(modifier._scope_start, other.modifier_span[1])


def _parentheses(doc: Doc) -> list[tuple[int, int]]:
    """(index of "(", index of its ")") of each closed pair of parentheses in `doc`."""
    out, opened = [], []
    for token in doc:
        if token.text == "(":
            opened.append(token.i)
        elif token.text == ")" and opened:
            out.append((opened.pop(), token.i))
    return out


@contextlib.contextmanager
def fixed_medspacy(fix: bool = True) -> Iterator[None]:
    """medspaCy 1.3.1's `tuple_overlaps` misses a span that contains the other whole, so a
    terminator (whose scope is the sentence) never ends the scope of a cue with `max_scope`
    ("Leg weakness, sensation intact": the comma did not stop "intact" reaching back); and a
    cue inside a target cut the scope of the cue before it (see `_update_scopes`). Our ConText
    runs with both fixed; medspaCy's default pipeline, for comparison, as shipped."""
    import medspacy.context.context_graph as graph
    import medspacy.context.context_modifier as modifier

    if not fix:
        yield
        return
    original = modifier.tuple_overlaps
    original_update = graph.ConTextGraph.update_scopes
    original_apply = graph.ConTextGraph.apply_modifiers
    original_modifies = modifier.ConTextModifier.modifies
    modifier.tuple_overlaps = graph.tuple_overlaps = _overlaps
    graph.ConTextGraph.update_scopes = _update_scopes
    graph.ConTextGraph.apply_modifiers = _apply_modifiers
    modifier.ConTextModifier.modifies = _modifies(original_modifies)
    try:
        yield
    finally:
        modifier.tuple_overlaps = graph.tuple_overlaps = original
        graph.ConTextGraph.update_scopes = original_update
        graph.ConTextGraph.apply_modifiers = original_apply
        modifier.ConTextModifier.modifies = original_modifies


#: Words that deny: shared by a cue and a target, they are the target's own ("hasn't" and
#: "n't peed since", a target that asserts itself), and the cue does not modify it.
_NEGATIONS = frozenset({"no", "not", "n't", "never", "nor", "without", "non"})


def _modifies(original: Any) -> Any:
    """medspaCy's `ConTextModifier.modifies`, except that a denial before a target that shares
    the target's first words modifies it: in "no evidence of metastasis" the denial "no
    evidence of" and the target "evidence of metastasis" share "evidence of", and the target
    was read as present. (A cue that starts with the target, "not" in "not able to void", or
    that shares its denial, "hasn't" and "n't peed since", still does not.)"""

    def modifies(self: Any, target: Span) -> bool:
        start, end = self.modifier_span
        if (
            self.category == "NEGATED_EXISTENCE"
            and self.direction.upper() in ("FORWARD", "BIDIRECTIONAL")
            and start < target.start < end < target.end
            and not any(t.lower_ in _NEGATIONS for t in target.doc[target.start : end])
            and self.allows(target.label_.upper())
        ):
            return bool(self.on_modifies(target))
        return bool(original(self, target))

    return modifies


@functools.cache
def medspacy_default() -> Language:
    """medspaCy's default pipeline (`medspacy.load()`) with its own ConText rules."""
    _quiet_loguru()
    import medspacy

    loaded: Language = medspacy.load()
    return loaded


def build_pipeline(rulebook: Rulebook, *, default: bool = False) -> Language:
    """The note pipeline. `default=True` builds medspaCy's own default pipeline
    (`medspacy.load()`: PyRuSH, target matcher, ConText) with the same rules, for comparison."""
    _quiet_loguru()
    import medspacy
    from medspacy.context import ConTextRule
    from medspacy.ner import TargetMatcher, TargetRule

    targets = [TargetRule(**_kwargs(rule)) for rule in compiled(rulebook.nlp.target_rules)]
    context_rules = [
        ConTextRule(**_kwargs(rule)) for rule in _after_spaces(compiled(rulebook.nlp.context_rules))
    ]
    if default:
        loaded: Language = medspacy.load()
        _component(loaded.get_pipe("medspacy_target_matcher")).add(targets)
        _component(loaded.get_pipe("medspacy_context")).add(context_rules)
        return loaded
    nlp = spacy.blank("en")
    # spaCy keeps a full stop after a capital as part of the word (an initial: "J."), so a unit
    # written with one ran its sentence on into the next: "PVR 720 mL. Suspected CES." (Not
    # "R.", "L.", "C." or "F.": a side ("DF 5/5 R. 4/5 L.") or an initial ("Mrs F. Brown").)
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    for unit in ("mL", "dL", "uL"):
        tokenizer.add_special_case(f"{unit}.", [{ORTH: unit}, {ORTH: "."}])
    tokenizer.suffix_search = _tail_search(tokenizer.suffix_search)
    # Section headers (medspaCy's section rule format) are found with a plain spaCy Matcher:
    # medspaCy's sectionizer cost ~8 ms per dictated note, a quarter of the pipeline, to set
    # attributes we do not use (settings.yaml says which sections change a mention's meaning).
    headers = Matcher(nlp.vocab)
    rules: dict[str, tuple[str, int, int | None, bool]] = {}
    for i, rule in enumerate(rulebook.nlp.section_rules):
        pattern = rule.get("pattern") or [
            {"LOWER": t.lower_} for t in nlp.make_doc(rule["literal"])
        ]
        key = f"{rule['category']}#{i}"
        headers.add(key, [pattern], greedy="LONGEST")
        # A header ends its sentence unless its rule says otherwise (an unknown ALL-CAPS
        # header may be a list item: "SENSORY: unremarkable", "FEVER: no").
        ends = bool((rule.get("metadata") or {}).get("ends_sentence", True))
        rules[key] = (str(rule["category"]), i, rule.get("max_scope"), ends)
    SECTION_MATCHERS[id(nlp.vocab)] = (headers, rules)
    # "?" does not end a sentence: "? saddle anesthesia" is a doubt about what follows (a
    # question mark before a capital still does, see line_breaks).
    punct = [c for c in Sentencizer.default_punct_chars if c not in "?\uff1f"]
    nlp.add_pipe("sentencizer", config={"punct_chars": punct})
    nlp.add_pipe("spinewise_line_breaks")
    nlp.add_pipe("spinewise_headers")
    nlp.add_pipe("spinewise_long_sentences")
    # Phrases go to medspaCy's target matcher; the few token patterns left, each behind its
    # anchor words, to ours (see Targets).
    phrases = [t for t in targets if t.pattern is None]
    patterns = [t for t in targets if t.pattern is not None]
    matcher = TargetMatcher(nlp, result_type=None)
    matcher.add(phrases)
    spelling = None
    if rulebook.nlp.settings.spelling is not None:
        target_words = _rule_words(rulebook.nlp.target_rules)
        spelling = Spelling(
            target_words,
            target_words
            | _rule_words(rulebook.nlp.context_rules)
            | _rule_words(rulebook.nlp.section_rules),
            rulebook.nlp.settings.spelling.min_length,
        )
    TARGETS[id(nlp)] = Targets(nlp, matcher, patterns, spelling)
    # All ConText rules are ours (medspaCy's defaults, reviewed and amended, are in the file).
    context = _component(nlp.add_pipe("medspacy_context", config={"rules": None}))
    context.add(context_rules)
    _gate_context(nlp, context)
    CONTEXTS[id(nlp)] = context
    return nlp


class _GatedPatterns:
    """A stand-in for spaCy's token Matcher inside medspaCy's ConText matcher: each token-
    pattern rule runs only on a sentence holding a word of each of its required tokens (see
    `_anchors`). spaCy's Matcher tries every pattern at every token; ConText runs on each
    sentence holding a target, and most of its ~80 patterns cannot match there.

    A rule's `metadata.lookbehind` (n) makes its first n tokens a condition, not a part of the
    cue: the cue begins after them (a gap that follows a word, not a comma); its
    `metadata.lookahead` (n) its last n tokens (an answer's "- no" before a comma that may
    open a cue of its own: "? - no, no cancer history"); its `metadata.unless_later`, words
    none of which may come after the match in the sentence (a list that goes on: "No fever,
    new weakness, numbness, or incontinence")."""

    def __init__(self, nlp: Language, rules: list[Any]) -> None:
        strings = nlp.vocab.strings
        self.patterns: list[
            tuple[Matcher, list[frozenset[int]], int, int, int, frozenset[int]]
        ] = []
        for rule in rules:
            matcher = Matcher(nlp.vocab)
            matcher.add(rule._rule_id, [rule.pattern], on_match=rule.on_match)
            gates = _gates(strings, rule.pattern)
            metadata = rule.metadata or {}
            order = int(metadata.get("order", 0))
            behind, ahead = int(metadata.get("lookbehind", 0)), int(metadata.get("lookahead", 0))
            later = frozenset(strings.add(w) for w in metadata.get("unless_later") or ())
            self.patterns.append((matcher, gates, order, behind, ahead, later))

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        present = set(doc.count_by(LOWER))
        found: list[tuple[int, int, int, int]] = []
        lower = None
        for matcher, gates, order, behind, ahead, later in self.patterns:
            if _passes(gates, present):
                for key, start, end in matcher(doc):
                    if later:
                        lower = doc.to_array(LOWER) if lower is None else lower
                        if not later.isdisjoint(int(h) for h in lower[end:]):
                            continue
                    found.append((start + behind, end - ahead, order, key))
        # Of two token patterns matching the same words, medspaCy's pruning keeps the first
        # listed: here the earlier rule of the file (spaCy's Matcher listed them in an order
        # of its own). A token pattern still comes before a phrase on the same words (medspaCy
        # lists token matches first), and of two rules with one phrase `compiled` keeps the
        # later.
        found.sort()
        return [(key, start, end) for start, end, _, key in found]


def _gate_context(nlp: Language, context: Any) -> None:
    """Put `_GatedPatterns` in place of the token Matcher of `context`'s MedspacyMatcher
    (medspaCy 1.3.1 keeps both in name-mangled attributes; its phrase matcher is kept), and
    make the matcher a `_places_apart` one (its class swapped). pyproject.toml pins medspaCy:
    tests/nlp/test_pipeline_shortcuts.py checks both against medspaCy's own."""
    inner = context._ConText__matcher
    if any(isinstance(r.pattern, str) for r in inner.rules):
        # medspaCy's regex matcher is not called by `_places_apart`'s matcher.
        raise ValueError("nlp/context_rules.json: a ConText rule's pattern is a regex string")
    rules = [r for r in inner.rules if isinstance(r.pattern, list)]
    inner._MedspacyMatcher__matcher = _GatedPatterns(nlp, rules)
    from medspacy.common.medspacy_matcher import MedspacyMatcher

    inner.__class__ = _places_apart(MedspacyMatcher)


@functools.cache
def _places_apart(base: type) -> type:
    """medspaCy's matcher (`base`), with the cues that place a mention (settings.yaml
    `places`: SITE_* categories) pruned apart from the others. medspaCy 1.3.1 prunes
    overlapping cues pair by pair from the left, so one more cue changed which of two others
    survived: "Bowel" as a place dropped ": no" in "Bowel: no incontinence", and with it the
    denial. A place longer than every cue it overlaps wins over them ("this area" over
    "this"); otherwise it goes. A pseudo cue on its words ("Bowel:" as a header) is kept beside
    it: in "Bowel: no incontinence" the denial is the bowels'."""
    from medspacy.common.util import prune_overlapping_matches as prune

    class PlacesApart(base):  # type: ignore[misc]
        def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
            matches = [
                *self._MedspacyMatcher__matcher(doc),
                *self._MedspacyMatcher__phrase_matcher(doc),
            ]
            places: list[tuple[int, int, int]] = []
            others: list[tuple[int, int, int]] = []
            # A pseudo cue modifies nothing (a header such as "Bowel:" opening a clause): a
            # place on its words is kept beside it.
            pseudo: set[tuple[int, int, int]] = set()
            for match in matches:
                rule = self._rule_map[doc.vocab.strings[match[0]]]
                (places if rule.category.startswith("SITE_") else others).append(match)
                if rule.direction == "PSEUDO":
                    pseudo.add(match)
            kept = prune(others) if others else []
            for place in prune(places) if places else []:
                _, start, end = place
                over = [k for k in kept if k[1] < end and start < k[2] and k not in pseudo]
                if all(end - start > k[2] - k[1] for k in over):
                    kept = [k for k in kept if k not in over] + [place]
            return sorted(kept, key=lambda m: (m[1], m[2]))

    return PlacesApart


#: The ConText component of each built pipeline (run sentence by sentence, see below).
CONTEXTS: dict[int, Any] = {}
#: The target matching of each built pipeline (see Targets).
TARGETS: dict[int, Targets] = {}
CONTEXT_FLAGS = ("is_negated", "is_historical", "is_hypothetical", "is_family", "is_uncertain")


def run(nlp: Language, text: str) -> Doc:
    """The pipeline on one text, ConText only on the sentences that hold a target.

    ConText scopes never cross a sentence, so running it on each such sentence alone gives the
    same answers; in a long dictated note most sentences hold no target, and ConText was ~40%
    of the pipeline's time.
    """
    context = CONTEXTS[id(nlp)]
    with nlp.select_pipes(disable=["medspacy_context"]):
        doc = TARGETS[id(nlp)](nlp(text))
    with fixed_medspacy():
        _context_by_sentence(doc, context)
    return doc


def run_many(nlp: Language, texts: Any, batch_size: int = 64) -> Any:
    context = CONTEXTS[id(nlp)]
    with nlp.select_pipes(disable=["medspacy_context"]):
        for found in nlp.pipe(texts, batch_size=batch_size):
            doc = TARGETS[id(nlp)](found)
            with fixed_medspacy():
                _context_by_sentence(doc, context)
            yield doc


def _context_by_sentence(doc: Doc, context: Any) -> None:
    groups: dict[int, tuple[Span, list[Span]]] = {}
    for ent in doc.ents:
        sent = ent.sent
        groups.setdefault(sent.start, (sent, []))[1].append(ent)
    for sent, ents in groups.values():
        # A new Doc of the sentence's words (Span.as_doc copies vectors token by token:
        # half of ConText's time here).
        words = [t.text for t in sent]
        starts: list[bool | int | None] = [True, *([False] * (len(words) - 1))]
        sub = Doc(
            doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in sent], sent_starts=starts
        )
        sub.ents = [Span(sub, e.start - sent.start, e.end - sent.start, e.label_) for e in ents]
        sub = context(sub)
        by_offset = {(e.start_char, e.end_char): e for e in sub.ents}
        offset = sent.start_char
        places = places_of(sub, offset)
        for ent in ents:
            twin = by_offset.get((ent.start_char - offset, ent.end_char - offset))
            if twin is not None:
                # A flag the target rule set itself ("afebrile" is negated) stays set.
                for flag in CONTEXT_FLAGS:
                    setattr(ent._, flag, getattr(ent._, flag) or getattr(twin._, flag))
                set_cues(ent, sub, offset, twin, places)


def set_cues(
    ent: Span,
    doc: Doc,
    offset: int,
    modified: Span | None = None,
    places: tuple[tuple[str, int, int], ...] | None = None,
) -> None:
    """Keep on `ent` the ConText cues that modify it (or its twin `modified` in `doc`, a
    sentence starting at character `offset`), as (category, start, end) in the note; and the
    place cues of `doc` (`places`, when its caller found them already: `places_of`)."""
    cues = []
    target = modified or ent
    for modifier in target._.modifiers:
        start, end = modifier.modifier_span
        cue = doc[start:end]
        cues.append((modifier.category, cue.start_char + offset, cue.end_char + offset))
    ent._.spinewise_cues = tuple(sorted(cues, key=lambda c: c[1]))
    ent._.spinewise_places = places_of(doc, offset) if places is None else places


def places_of(doc: Doc, offset: int) -> tuple[tuple[str, int, int], ...]:
    """Every place cue of `doc`, whatever it modifies: those among a target's own words
    (ConText leaves a cue inside a target out of its modifiers) and those an exception after
    it names."""
    graph = doc._.context_graph if doc.has_extension("context_graph") else None
    spans = (
        (m.category, doc[m.modifier_span[0] : m.modifier_span[1]])
        for m in (graph.modifiers if graph is not None else ())
        if m.category.startswith("SITE_")
    )
    return tuple(
        (category, span.start_char + offset, span.end_char + offset) for category, span in spans
    )


def compiled(rules: Any) -> list[dict[str, Any]]:
    """The rules, each token pattern that only lists words ({"LOWER": ...}, optional or not)
    replaced by the phrases it spells: the same matches, found by spaCy's PhraseMatcher
    (hashed) instead of its token Matcher, which tries every pattern at every token. Each
    phrase keeps the rule it came from in `metadata["rule"]`. A rule gated by its metadata
    (rulebook.GATED_METADATA) stays a token pattern, for `_GatedPatterns`."""
    out: list[dict[str, Any]] = []
    for order, rule in enumerate(rules):
        rule = dict(rule)
        # The rule's place in the file: of two ConText token patterns on the same words, the
        # earlier is kept (`_GatedPatterns`).
        rule["metadata"] = {**dict(rule.get("metadata") or {}), "order": order}
        phrases = rule_spellings(rule)
        if phrases is None:
            out.append(rule)
            continue
        base = {k: v for k, v in rule.items() if k not in ("pattern", "literal")}
        base["metadata"] = {**rule["metadata"], "rule": rule["literal"]}
        out += [{**base, "literal": phrase} for phrase in phrases]
    # medspaCy's matcher keeps one of two rules with the same phrase, whichever it finds first:
    # here the later rule's phrase is the one kept.
    last = {_phrase_key(r): i for i, r in enumerate(out) if r.get("pattern") is None}
    return [
        r for i, r in enumerate(out) if r.get("pattern") is not None or last[_phrase_key(r)] == i
    ]


def _after_spaces(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each cue of three tokens or more that must open its sentence, also after the spaces that
    open one: a dictated note's numbered item ("...days.,6.  Notify the team for fever") starts
    its sentence with a space token, and the cue's first word is then no sentence's first token.
    (Not a cue of one or two words: "Any", "Has he" open plain sentences after double spaces.)"""
    out: list[dict[str, Any]] = []
    for rule in rules:
        out.append(rule)
        pattern = rule.get("pattern")
        if (
            isinstance(pattern, list)
            and pattern
            and pattern[0].get("IS_SENT_START") is True
            and not pattern[0].get("IS_SPACE")
            and "OP" not in pattern[0]
            and sum(_required(token) for token in pattern) >= 3
        ):
            first = {k: v for k, v in pattern[0].items() if k != "IS_SENT_START"}
            spaced = [{"IS_SPACE": True, "IS_SENT_START": True}, first, *pattern[1:]]
            # the space is a condition, not a part of the cue (`_GatedPatterns`' lookbehind)
            metadata = dict(rule.get("metadata") or {})
            metadata["lookbehind"] = int(metadata.get("lookbehind", 0)) + 1
            out.append({**rule, "pattern": spaced, "metadata": metadata})
    return out


def _required(token: dict[str, Any]) -> bool:
    """Must a token pattern match a word: no "OP", "1", "+", or "{n}" / "{n,m}" with n of 1 or
    more ("!" asks for the word to be absent and matches none, as `_anchors` reads it)?"""
    op = str(token.get("OP", "1"))
    if op.startswith("{"):
        least = op[1:-1].split(",")[0]
        return least.isdigit() and int(least) >= 1
    return op in ("1", "+")


def _phrase_key(rule: dict[str, Any]) -> str:
    return phrase_key(str(rule["literal"]))


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


_HEADER = re.compile(r"(?<=:),|(?<=: ),|(?<=:  ),|(?<=\.),(?= ?[A-Z0-9])")
# "...General Anesthesia,PROCEDURE PERFORMED:, Epidural...": a header run into the text;
# "...or HIV.PAST SURGICAL HISTORY:, ...": one run on after a full stop with no space.
_RUN_ON_HEADER = re.compile(
    r"(?:(?<=[a-z0-9)]),|(?<=[A-Za-z0-9)])\.)(?=[A-Z][A-Z0-9 /&()'-]{2,60}:)"
)


class Targets:
    """medspaCy's target matching, faster: phrase rules through medspaCy's TargetMatcher (a
    hashed PhraseMatcher), and each token-pattern rule (strength grades, numbers, case-
    sensitive acronyms) run only on notes holding one of its anchor words. spaCy's token
    Matcher tries every pattern at every token, ~0.3 ms per pattern in a dictated note; a
    pattern runs only on a note holding a word of each of its required tokens.
    Overlapping matches are resolved as medspaCy does, the longest wins; of two rules matching
    the same words, a phrase rule wins over a token pattern, and of two patterns the earlier
    in target_rules.json (two phrase rules never spell the same words: `compiled`)."""

    def __init__(
        self, nlp: Language, phrases: Any, rules: list[Any], spelling: Spelling | None = None
    ) -> None:
        self.phrases = phrases
        self.spelling = spelling
        self.patterns: list[tuple[Any, Matcher, list[frozenset[int]]]] = []
        strings = nlp.vocab.strings
        for rule in rules:
            matcher = Matcher(nlp.vocab)
            matcher.add("rule", [rule.pattern])
            self.patterns.append((rule, matcher, _gates(strings, rule.pattern)))

    def __call__(self, doc: Doc) -> Doc:
        # The rules read the note's words, misspelt ones corrected (spelling.py): a twin Doc
        # of the same tokens, whose matches are the note's own tokens.
        twin = self.spelling.twin(doc) if self.spelling is not None else None
        source = twin if twin is not None else doc
        with warnings.catch_warnings():
            # medspaCy's token Matcher inside is empty (only phrases): spaCy's W036.
            warnings.filterwarnings("ignore", message=r"\[W036\]")
            phrases = list(self.phrases(source))
        # Each match as (start, end, rule): a span's extension attributes live in its Doc keyed
        # by the span's place, so two matches of the same words would share one `target_rule`.
        found = [(span.start, span.end, span._.target_rule) for span in phrases]
        if self.patterns:
            present = source.count_by(LOWER)
            held = set(present)
            words = None
            sentences: list[Span] | None = None
            for rule, matcher, gates in self.patterns:
                if not _passes(gates, held):
                    continue  # a required word is missing from the note
                if words is None:
                    words = source.to_array(LOWER)
                if gates:
                    # The sentences holding the rarest of the pattern's required words.
                    counts = [sum(present.get(h, 0) for h in gate) for gate in gates]
                    rarest = list(gates[counts.index(min(counts))])
                    hits = numpy.flatnonzero(numpy.isin(words, rarest))
                else:
                    hits = numpy.arange(len(doc))
                if sentences is None:
                    sentences = list(source.sents)
                    starts = [sent.start for sent in sentences]
                for index in sorted({bisect.bisect_right(starts, int(i)) - 1 for i in hits}):
                    for span in matcher(sentences[index], as_spans=True):
                        found.append((span.start, span.end, rule))
        # A target lies within one sentence (ConText reads a sentence at a time): a phrase
        # that runs across a header's break ("Neuro exam: normal") is not one.
        found = [
            (start, _unpunctuated(doc, start, end), rule)
            for start, end, rule in found
            if not any(doc[i].is_sent_start for i in range(start + 1, end))
        ]
        # Longest first (filter_spans, a stable sort); for the same words, the first found:
        # a phrase rule before a token pattern, and of two patterns the earlier in the file.
        spans = [Span(doc, start, end, label=rule.category) for start, end, rule in found]
        rules = {id(span): rule for span, (_, _, rule) in zip(spans, found, strict=True)}
        kept = filter_spans(spans)
        for span in kept:
            _set_rule(span, rules[id(span)])
        doc.ents = kept
        return doc


def _set_rule(span: Span, rule: Any) -> None:
    """The rule that found a target, and the attributes it sets (the others at their
    defaults: another match of the same words may have set them)."""
    span._.target_rule = rule
    for flag in CONTEXT_FLAGS:
        if Span.has_extension(flag):
            setattr(span._, flag, Span.get_extension(flag)[0])
    for attribute, value in (rule.attributes or {}).items():
        setattr(span._, attribute, value)


def _rule_words(rules: Any) -> set[str]:
    """Every word the rules spell (their literals and the words their patterns list), in lower
    case."""
    words: set[str] = set()
    for rule in rules:
        words.update(re.findall(r"[a-z]+", str(rule.get("literal", "")).lower()))
        for token in rule.get("pattern") or []:
            if not isinstance(token, dict):
                continue
            for key in ("LOWER", "TEXT", "ORTH", "NORM"):
                value = token.get(key)
                listed = value.get("IN", []) if isinstance(value, dict) else [value]
                for item in listed:
                    if isinstance(item, str):
                        words.update(re.findall(r"[a-z]+", item.lower()))
    return words


def _unpunctuated(doc: Doc, start: int, end: int) -> int:
    """A rule may end on the punctuation that closes its clause ("not worsening,"): the
    punctuation is not the target's, and stays free to open the next clause's cue (", no
    radiation"). The target's end without it."""
    while end - start > 1 and doc[end - 1].is_punct:
        end -= 1
    return end


def _gates(strings: Any, pattern: list[dict[str, Any]]) -> list[frozenset[int]]:
    """The hashes of each required token's words (`_anchors`) of a token pattern."""
    return [frozenset(strings.add(w) for w in words) for words in _anchors(pattern)]


def _passes(gates: list[frozenset[int]], present: set[int]) -> bool:
    """Do the words `present` (hashes of lower-cased words) hold one of each gate?"""
    return all(not gate.isdisjoint(present) for gate in gates)


def _anchors(pattern: list[dict[str, Any]]) -> list[list[str]]:
    """For each required token of `pattern` that lists its words, those words (lower-cased):
    a note can match only if it holds one word of each list."""
    out: list[list[str]] = []
    for token in pattern:
        if token.get("OP") not in (None, "1"):  # "!" asks for the word to be absent
            continue
        for key in ("LOWER", "TEXT", "ORTH"):
            value = token.get(key)
            if isinstance(value, str):
                out.append([value.lower()])
            elif isinstance(value, dict) and set(value) == {"IN"}:
                out.append([str(v).lower() for v in value["IN"]])
    return out


#: Words that open a note's part even in lower case ("...no listhesis\nassessment lumbar
#: contusion", a dictation with no punctuation): after a line break, never a wrapped line's.
_OPENERS = frozenset({"assessment", "impression", "plan", "diagnosis", "diagnoses", "a/p"})
_SIDES = frozenset({"R.", "L.", "Rt.", "Lt.", "B."})
_BEFORE_SIDE = frozenset({"the", "on", "at", "to", "of", "in", "and", "both"})
#: A capital letter and its full stop ("hepatitis B or C. Active IV drug user."): spaCy keeps
#: it whole, as an initial (or a side, "L. Lateral foot"; a genus, "S. Aureus"); after the
#: words that name a type by its letter it ends its sentence.
_LETTERS = frozenset(f"{c}." for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_BEFORE_TYPE = frozenset({"hepatitis", "hep", "vitamin", "vit", "or", "type", "group", "class"})
#: The letters after which `line_breaks` may start a sentence (`_break_candidates`).
_BREAK_LETTERS = _SIDES | _LETTERS
#: A space that no gap rule counts (context_rules.json lists the spaces that make a gap).
_NO_GAP = "\u1680"
#: The line break after a joined list (`prepare_text`): a paragraph separator, which always
#: ends a sentence.
_LIST_END = "\u2029"


@Language.component("spinewise_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A blank line, or a line break before a capital, a digit, a bullet (a "+" too), a "[" (a
    chat's time, a box), a table's "|" or a label ("pt:"), starts a sentence; a wrapped line (a
    break before a lower-case word) does not, so a negation's scope is not cut short. (The text
    itself is not changed: offsets stay those of the note.)"""
    return _break_lines(doc, _break_candidates(doc))


def _break_lines(doc: Doc, indices: Any) -> Doc:
    """`line_breaks` on the tokens at `indices` (in order)."""
    for i in indices:
        token, before = doc[i], doc[i - 1]
        broken = (before.is_space and "\n" in before.text) or "\n" in before.whitespace_
        # A paragraph ends its sentence whatever follows it: a blank line, or the end of a
        # joined list (`_LIST_END`); a denial above it does not reach "fever 38.6 in ED".
        paragraph = before.is_space and (before.text.count("\n") >= 2 or _LIST_END in before.text)
        first = token.text[:1]
        # A chat's speaker or a form's label opens its line even in lower case ("pt: no").
        label = token.is_alpha and token.i + 1 < len(doc) and doc[token.i + 1].text == ":"
        new_line = broken and (
            first.isupper()
            or first.isdigit()
            or first in "*-+\u2022[|"
            or token.lower_ in _OPENERS
            or label
        )
        # "Fever? No." asks and answers; "? IV drug use" (a leading "?") doubts what follows.
        asked = before.text == "?" and before.i > 0 and not doc[before.i - 1].whitespace_
        # "Fever. ? normal rectal tone": a leading "?" after a full stop opens the next
        # sentence (spaCy's sentencizer keeps trailing punctuation with the sentence before).
        leading = token.text == "?" and before.text in (".", "!") and bool(before.whitespace_)
        if leading and token.i + 1 < len(doc) and "\n" not in token.whitespace_:
            doc[token.i + 1].is_sent_start = False  # "?reduced": one sentence, not two
        # "on the R. Numb patch", "DF 5/5 R, 4/5 L. Perineal ...": a side's letter and its
        # full stop end the sentence (spaCy keeps "R." whole, as an initial); "Dr. J. Smith"
        # has no "the" or grade before its initial.
        side = (
            before.text in _SIDES
            and before.i > 0
            and (
                doc[before.i - 1].lower_ in _BEFORE_SIDE
                or any(c.isdigit() for c in doc[before.i - 1].text)
            )
            and first.isupper()
        )
        # "hepatitis B or C. Active IV drug user": a type's letter ends the sentence; "Mrs F.
        # Brown", "seen by A. Jones", "except L. Lateral foot" and "S. Aureus" go on.
        letter = (
            before.text in _LETTERS
            and before.i > 0
            and doc[before.i - 1].lower_ in _BEFORE_TYPE
            and first.isupper()
        )
        if new_line or paragraph or leading or side or letter or (asked and first.isupper()):
            token.is_sent_start = True
    return doc


def _break_candidates(doc: Doc) -> list[int]:
    """The tokens `line_breaks` may change: those after a space token (a line break is one:
    spaCy keeps only a plain space as a token's trailing whitespace), a "?", its next token,
    and the token after a side's or another capital letter. Checking only these is the same as
    checking all."""
    orth = doc.to_array(ORTH)
    strings = doc.vocab.strings
    asked = numpy.flatnonzero(orth == strings["?"])
    after = numpy.concatenate(
        (
            numpy.flatnonzero(doc.to_array(IS_SPACE)),
            asked,
            numpy.flatnonzero(numpy.isin(orth, [strings[s] for s in _BREAK_LETTERS])),
        )
    )
    found = set((after + 1).tolist()) | set(asked.tolist())
    return sorted(i for i in found if 0 < i < len(doc))


#: The most tokens a sentence may hold. ConText compares the cues of a sentence pair by pair
#: and with each target, and some rules search the sentence once for each mention: a
#: 2,600-character run with no full stop ("EHL now 4/5, " x 200) took 2 s, and the note limit
#: is 60,000 characters. No sentence of the labelled notes or of MTSamples (2,851 texts) is
#: longer than 221 tokens; a longer one is a table, a paste or an attack.
MAX_SENTENCE_TOKENS = 300


@Language.component("spinewise_long_sentences")
def long_sentences(doc: Doc) -> Doc:
    """A sentence over `MAX_SENTENCE_TOKENS` cut into pieces, each after its last punctuation
    mark in the second half of the limit (or at the limit). A cut can only end a cue's scope
    early: a denial or a doubt stops reaching, never starts to."""
    starts = [*numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist(), len(doc)]
    for first, stop in itertools.pairwise(starts):
        while stop - first > MAX_SENTENCE_TOKENS:
            cut = first + MAX_SENTENCE_TOKENS
            for at in range(cut - 1, first + MAX_SENTENCE_TOKENS // 2, -1):
                if doc[at].is_punct:
                    cut = at + 1
                    break
            doc[cut].is_sent_start = True
            first = cut
    return doc


#: The longest header, in tokens ("PREOPERATIVE DIAGNOSIS (ES):").
HEADER_TOKENS = 12


@Language.component("spinewise_headers")
def headers(doc: Doc) -> Doc:
    """Section headers (section_rules.json), each a sentence of its own: a dictated note runs
    its sections together ("...stable.,FAMILY HISTORY:, Significant for ..."), and a header
    must neither join the sentence before it nor lend its words ("history") to the next."""
    matcher, rules = _header_matcher(doc)
    best: dict[int, tuple[int, int, tuple[str, int, int | None, bool]]] = {}
    # Headers start sentences: the matcher runs on the first words of each (spaCy's Matcher
    # on the whole note tried every rule at every token), and only of a sentence with a colon
    # among them: every header ends with one.
    for first, stop in _header_windows(doc).items():
        for key, start, end in matcher(doc[first:stop]):
            rule = rules[doc.vocab.strings[key]]
            start, end = start + first, end + first
            # Where two rules match at one place, the one earlier in section_rules.json wins.
            if start not in best or rule[1] < best[start][2][1]:
                best[start] = (start, end, rule)
    found = []
    covered = -1
    for start, end, (category, _, max_scope, ends) in sorted(best.values()):
        # A header inside a longer one is a word of it: "exam:" in "Rectal exam:".
        if start < covered:
            continue
        covered = end
        doc[start].is_sent_start = True
        if end < len(doc) and ends:
            doc[end].is_sent_start = True
        # A rule's `max_scope` (tokens) bounds its section: "Family history: mother had breast
        # cancer." written inline covers that sentence, not the rest of the note.
        last = doc[min(len(doc), end + max_scope) - 1] if max_scope else None
        limit = last.idx + len(last) if last is not None else -1
        found.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), category, limit))
    doc._.spinewise_headers = tuple(sorted(found))
    return doc


def _header_windows(doc: Doc) -> dict[int, int]:
    """{first token: end} of the first `HEADER_TOKENS` words of each sentence that hold a
    colon."""
    starts = numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()
    # spaCy keeps ")" and ":" together: "EXAMINATION (10/21):"
    orth = doc.to_array(ORTH)
    colons = numpy.flatnonzero(
        (orth == doc.vocab.strings[":"]) | (orth == doc.vocab.strings["):"])
    ).tolist()
    windows: dict[int, int] = {}
    for colon in colons:
        at = bisect.bisect_right(starts, colon) - 1
        first = starts[at] if at >= 0 else 0
        if colon - first < HEADER_TOKENS:
            last = starts[at + 1] if at + 1 < len(starts) else len(doc)
            windows[first] = min(last, first + HEADER_TOKENS)
    return windows


def _header_matcher(doc: Doc) -> tuple[Matcher, dict[str, tuple[str, int, int | None, bool]]]:
    # One pipeline per rulebook, each with its own vocabulary: the matcher of this one.
    return SECTION_MATCHERS[id(doc.vocab)]


def prepare_text(text: str, lists: Any = None) -> str:
    """Dictated transcriptions write headers as "PAST MEDICAL HISTORY:, He has ...": the comma
    goes (replaced by a space), and a comma or a full stop that runs the text into a header
    ("Anesthesia,PROCEDURE:", "or HIV.PAST SURGICAL HISTORY:") becomes a line break. A denying
    heading's bullet list (settings.yaml `denied_lists`) becomes one sentence. Every character
    keeps its place, so every span offset is an offset into the original note. A line break
    ends the text, as it ends every other line: a form's last answer ("Fever (-)") is read as
    any other line's."""
    prepared = _RUN_ON_HEADER.sub("\n", _HEADER.sub(" ", text))
    if lists is not None:
        prepared = _join_denied_lists(prepared, lists)
    return prepared if prepared.endswith("\n") else prepared + "\n"


def _join_denied_lists(text: str, lists: Any) -> str:
    """ "Denies:\n- fever\n- weight loss" read as "Denies:   fever,  weight loss": the heading's
    denial then reaches every item, as in a written list. The list ends at the first line that
    is not a bullet of `lists.bullet` (a "+" item is none: it is asserted)."""
    out = list(text)
    for heading in re.finditer(lists.heading, text):
        at, first = heading.end(), True
        while at < len(text) and text[at] == "\n":
            bullet = re.match(lists.bullet, text[at + 1 :])
            if bullet is None:
                if not first:
                    # The list ends its paragraph: a denial of its items does not reach the
                    # line after it, even in lower case ("fell off a roof yesterday").
                    out[at] = _LIST_END
                break
            out[at] = " " if first else ","
            for i in range(at + 1, at + 1 + bullet.end()):
                # An indented bullet's extra room is an Ogham space mark: a space to spaCy,
                # but no gap to the rules (context_rules.json: a wide gap after a comma is a
                # form's next column and ends a denial; an item of this list is not a column).
                out[i] = " " if first or i in (at + 1, at + bullet.end()) else _NO_GAP
            first = False
            line_end = text.find("\n", at + 1)
            at = len(text) if line_end < 0 else line_end
    return "".join(out)
