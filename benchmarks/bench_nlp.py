"""Benchmark the note extractor.

Accuracy: precision, recall and F1 for `true` and for `false`, overall and per finding, and the
count of present-or-unknown findings read as absent, on
  - tests/nlp/corpus_*.yaml (written with the rules: an upper bound),
  - the MTSamples labelled notes, development split (the rules were tuned on it: an upper
    bound; its per-note errors are printed),
  - the MTSamples test split, only with --test (aggregates only: no per-note errors),
  - the MTSamples fresh notes, only with --fresh (labelled after the second round of tuning;
    aggregates only),
  - tests/nlp/written: notes written and labelled by a clinician-labeller who never saw the
    rules, only with --written (aggregates only),
and sentence-level assertion (ConText) per class of case, side by side with medspaCy's default
ConText rules; and, if the NegEx annotated test set is given (--negex FILE), negation on it.

Speed: characters and notes per second on the 221 unique MTSamples back-pain notes, in one
process and on all cores, side by side with medspaCy's default `medspacy.load()` pipeline
carrying the same rules, in the same run; then a run over those notes (no crash, a sample of
what was flagged).

    python benchmarks/bench_nlp.py [--repeat 3] [--sample 12] [--test] [--fresh] [--written]
        [--negex FILE]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spinewise import default_rulebook  # noqa: E402
from spinewise.nlp import extract_many  # noqa: E402
from spinewise.nlp.evaluate import (  # noqa: E402
    AssertionScore,
    Score,
    load_labelled,
    score_assertions,
    score_notes,
)
from spinewise.nlp.pipeline import build_pipeline, prepare_text  # noqa: E402

# The public test material (SPINEWISE_TEST_SHARED, default ../shared beside the checkout).
SHARED = Path(os.environ.get("SPINEWISE_TEST_SHARED") or ROOT.parent / "shared")
MTSAMPLES = SHARED / "data" / "mtsamples_backpain" / "mtsamples_backpain.csv"
LABELLED = ROOT / "tests" / "nlp" / "mtsamples"


def mtsamples() -> list[str]:
    seen: set[str] = set()
    out = []
    with MTSAMPLES.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = row["transcription"]
            if text not in seen:
                seen.add(text)
                out.append(text)
    return out


def _work(texts: list[str]) -> int:
    return sum(1 for _ in extract_many(texts))


def report_notes(title: str, result: Score, *, errors: bool) -> None:
    t, f = result.overall[True], result.overall[False]
    print(f"\n{title}")
    print(f"{'finding':<42} {'true P/R/F1 (n)':>24} {'false P/R/F1 (n)':>24}")
    for fid, counts in result.per_finding.items():
        ft, ff = counts[True], counts[False]
        if ft.tp + ft.fp + ft.fn + ff.tp + ff.fp + ff.fn == 0:
            continue
        print(
            f"{fid:<42} {ft.precision:5.2f} {ft.recall:5.2f} {ft.f1:5.2f} ({ft.tp + ft.fn:3d})"
            f"  {ff.precision:5.2f} {ff.recall:5.2f} {ff.f1:5.2f} ({ff.tp + ff.fn:3d})"
        )
    print(
        f"{'OVERALL':<42} {t.precision:5.2f} {t.recall:5.2f} {t.f1:5.2f} ({t.tp + t.fn:3d})"
        f"  {f.precision:5.2f} {f.recall:5.2f} {f.f1:5.2f} ({f.tp + f.fn:3d})"
    )
    print(
        f"true: tp {t.tp} fp {t.fp} fn {t.fn}; false: tp {f.tp} fp {f.fp} fn {f.fn}; "
        f"age {result.age_correct}/{result.age_total}"
    )
    print(
        f"present read as absent: {len(result.present_read_absent)}; "
        f"unknown read as absent: {len(result.unknown_read_absent)}"
    )
    print("errors by kind:", ", ".join(f"{k} {n}" for k, n in result.kinds().items()) or "none")
    if errors:
        for case_id, fid, want, got in result.errors:
            print(f"  miss: {case_id} {fid}: gold {want}, got {got}")


def report_assertions(title: str, ours: AssertionScore, default: AssertionScore) -> None:
    print(f"\n{title}: {ours.total} cases; right (every stated flag): ours {ours.right}, "
          f"medspaCy default {default.right}")  # fmt: skip
    print(f"  {'class':<14} {'ours':>10} {'default':>10}")
    for name, (right, total) in sorted(ours.per_class.items()):
        other = default.per_class.get(name, [0, total])[0]
        print(f"  {name:<14} {right:>4}/{total:<5} {other:>4}/{total:<5}")
    print(f"  {'flag':<14} {'ours P/R/F1':>18} {'default P/R/F1':>18}")
    for name, counts in ours.per_flag.items():
        d = default.per_flag[name]
        print(
            f"  {name:<14} {counts.precision:5.2f} {counts.recall:5.2f} {counts.f1:5.2f}"
            f"   {d.precision:5.2f} {d.recall:5.2f} {d.f1:5.2f}"
        )


def negex_cases(path: Path) -> list[dict[str, Any]]:
    """The NegEx annotated test set (Chapman et al.): tab-separated, with a header line,
    columns number, concept, sentence, Affirmed/Negated (rsAnnotations-1-120-random.txt
    adds temporality and experiencer)."""
    cases = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        next(handle)
        for line in handle:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4 or cols[3].strip().lower() not in ("affirmed", "negated"):
                continue
            text = cols[2].strip().strip('"')
            cases.append(
                {
                    "id": cols[0],
                    "class": cols[3].strip().lower(),
                    "text": text,
                    "target": cols[1].strip(),
                    "expect": {"negated": cols[3].strip().lower() == "negated"},
                }
            )
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=12)
    parser.add_argument("--test", action="store_true", help="Also score the test split.")
    parser.add_argument(
        "--fresh", action="store_true", help="Also score the fresh notes (labelled after tuning)."
    )
    parser.add_argument(
        "--written", action="store_true", help="Also score tests/nlp/written (never tuned on)."
    )
    parser.add_argument("--negex", type=Path, help="The NegEx annotated test set.")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    rb = default_rulebook()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )

    # --- accuracy -------------------------------------------------------------------------
    corpus = load_labelled(ROOT / "tests" / "nlp", "corpus")
    report_notes(
        f"tests/nlp/corpus_*.yaml, {len(corpus)} notes (written with the rules: upper bound)",
        score_notes(corpus, rb),
        errors=True,
    )
    dev = load_labelled(LABELLED, "notes", "dev")
    report_notes(
        f"MTSamples development split, {len(dev)} notes (rules tuned on it: upper bound)",
        score_notes(dev, rb),
        errors=True,
    )
    splits = ["dev", "test"] if args.test else ["dev"]
    held_out = {"test": ("test split", "never tuned on"),
                "fresh": ("fresh notes", "labelled after tuning round 2")}  # fmt: skip
    for split in [s for s in held_out if getattr(args, s)]:
        notes = load_labelled(LABELLED, "notes", split)
        name, how = held_out[split]
        # Aggregates only: per-note errors of a held-out set are never printed.
        report_notes(f"MTSamples {name}, {len(notes)} notes ({how})", score_notes(notes, rb),
                     errors=False)  # fmt: skip
    if args.written:
        # Each set on its own: each was scored once before any rule was written from it.
        for path in sorted((ROOT / "tests" / "nlp" / "written").glob("notes_*.yaml")):
            notes = yaml.safe_load(path.read_text(encoding="utf-8"))
            report_notes(f"Written notes (tests/nlp/written/{path.name}), {len(notes)} notes",
                         score_notes(notes, rb), errors=False)  # fmt: skip
    for split in splits:
        cases = load_labelled(LABELLED, "assertions", split)
        report_assertions(
            f"Sentence-level assertion, MTSamples {split} split",
            score_assertions(cases, rb),
            score_assertions(cases, rb, default=True),
        )
    if args.negex:
        cases = negex_cases(args.negex)
        ours, default = score_assertions(cases, rb), score_assertions(cases, rb, default=True)
        print(f"\nNegEx annotated test set ({args.negex.name}), {len(cases)} cases, negation:")
        for name, result in (("ours", ours), ("medspaCy default", default)):
            c = result.per_flag["negated"]
            print(
                f"  {name:<18} P {c.precision:.3f} R {c.recall:.3f} F {c.f1:.3f} "
                f"(tp {c.tp} fp {c.fp} fn {c.fn}); target found in {result.found}"
            )
    if args.no_speed:
        return

    # --- speed: ours vs medspaCy's default pipeline, same rules, same texts, same run -----------
    texts = mtsamples()
    chars = sum(len(t) for t in texts)
    baseline = build_pipeline(rb, default=True)
    prepared = [prepare_text(t) for t in texts]
    timings: dict[str, list[float]] = {"spinewise extract": [], "medspacy.load() default": []}
    for _ in range(args.repeat):
        start = time.perf_counter()
        for _found in extract_many(texts):
            pass
        timings["spinewise extract"].append(time.perf_counter() - start)
        start = time.perf_counter()
        for _doc in baseline.pipe(prepared, batch_size=64):
            pass
        timings["medspacy.load() default"].append(time.perf_counter() - start)
    print(
        f"\nSpeed on {len(texts)} unique MTSamples notes, {chars:,} characters, best of {args.repeat}"
    )
    best = {name: min(v) for name, v in timings.items()}
    for name, seconds in best.items():
        print(
            f"  {name:<26} {chars / seconds:>10,.0f} chars/s {len(texts) / seconds:>8,.1f} notes/s"
            f"  {seconds / len(texts) * 1000:6.2f} ms/note"
        )
    ratio = best["medspacy.load() default"] / best["spinewise extract"]
    print(f"  ratio default / spinewise extract: {ratio:.1f}x")

    cores = os.cpu_count() or 1
    chunks = [texts[i::cores] for i in range(cores)]
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        pool.map(_work, [texts[:cores]] * cores)  # warm the workers
        start = time.perf_counter()
        done = sum(pool.map(_work, chunks))
        wall = time.perf_counter() - start
    print(f"  all {cores} cores (extract): {chars / wall:,.0f} chars/s, {done / wall:,.1f} notes/s")

    # --- MTSamples: no crash, and what was flagged ------------------------------------------------
    flagged: dict[str, int] = {}
    results = list(extract_many(texts))
    for found in results:
        for fid, value in found.findings.items():
            if value is True:
                flagged[fid] = flagged.get(fid, 0) + 1
    print(f"\nMTSamples: {len(results)} notes read without error; notes with each finding present:")
    for fid, n in sorted(flagged.items(), key=lambda kv: -kv[1]):
        print(f"  {fid:<36} {n}")
    rng = random.Random(5)
    print(f"\nSample of {args.sample} present findings with their evidence, for review:")
    pairs = [(i, m) for i, r in enumerate(results) for m in r.mentions if m.counts_as is True]
    for _, m in rng.sample(pairs, min(args.sample, len(pairs))):
        print(f"  [{m.finding}] {m.sentence[:160]!r} (cue: {m.cue!r})")


if __name__ == "__main__":
    main()
