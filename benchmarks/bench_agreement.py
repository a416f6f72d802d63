"""How far two labellers agree, beside the note extractor: a second labeller's independent
reading of 40 written notes (tests/nlp/written/second, ten drawn from each set) against the
first labeller's, and the extractor against each, on the same notes.

    python benchmarks/bench_agreement.py [-v]

Prints present and absent P/R/F1 of each reading against a reference, Cohen's kappa over the
three answers (present, absent, unknown) of every finding of every note, the labellers'
disagreements by kind and finding, and the extractor's errors where the two labellers agree.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

import yaml

from spinewise.nlp import extract
from spinewise.rulebook import default_rulebook

WRITTEN = Path(__file__).resolve().parent.parent / "tests" / "nlp" / "written"
Labels = dict[str, dict[str, bool]]


def scores(ids: list[str], findings: tuple[str, ...], ref: Labels, hyp: Labels) -> str:
    """Present and absent P/R/F1 of `hyp` against `ref`, and Cohen's kappa."""
    out = []
    for value, name in ((True, "present"), (False, "absent")):
        tp = fp = fn = 0
        for i in ids:
            for f in findings:
                r, h = ref[i].get(f), hyp[i].get(f)
                tp += r is value and h is value
                fp += r is not value and h is value
                fn += r is value and h is not value
        p = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
        out.append(f"{name} P/R/F1 {p:.2f}/{rc:.2f}/{f1:.2f} (n {tp + fn})")
    n = agree = 0
    a_counts: collections.Counter[bool | None] = collections.Counter()
    b_counts: collections.Counter[bool | None] = collections.Counter()
    for i in ids:
        for f in findings:
            x, y = ref[i].get(f), hyp[i].get(f)
            n += 1
            agree += x is y
            a_counts[x] += 1
            b_counts[y] += 1
    expected = sum(a_counts[c] * b_counts[c] for c in (True, False, None)) / n / n
    out.append(f"kappa {(agree / n - expected) / (1 - expected):.2f}")
    return "  ".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-v", action="store_true", help="List every disagreement.")
    args = parser.parse_args()
    findings = tuple(default_rulebook().findings)
    first: Labels = {}
    texts: dict[str, str] = {}
    for path in sorted(WRITTEN.glob("notes_*.yaml")):
        for note in yaml.safe_load(path.read_text()):
            first[note["id"]] = note["gold"]
            texts[note["id"]] = note["text"]
    second_notes = yaml.safe_load((WRITTEN / "second" / "labels.yaml").read_text())
    ids = [n["id"] for n in second_notes]
    second: Labels = {n["id"]: n["gold"] for n in second_notes}
    first = {i: first[i] for i in ids}
    read: Labels = {
        i: {f: v for f, v in extract(texts[i]).findings.items() if v is not None} for i in ids
    }
    print(f"{len(ids)} written notes read by two labellers, {len(findings)} findings each")
    for name, ref, hyp in (
        ("second labeller vs first", first, second),
        ("extractor vs first", first, read),
        ("extractor vs second", second, read),
    ):
        print(f"  {name:26} {scores(ids, findings, ref, hyp)}")
    kinds: collections.Counter[tuple[bool | None, bool | None]] = collections.Counter()
    by_finding: collections.Counter[str] = collections.Counter()
    missed: collections.Counter[tuple[bool | None, bool | None]] = collections.Counter()
    missed_by: collections.Counter[str] = collections.Counter()
    for i in ids:
        for f in findings:
            a, b, x = first[i].get(f), second[i].get(f), read[i].get(f)
            if a is not b:
                kinds[(a, b)] += 1
                by_finding[f] += 1
                if args.v:
                    print(f"    {i} {f}: first {a}, second {b}")
            elif x is not a:
                missed[(a, x)] += 1
                missed_by[f] += 1
    print("labellers disagree (first, second):", dict(kinds))
    print("  by finding:", dict(by_finding.most_common()))
    print("extractor where the labellers agree (label, read):", dict(missed))
    print("  by finding:", dict(missed_by.most_common(10)))


if __name__ == "__main__":
    main()
