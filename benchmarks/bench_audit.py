"""Benchmark the population audit: synthetic exports of several sizes; wall time and peak
memory of the audit per engine; lines per second; and, in the same run, two baselines on the
same files:

- scan: a bare DuckDB scan (`SELECT count(*)` over `read_ndjson_objects`): lines split, JSON
  not parsed;
- parse once: every line parsed once by DuckDB, `json_transform` to the fields the audit reads
  (schema.py, the type named by the file), materialised; the least any audit that reads those
  fields must do.

Spark's results (summary and every episode) are checked equal to DuckDB's.

    python benchmarks/bench_audit.py [--sizes 10000 100000 1000000] [--engines duckdb spark]
"""

from __future__ import annotations

import argparse
import json
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
from spinewise.population.audit import run_audit
start = time.perf_counter()
result = run_audit(Path(sys.argv[1]), 2025, Path(sys.argv[2]), engine=sys.argv[3])
seconds = time.perf_counter() - start
# Peak resident memory of this process and (Spark) of the JVM it started.
peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
summary = dict(result.summary); summary.pop("engine")
print(json.dumps({"seconds": seconds, "peak_mib": peak, "episodes": result.summary["episodes"],
                  "lines": result.summary["input_lines"], "summary": summary}))
"""
SCAN = """
import sys, time, json, duckdb
start = time.perf_counter()
n = duckdb.sql(f"SELECT count(*) FROM read_ndjson_objects('{sys.argv[1]}/*.ndjson')").fetchall()[0][0]
print(json.dumps({"seconds": time.perf_counter() - start, "lines": n}))
"""
PARSE_ONCE = """
import sys, time, json, duckdb
from pathlib import Path
from spinewise.population.schema import READ_TYPES, duckdb_structure
con = duckdb.connect(config={"memory_limit": "2500MB"})
files = sorted(Path(sys.argv[1]).glob("*.ndjson"))
start = time.perf_counter()
lines = 0
for kind in READ_TYPES:
    names = [str(p) for p in files if p.name.split(".")[0] == kind]
    if not names:
        continue
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE t AS SELECT json_transform(text, "
        f"'{duckdb_structure(kind)}') AS r FROM read_csv({names!r}, columns={{'text': 'VARCHAR'}}, "
        f"header=false, delim='\\x01', quote='', escape='', auto_detect=false, "
        f"max_line_size=536870912)"
    )
    lines += con.execute("SELECT count(*) FROM t").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - start, "lines": lines}))
"""


def run(code: str, *args: str) -> dict[str, Any]:
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
    import pyarrow.parquet as pq

    from spinewise.population.synth import synthesize

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{'engine':>7} {'patients':>10} {'lines':>10} {'MiB':>6} {'audit s':>8} {'scan s':>7} "
        f"{'parse s':>8} {'/scan':>6} {'/parse':>7} {'lines/s':>9} {'peak MiB':>9}"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            export = Path(tmp) / "export"
            synthesize(size, 2025, export, seed=size)
            mib = sum(p.stat().st_size for p in export.glob("*.ndjson")) / 2**20
            scan = run(SCAN, str(export))
            parse = run(PARSE_ONCE, str(export))
            summaries, episodes = {}, {}
            for engine in args.engines:
                out = Path(tmp) / engine
                audit = run(AUDIT, str(export), str(out), engine)
                summaries[engine] = audit["summary"]
                episodes[engine] = pq.read_table(out / "episodes.parquet")
                print(f"{engine:>7} {size:>10,} {int(audit['lines']):>10,} {mib:>6.0f} "
                      f"{audit['seconds']:>8.1f} {scan['seconds']:>7.2f} {parse['seconds']:>8.2f} "
                      f"{audit['seconds'] / scan['seconds']:>6.1f} "
                      f"{audit['seconds'] / parse['seconds']:>7.1f} "
                      f"{audit['lines'] / audit['seconds']:>9,.0f} {audit['peak_mib']:>9.0f}",
                      flush=True)  # fmt: skip
            if len(summaries) > 1:
                same = all(s == summaries["duckdb"] for s in summaries.values())
                rows = all(t.equals(episodes["duckdb"]) for t in episodes.values())
                print(f"{'':>7} {size:>10,} summaries equal: {same}; episodes equal: {rows}")


if __name__ == "__main__":
    main()
