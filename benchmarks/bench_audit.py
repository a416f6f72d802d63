"""Benchmark the population audit: synthetic exports of several sizes; wall time and peak
memory of the audit per engine; lines per second; and the ratio of the full audit to a bare
DuckDB scan of the same files (`SELECT count(*)` over every NDJSON file), in the same run.
Spark's results are checked equal to DuckDB's.

    python benchmarks/bench_audit.py [--sizes 10000 100000 1000000] [--engines duckdb spark]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

AUDIT = """
import sys, time, resource, json
from pathlib import Path
from typing import Any
from spinewise.population.audit import run_audit
start = time.perf_counter()
result = run_audit(Path(sys.argv[1]), 2025, Path(sys.argv[2]), engine=sys.argv[3])
# Peak resident memory of this process and (Spark) of the JVM it started.
peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
summary = dict(result.summary); summary.pop("engine")
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mib": peak,
                  "episodes": result.summary["episodes"], "lines": result.summary["input_lines"],
                  "summary": summary}))
"""
SCAN = """
import sys, time, json, duckdb
start = time.perf_counter()
n = duckdb.sql(f"SELECT count(*) FROM read_ndjson_objects('{sys.argv[1]}/*.ndjson')").fetchall()[0][0]
print(json.dumps({"seconds": time.perf_counter() - start, "lines": n}))
"""


def run(code: str, *args: str) -> dict[str, Any]:
    import json

    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=["duckdb"], choices=["duckdb", "spark"])
    args = parser.parse_args()
    from spinewise.population.synth import synthesize

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{'engine':>7} {'patients':>10} {'lines':>10} {'MiB':>7} {'audit s':>8} {'scan s':>7} {'ratio':>6} {'lines/s':>10} {'peak MiB':>9}"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            export = Path(tmp) / "export"
            synthesize(size, 2025, export, seed=size)
            mib = sum(p.stat().st_size for p in export.glob("*.ndjson")) / 2**20
            scan = run(SCAN, str(export))
            summaries = {}
            for engine in args.engines:
                audit = run(AUDIT, str(export), str(Path(tmp) / engine), engine)
                summaries[engine] = audit["summary"]
                print(f"{engine:>7} {size:>10,} {int(audit['lines']):>10,} {mib:>7.0f} {audit['seconds']:>8.1f} "
                      f"{scan['seconds']:>7.2f} {audit['seconds'] / scan['seconds']:>6.1f} "
                      f"{audit['lines'] / audit['seconds']:>10,.0f} {audit['peak_mib']:>9.0f}", flush=True)  # fmt: skip
            if len(summaries) > 1:
                same = all(s == summaries["duckdb"] for s in summaries.values())
                print(f"{'':>7} {size:>10,} engines agree: {same}")


if __name__ == "__main__":
    main()
