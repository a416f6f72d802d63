"""The audit against an earlier checkout of spinewise, side by side in one run: the same
synthetic export, audited by this checkout and by the baseline (its own `.venv`), alternately,
several rounds; wall time per round, and the ratio of the medians.

    python benchmarks/bench_baseline.py --baseline ../spinewise-old [--patients 100000] [--rounds 3]

The export is written by this checkout's `spinewise synth`; resource types the baseline does not
read (Coverage, say) are ignored by it, which is part of what is compared.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT = """
import sys, time, json
from pathlib import Path
from spinewise.population.audit import run_audit
start = time.perf_counter()
result = run_audit(Path(sys.argv[1]), 2025, Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - start, "episodes": result.summary["episodes"]}))
"""


def _run(python: Path, cwd: Path, export: Path, out: Path) -> dict[str, float]:
    done = subprocess.run([str(python), "-c", AUDIT, str(export), str(out)], cwd=cwd,
                          capture_output=True, text=True, check=True)  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    checkouts = {"this checkout": ROOT, "baseline": args.baseline.resolve()}
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export"
        subprocess.run([sys.executable, "-m", "spinewise", "synth", "--patients",
                        str(args.patients), "--year", "2025", "--seed", "5", "--out",
                        str(export)], check=True, capture_output=True)  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in checkouts}
        for r in range(args.rounds):
            for name, root in checkouts.items():
                got = _run(
                    root / ".venv" / "bin" / "python", root, export, Path(tmp) / f"{r}-{name}"
                )
                times[name].append(got["seconds"])
                print(f"round {r + 1}, {name}: {got['seconds']:.2f} s, {got['episodes']} episodes",
                      flush=True)  # fmt: skip
    medians = {name: statistics.median(t) for name, t in times.items()}
    print(f"\n{platform.processor() or platform.machine()}, {args.patients:,} patients, "
          f"{args.rounds} rounds")  # fmt: skip
    for name, median in medians.items():
        print(f"{name}: median {median:.2f} s (all: {', '.join(f'{t:.2f}' for t in times[name])})")
    print(f"ratio this checkout / baseline: {medians['this checkout'] / medians['baseline']:.2f}")


if __name__ == "__main__":
    main()
