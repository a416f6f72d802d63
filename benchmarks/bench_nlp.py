"""Benchmark the note extractor: accuracy on the labelled corpus (precision, recall and F1 for
`true` and for `false`, per finding and overall); speed in characters and notes per second, in
one process and on all cores, side by side with medspaCy's default `medspacy.load()` pipeline
carrying the same target rules, in the same run; and a run over the 221 unique MTSamples
back-pain notes (no crash, time per note, a sample of what was flagged).

    python benchmarks/bench_nlp.py [--repeat 3] [--sample 12]
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
from spinewise.nlp.evaluate import score_notes  # noqa: E402
from spinewise.nlp.pipeline import build_pipeline, prepare_text  # noqa: E402

# The public test material (SPINEWISE_TEST_SHARED, default ../shared beside the checkout).
SHARED = Path(os.environ.get("SPINEWISE_TEST_SHARED") or ROOT.parent / "shared")
MTSAMPLES = SHARED / "data" / "mtsamples_backpain" / "mtsamples_backpain.csv"


def corpus() -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    for path in sorted((ROOT / "tests" / "nlp").glob("corpus_*.yaml")):
        notes += yaml.safe_load(path.read_text())
    return notes


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=12)
    args = parser.parse_args()
    rb = default_rulebook()
    notes = corpus()

    # --- accuracy -------------------------------------------------------------------------
    result = score_notes(notes, rb)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"\nAccuracy on {len(notes)} labelled notes (tests/nlp/corpus_*.yaml)")
    print(f"{'finding':<36} {'true P/R/F1':>18} {'false P/R/F1':>18}")
    for fid, counts in result.per_finding.items():
        t, f = counts[True], counts[False]
        if t.tp + t.fp + t.fn + f.tp + f.fp + f.fn == 0:
            continue
        print(
            f"{fid:<36} {t.precision:5.2f} {t.recall:5.2f} {t.f1:5.2f}  {f.precision:5.2f} {f.recall:5.2f} {f.f1:5.2f}"
        )
    t, f = result.overall[True], result.overall[False]
    print(
        f"{'OVERALL':<36} {t.precision:5.2f} {t.recall:5.2f} {t.f1:5.2f}  {f.precision:5.2f} {f.recall:5.2f} {f.f1:5.2f}"
    )
    print(
        f"true: tp {t.tp} fp {t.fp} fn {t.fn}; false: tp {f.tp} fp {f.fp} fn {f.fn}; age {result.age_correct}/{result.age_total}"
    )
    for case_id, fid, want, got in result.errors:
        print(f"  miss: {case_id} {fid}: gold {want}, got {got}")

    # --- speed: ours vs medspaCy's default pipeline, same rules, same texts, same run -----------
    texts = mtsamples()
    chars = sum(len(t) for t in texts)
    ours = build_pipeline(rb)
    default = build_pipeline(rb, default=True)
    prepared = [prepare_text(t) for t in texts]
    timings: dict[str, list[float]] = {
        "ConText on every sentence": [],
        "spinewise extract": [],
        "medspacy.load() default": [],
    }
    for _ in range(args.repeat):
        start = time.perf_counter()
        for _doc in ours.pipe(prepared, batch_size=64):
            pass
        timings["ConText on every sentence"].append(time.perf_counter() - start)
        start = time.perf_counter()
        for _found in extract_many(texts):
            pass
        timings["spinewise extract"].append(time.perf_counter() - start)
        start = time.perf_counter()
        for _doc in default.pipe(prepared, batch_size=64):
            pass
        timings["medspacy.load() default"].append(time.perf_counter() - start)
    print(
        f"\nSpeed on {len(texts)} unique MTSamples notes, {chars:,} characters, best of {args.repeat}"
    )
    best = {name: min(v) for name, v in timings.items()}
    for name, seconds in best.items():
        print(
            f"  {name:<26} {chars / seconds:>10,.0f} chars/s {len(texts) / seconds:>8,.1f} notes/s  {seconds / len(texts) * 1000:6.2f} ms/note"
        )
    print(
        f"  ratio default / spinewise extract: {best['medspacy.load() default'] / best['spinewise extract']:.1f}x"
    )

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
    for i, m in rng.sample(pairs, min(args.sample, len(pairs))):
        text = texts[i]
        window = text[max(0, m.start - 60) : m.end + 40].replace("\n", " ")
        print(f"  [{m.finding}] ...{window}...")


if __name__ == "__main__":
    main()
