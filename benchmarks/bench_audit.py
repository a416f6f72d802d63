"""Benchmark the population audit (DuckDB): synthetic exports of several sizes; wall time and
peak memory of the audit; resources per second; and the ratio of the full audit to a bare
DuckDB scan of the same files (`SELECT count(*)` over every NDJSON file), in the same run.

    python benchmarks/bench_audit.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

AUDIT = """
import sys, time, resource, json
from pathlib import Path
from spinewise.population.audit import run_audit
start = time.perf_counter()
result = run_audit(Path(sys.argv[1]), 2025, Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "episodes": result.summary["episodes"], "lines": result.summary["input_lines"]}))
"""
SCAN = """
import sys, time, json, duckdb
start = time.perf_counter()
n = duckdb.sql(f"SELECT count(*) FROM read_ndjson_objects('{sys.argv[1]}/*.ndjson')").fetchall()[0][0]
print(json.dumps({"seconds": time.perf_counter() - start, "lines": n}))
"""


def run(code: str, *args: str) -> dict[str, float]:
    import json

    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    from spinewise.population.synth import synthesize

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{'patients':>10} {'lines':>10} {'audit s':>8} {'scan s':>7} {'ratio':>6} {'lines/s':>10} {'peak MiB':>9}"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            export, out = Path(tmp) / "export", Path(tmp) / "out"
            synthesize(size, 2025, export, seed=size)
            scan = run(SCAN, str(export))
            audit = run(AUDIT, str(export), str(out))
            print(f"{size:>10,} {int(audit['lines']):>10,} {audit['seconds']:>8.1f} {scan['seconds']:>7.2f} "
                  f"{audit['seconds'] / scan['seconds']:>6.1f} {audit['lines'] / audit['seconds']:>10,.0f} "
                  f"{audit['peak_mib']:>9.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
