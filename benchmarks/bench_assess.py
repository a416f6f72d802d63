"""Benchmark the reference engine: assessments per second in one process, and the engine's cost
as a ratio to parsing and validating the same input JSON, measured side by side in one run.

    python benchmarks/bench_assess.py [--n 5000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable

from spinewise import Presentation, assess, default_rulebook


def make_inputs(n: int, seed: int = 7) -> list[str]:
    """Varied presentations as JSON: ages, unknowns, absents and red flags in realistic mix."""
    rng = random.Random(seed)
    ids = sorted(default_rulebook().findings)
    inputs = []
    for _ in range(n):
        findings: dict[str, bool | None] = {}
        for fid in ids:
            roll = rng.random()
            if roll < 0.75:
                findings[fid] = False
            elif roll < 0.85:
                findings[fid] = None
            elif roll < 0.90:
                findings[fid] = True
        age = rng.choice([None, *range(18, 95)])
        inputs.append(json.dumps({"age": age, "setting": "primary_care", "findings": findings}))
    return inputs


CLOCK: Callable[[], float] = time.perf_counter


def timed(fn: Callable[[], object]) -> float:
    start = CLOCK()
    fn()
    return CLOCK() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="cpu: this process's CPU time, steadier than wall time on a shared, loaded machine",
    )
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    raw = make_inputs(args.n)
    parsed = [Presentation.model_validate_json(text) for text in raw]
    assess(parsed[0])  # warm caches: rulebook load, pydantic schemas

    def validate() -> None:
        for text in raw:
            Presentation.model_validate_json(text)

    def engine(policy: str) -> Callable[[], None]:
        def run() -> None:
            for p in parsed:
                assess(p, policy)

        return run

    def end_to_end() -> None:
        for text in raw:
            assess(Presentation.model_validate_json(text)).model_dump_json()

    # Interleave the measurements round by round so that drift hits all of them alike.
    runs: dict[str, list[float]] = {"validate": [], "seed": [], "acr": [], "end_to_end": []}
    for _ in range(args.rounds):
        runs["validate"].append(timed(validate))
        runs["seed"].append(timed(engine("seed")))
        runs["acr"].append(timed(engine("acr")))
        runs["end_to_end"].append(timed(end_to_end))
    best = {name: min(times) for name, times in runs.items()}
    median = {name: statistics.median(times) for name, times in runs.items()}

    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"inputs: {args.n} presentations, {args.rounds} rounds, best (median) per round, "
        f"{args.clock} time"
    )
    for name in runs:
        per_s = args.n / best[name]
        print(
            f"  {name:<11} {per_s:>10,.0f} /s   {best[name] / args.n * 1e6:6.1f} µs each"
            f"   (median {args.n / median[name]:,.0f} /s)"
        )
    for policy in ("seed", "acr"):
        print(f"ratio engine({policy}) / validate input: {best[policy] / best['validate']:.2f}")


if __name__ == "__main__":
    main()
