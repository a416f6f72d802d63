"""The pipeline's shortcuts give what the long way gives: ConText's token patterns run only on
sentences holding their required words, line breaks are looked for only where one can change a
sentence, headers only in sentences with a colon among their first words, ConText compares only
the cues and targets that can touch, and the tokenizer looks for suffixes in a word's tail. And
the one cut that is not a shortcut: a sentence over the length limit."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import medspacy.context.context_graph as medspacy_graph
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.lang.en import English
from spacy.matcher import Matcher

from spinewise import default_rulebook
from spinewise.nlp import extract
from spinewise.nlp import pipeline as pipeline_module
from spinewise.nlp.pipeline import (
    CONTEXTS,
    HEADER_TOKENS,
    MAX_SENTENCE_TOKENS,
    _break_candidates,
    _break_lines,
    _header_windows,
    _tail_search,
    compiled,
    pipeline_for,
    prepare_text,
    run,
)

HERE = Path(__file__).parent


def _notes() -> list[str]:
    texts = []
    for path in sorted(HERE.glob("corpus_*.yaml")) + sorted((HERE / "written").glob("*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [i["text"] for i in items if isinstance(i, dict) and "text" in i]
    return texts


@pytest.fixture(scope="module")
def nlp() -> Any:
    return pipeline_for(default_rulebook())


def test_gated_context_patterns_find_what_the_matcher_finds(nlp: Any) -> None:
    inner = CONTEXTS[id(nlp)]._ConText__matcher
    gated = inner._MedspacyMatcher__matcher
    full = Matcher(nlp.vocab)
    # a rule's metadata.lookbehind and lookahead: tokens before and after its cue
    behind: dict[int, int] = {}
    ahead: dict[int, int] = {}
    for rule in inner.rules:
        if isinstance(rule.pattern, list):
            full.add(rule._rule_id, [rule.pattern])
            key = nlp.vocab.strings[rule._rule_id]
            behind[key] = (rule.metadata or {}).get("lookbehind", 0)
            ahead[key] = (rule.metadata or {}).get("lookahead", 0)
    sentences = looked_behind = looked_ahead = 0
    for text in _notes()[:400]:
        for sent in nlp(prepare_text(text)).sents:
            doc = sent.as_doc()
            expected = [
                (key, start + behind[key], end - ahead[key]) for key, start, end in full(doc)
            ]
            assert sorted(gated(doc)) == sorted(expected), sent.text
            sentences += 1
            looked_behind += sum(behind[key] > 0 for key, _, _ in expected)
            looked_ahead += sum(ahead[key] > 0 for key, _, _ in expected)
    assert sentences > 2000 and looked_behind > 0 and looked_ahead > 0


def test_two_context_rules_on_the_same_words_the_earlier_in_the_file_wins() -> None:
    # "— none" is both "— none reported" (backward over a list) and "- nil" (stopped by a
    # comma), which came first depended on spaCy's matcher's inner order.
    found = extract("- Fevers, night sweats, unintended weight loss \u2014 none.")
    assert found.findings["fever"] is False
    found = extract("Neg: fever, chills, CP, dysuria, saddle numbness.")
    assert found.findings["saddle_anesthesia"] is False


_PIECES = ["\n", "\n\n", " ", "?", ".", "!", "R.", "the", "on", "Numb", "numb", "- ", "pt", ":",
           "Fever", "3", "[", "plan", "no", "(", ")", "\u2022", "+", "|", "Dr.", "L.", "4/5",
           "\t", "Rt."]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40))
def test_line_breaks_on_candidates_equal_line_breaks_everywhere(pieces: list[str]) -> None:
    nlp = pipeline_for(default_rulebook())
    text = " ".join(pieces)
    with nlp.select_pipes(disable=["spinewise_line_breaks", "spinewise_headers"]):
        short, long = nlp(text), nlp(text)
    _break_lines(short, _break_candidates(short))
    _break_lines(long, range(1, len(long)))
    assert [t.is_sent_start for t in short] == [t.is_sent_start for t in long]


def test_header_windows_are_the_sentences_with_a_colon_in_their_first_words(nlp: Any) -> None:
    for text in _notes()[:200]:
        with nlp.select_pipes(disable=["spinewise_headers"]):
            doc = nlp(prepare_text(text))
        expected = {
            sent.start: min(sent.end, sent.start + HEADER_TOKENS)
            for sent in doc.sents
            if any(
                t.text in (":", "):")  # spaCy's one token in "EXAMINATION (10/21):"
                for t in doc[sent.start : min(sent.end, sent.start + HEADER_TOKENS)]
            )
        }
        assert _header_windows(doc) == expected


def test_matches_without_places_are_medspacys_own(nlp: Any) -> None:
    """Where no place cue (SITE_*) is found, the matcher gives what medspaCy's own pruning
    gives (pyproject.toml pins medspaCy: its internals are used)."""
    from medspacy.common.util import prune_overlapping_matches

    inner = CONTEXTS[id(nlp)]._ConText__matcher
    compared = 0
    for text in _notes()[:300]:
        for sent in nlp(prepare_text(text)).sents:
            doc = sent.as_doc()
            raw = [
                *inner._MedspacyMatcher__matcher(doc),
                *inner._MedspacyMatcher__phrase_matcher(doc),
            ]
            categories = {inner.rule_map[doc.vocab.strings[m[0]]].category for m in raw}
            if not raw or any(c.startswith("SITE_") for c in categories):
                continue
            expected = sorted(prune_overlapping_matches(raw), key=lambda m: (m[1], m[2]))
            assert inner(doc) == expected, sent.text
            compared += 1
    assert compared > 1000


def test_two_target_rules_on_the_same_words_the_first_found_wins(nlp: Any) -> None:
    """Each target keeps the category of the rule it names (a span's attributes live in the Doc
    by the span's place, so two matches of the same words once shared one rule: the label of
    one and the name of the other), and of two pattern rules on the same words the earlier in
    target_rules.json is the one kept."""
    rules = default_rulebook().nlp.target_rules
    order = {rule["literal"]: i for i, rule in enumerate(rules)}
    texts = [
        "No problems with her bladder or bowels other than a mild stress leak.",
        "Since yesterday his legs have gone weaker.",
        "Her neurologic deficits worsened slightly.",
        *_notes()[:300],
    ]
    checked = 0
    for text in texts:
        for ent in run(nlp, text).ents:
            rule = ent._.target_rule
            assert ent.label_ == rule.category, (ent.text, ent.label_, rule.category)
            checked += 1
    assert checked > 1000
    (gone,) = run(nlp, "Since yesterday his legs have gone weaker.").ents
    name = str(gone._.target_rule.metadata.get("rule") or gone._.target_rule.literal)
    assert name == "legs have gone weaker" and gone.label_ == "progressive_weakness"
    assert order[name] < order["leg feels weak"]  # both match these words


def test_no_two_phrase_rules_spell_the_same_words_differently(nlp: Any) -> None:
    """medspaCy's phrase matcher keeps one of two phrase rules on the same tokens by their
    hashed ids, which move whenever a rule is added: "bowel/bladder changes" (a literal) and
    "bowel / bladder changes" (spelt by another category's pattern) once flipped that way. Two
    phrase rules whose words tokenize alike must read them alike (category and attributes)."""
    readings: dict[tuple[str, ...], set[tuple[str, str]]] = {}
    for rule in compiled([dict(r) for r in default_rulebook().nlp.target_rules]):
        if rule.get("pattern") is not None:
            continue
        words = tuple(t.lower_ for t in nlp.make_doc(str(rule["literal"])))
        reading = (str(rule["category"]), repr(sorted((rule.get("attributes") or {}).items())))
        readings.setdefault(words, set()).add(reading)
    assert len(readings) > 5000
    clashes = {" ".join(w): r for w, r in readings.items() if len(r) > 1}
    assert not clashes, clashes


def test_a_rule_with_a_lookbehind_is_not_spelt_as_phrases(nlp: Any) -> None:
    """A token pattern of plain words is matched as the phrases it spells, unless its
    metadata cuts the cue out of the match: "surgery for" would be a cue on the treatment's
    own word (a target), and the treatment's denial would not reach it."""
    rule = {"literal": "x", "category": "TERMINATE", "direction": "TERMINATE",
            "pattern": [{"LOWER": {"IN": ["surgery", "chemo"]}}, {"LOWER": "for"}]}  # fmt: skip
    assert sorted(r["literal"] for r in compiled([rule])) == ["chemo for", "surgery for"]
    behind = {**rule, "metadata": {"lookbehind": 1}}
    assert [r.get("pattern") for r in compiled([behind])] == [behind["pattern"]]
    # ... nor one whose match depends on the rest of the sentence
    later = {**rule, "metadata": {"unless_later": ["or"]}}
    assert [r.get("pattern") for r in compiled([later])] == [later["pattern"]]
    # through the pipeline: the cue is "for", so "Declined" still reaches the chemotherapy
    # (as a phrase, "chemotherapy for" ended the denial on the drug's own word: taken)
    found = extract("Declined chemotherapy for lymphoma.")
    assert found.findings["history_of_cancer"] is True
    assert found.findings["immunocompromised"] is None


# ConText's scopes and edges, the short way (a sentence's cue pairs that can change a scope; a
# cue's targets by bisection) against medspaCy's long way (every pair; every cue with every
# target). medspaCy's own `apply_modifiers`, taken before any run patches it.
_MEDSPACY_APPLY = medspacy_graph.ConTextGraph.apply_modifiers
_CUE_PIECES = ["no", "denies", "fever", ",", "or", "but", "numbness", "weakness", "4/5", "EHL",
               "now", "was", "L", "R", "?", "possible", "history of", "mother", "cancer", "not",
               "unable to void", ";", "except", "(", ")", "saddle", "bladder", "retention",
               "after the fall", "without", "rule out", "if", "call 911", "negative for",
               "IVDU", "on prednisone", "since", "2 weeks", "resolved", "left", "leg", "and",
               "foot drop", "decreased sensation", "family history", "T 38.9", "-", ":"]  # fmt: skip


def _the_long_way(monkeypatch: pytest.MonkeyPatch, calls: list[int] | None = None) -> None:
    short = pipeline_module._update_scopes

    def every_pair(graph: Any) -> None:
        if calls is not None:
            calls.append(len(graph.modifiers))
        short(graph, every_pair=True)

    monkeypatch.setattr(pipeline_module, "_update_scopes", every_pair)
    monkeypatch.setattr(pipeline_module, "_apply_modifiers", _MEDSPACY_APPLY)


def _both_ways(texts: list[str], calls: list[int] | None = None) -> tuple[list[Any], list[Any]]:
    short = [extract(text).as_dict() for text in texts]
    with pytest.MonkeyPatch.context() as monkeypatch:
        _the_long_way(monkeypatch, calls)
        long = [extract(text).as_dict() for text in texts]
    return short, long


def test_context_the_short_way_reads_the_notes_as_the_long_way() -> None:
    calls: list[int] = []
    short, long = _both_ways(_notes()[:150], calls)
    assert short == long
    # the long way ran, on sentences of a dozen cues and more (15 in these notes)
    assert len(calls) > 500 and max(calls) >= 12


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), min_size=1, max_size=60))
def test_context_the_short_way_equals_the_long_way(pieces: list[str]) -> None:
    text = " ".join(pieces)
    short, long = _both_ways([text])
    assert short == long, text


