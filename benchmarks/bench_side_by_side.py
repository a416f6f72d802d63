"""Compare two checkouts of the service by CPU per request, served at the same time.

    python benchmarks/bench_side_by_side.py OLD=path/to/old/src NEW=path/to/new/src
        [--workers 1] [--rounds 8] [--requests 6000] [--concurrency 16]

Each checkout (its `src` folder, put first on PYTHONPATH) runs as its own `spinewise serve`
with its own SQLite decision log; one load generator drives both at once, the same requests
in the same rounds: `GET /healthz`, then `POST /api/v1/assess` (bench_service.py's mix). The
CPU each server used per request (all its processes, read from /proc) is split into the
event-loop threads and the other threads (the decision log's writer). On a shared machine
the CPU a request costs moves by a third from one minute to the next; served at the same
time, both checkouts see the same machine, and the per-round difference cancels that drift.
Which server the generator serves first alternates from round to round. Every loop is
bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench_service import BODIES
from loadgen import descendants, load_many, request_bytes, served

KINDS = ("healthz", "assess")


def cpu_split(pids: list[int]) -> tuple[float, float]:
    """CPU seconds used so far by these processes' main threads and by their other threads."""
    tick = os.sysconf("SC_CLK_TCK")
    main = other = 0.0
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                stat = (task / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            seconds = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            if int(task.name) == pid:
                main += seconds
            else:
                other += seconds
    return main, other


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("checkouts", nargs=2, metavar="NAME=SRC")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--requests", type=int, default=6000, help="per server and phase")
    parser.add_argument("--concurrency", type=int, default=16, help="connections per server")
    args = parser.parse_args()
    names = [c.split("=", 1)[0] for c in args.checkouts]
    rng = random.Random(1)
    requests = {
        "healthz": [request_bytes("GET", "/healthz")] * args.requests,
        "assess": [
            request_bytes("POST", "/api/v1/assess", rng.choice(BODIES))
            for _ in range(args.requests)
        ],
    }
    # per checkout and kind: (CPU per request, of which event loops) in us, and requests/s
    cpu: dict[str, dict[str, list[tuple[float, float]]]] = {
        n: {k: [] for k in KINDS} for n in names
    }
    rates: dict[str, list[float]] = {n: [] for n in names}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        servers = []
        for checkout in args.checkouts:
            name, src = checkout.split("=", 1)
            env = {"PYTHONPATH": src, "SPINEWISE_LOG_PATH": str(Path(tmp) / f"{name}.sqlite3")}
            servers.append(stack.enter_context(served(env, args.workers)))
        ports = [port for port, _ in servers]
        warm = requests["assess"][:3000] + requests["healthz"][:2000]
        asyncio.run(load_many(ports, warm, args.concurrency))
        print(
            f"{' vs '.join(names)}: {args.workers} worker(s) each, {args.requests} requests "
            f"per server and phase, {args.concurrency} connections each, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        for r in range(args.rounds):
            order = ports if r % 2 == 0 else ports[::-1]
            for kind in KINDS:
                pids = [descendants(server.pid) for _, server in servers]
                before = [cpu_split(p) for p in pids]
                walls = asyncio.run(load_many(order, requests[kind], args.concurrency))
                walls = walls if r % 2 == 0 else walls[::-1]
                for i, name in enumerate(names):
                    after = cpu_split(pids[i])
                    main_s, other_s = after[0] - before[i][0], after[1] - before[i][1]
                    n = len(requests[kind])
                    cpu[name][kind].append((1e6 * (main_s + other_s) / n, 1e6 * main_s / n))
                    if kind == "assess":
                        rates[name].append(n / walls[i])
            print(
                f"  round {r}: "
                + " | ".join(
                    f"{n} healthz {cpu[n]['healthz'][-1][0]:4.0f} us, assess "
                    f"{cpu[n]['assess'][-1][0]:4.0f} us (loop {cpu[n]['assess'][-1][1]:4.0f}), "
                    f"{rates[n][-1]:,.0f}/s"
                    for n in names
                )
                + f" | load {os.getloadavg()[0]:.1f}"
            )
    old, new = names
    for name in names:
        healthz = statistics.median(c for c, _ in cpu[name]["healthz"])
        assess = statistics.median(c for c, _ in cpu[name]["assess"])
        loop = statistics.median(lp for _, lp in cpu[name]["assess"])
        print(
            f"  {name}: healthz {healthz:.0f} us, assess {assess:.0f} us (event loops "
            f"{loop:.0f}, other threads {assess - loop:.0f}), {statistics.median(rates[name]):,.0f}/s"
        )
    for kind, part in (("assess", 0), ("assess", 1), ("healthz", 0)):
        label = "assess, event loops" if part else kind
        diffs = [b[part] - a[part] for a, b in zip(cpu[old][kind], cpu[new][kind], strict=True)]
        print(
            f"  {new} - {old}, {label}: median {statistics.median(diffs):+.1f} us per request "
            f"(rounds: {', '.join(f'{d:+.0f}' for d in diffs)})"
        )


if __name__ == "__main__":
    main()