_SUFFIX_PIECES = ["a", "mL", ".", ":", ",", ";", "(", ")", "'s", "...", "\u2026", "%", "kg", "3",
                  "/", "-", "!", "?", '"', "\u00b0C", "cm", "x", "]", "}"]  # fmt: skip


@functools.cache
def _tokenizers() -> tuple[Any, Any]:
    """spaCy's English tokenizer, and one searching suffixes in a word's tail."""
    tail: Any = English().tokenizer
    tail.suffix_search = _tail_search(tail.suffix_search)
    return English().tokenizer, tail


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_SUFFIX_PIECES), min_size=1, max_size=80))
def test_suffixes_searched_in_a_words_tail_give_spacys_tokens(pieces: list[str]) -> None:
    text = "".join(pieces) * 3  # past the 64 characters searched
    spacys, ours = _tokenizers()
    assert [t.text for t in ours(text)] == [t.text for t in spacys(text)]


def test_no_labelled_note_has_a_sentence_the_limit_cuts(nlp: Any) -> None:
    longest = 0
    with nlp.select_pipes(disable=["medspacy_context", "spinewise_long_sentences"]):
        for text in _notes():
            longest = max([longest, *(len(s) for s in nlp(prepare_text(text)).sents)])
    assert 100 < longest <= MAX_SENTENCE_TOKENS


def test_a_sentence_over_the_limit_is_cut_after_punctuation(nlp: Any) -> None:
    text = "Pt reports " + "back pain, " * 400 + "and nothing else"
    with nlp.select_pipes(disable=["medspacy_context"]):
        doc = nlp(text)
    sentences = list(doc.sents)
    assert len(sentences) > 2 and doc.text == text
    assert all(len(s) <= MAX_SENTENCE_TOKENS for s in sentences)
    assert all(s[-1].text == "," for s in sentences[:-1])


def test_a_cut_ends_a_denial_it_never_starts_one() -> None:
    # the saddle numbness is past the cut: the denial no longer reaches it (read present, a
    # false alarm, never absent); the fever is before it, still denied
    text = "Denies fever, " + "chills, " * 400 + "saddle numbness."
    found = extract(text)
    assert found.findings["fever"] is False
    assert found.findings["saddle_anesthesia"] is not False
