"""Compare two checkouts of the service by CPU per request, served at the same time.

    python benchmarks/bench_side_by_side.py OLD=path/to/old/src NEW=path/to/new/src
        [--workers 1] [--rounds 8] [--requests 6000] [--concurrency 16] [--log postgresql]

Each checkout (its `src` folder, put first on PYTHONPATH) runs as its own `spinewise serve`
with its own decision log (a SQLite file, or with `--log postgresql` a database of its own on
one PostgreSQL server started here, as the tests do); one load generator drives both at once,
the same requests in the same rounds: `GET /healthz`, then `POST /api/v1/assess`
(bench_service.py's mix). The CPU each server used per request (all its processes, read from
/proc) is split into the event-loop threads and the other threads (the decision log's writer);
on PostgreSQL the CPU of each server's database connections (its backends) is reported beside
it. On a shared machine the CPU a request costs moves by a third from one minute to the next;
served at the same time, both checkouts see the same machine, and the per-round difference
cancels that drift.
Which server the generator serves first alternates from round to round. Every loop is
bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench_service import BODIES, postgres_log
from loadgen import cpu_seconds, descendants, load_many, request_bytes, served

ROOT = Path(__file__).resolve().parent.parent

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


def postgres_logs(
    stack: ExitStack, names: list[str]
) -> tuple[list[dict[str, str]], Callable[[], list[float]]]:
    """One PostgreSQL server, a database per checkout: each checkout's settings, and a
    function giving the CPU seconds used so far by each database's connections."""
    sys.path.insert(0, str(ROOT))
    from tests.postgres import start

    server = start()
    stack.callback(server.stop)
    databases = [server.create_database() for _ in names]
    envs = [postgres_log(server, db) for db in databases]
    admin: Any = stack.enter_context(server.admin())

    def backends_cpu() -> list[float]:
        rows = admin.execute("SELECT datname, pid FROM pg_stat_activity").fetchall()
        return [cpu_seconds([pid for name, pid in rows if name == db]) for db in databases]

    return envs, backends_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("checkouts", nargs=2, metavar="NAME=SRC")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--requests", type=int, default=6000, help="per server and phase")
    parser.add_argument("--concurrency", type=int, default=16, help="connections per server")
    parser.add_argument("--log", choices=["sqlite", "postgresql"], default="sqlite")
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
    database: dict[str, list[float]] = {n: [] for n in names}  # us per assessment
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        if args.log == "postgresql":
            logs, backends_cpu = postgres_logs(stack, names)
        else:
            logs = [{"SPINEWISE_LOG_PATH": str(Path(tmp) / f"{n}.sqlite3")} for n in names]
            backends_cpu = lambda: [0.0 for _ in names]  # noqa: E731
        servers = []
        for checkout, log in zip(args.checkouts, logs, strict=True):
            src = checkout.split("=", 1)[1]
            servers.append(stack.enter_context(served({"PYTHONPATH": src, **log}, args.workers)))
        ports = [port for port, _ in servers]
        warm = requests["assess"][:3000] + requests["healthz"][:2000]
        asyncio.run(load_many(ports, warm, args.concurrency))
        print(
            f"{' vs '.join(names)}: {args.workers} worker(s) each, {args.requests} requests "
            f"per server and phase, {args.concurrency} connections each, {args.log} logs, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        for r in range(args.rounds):
            order = ports if r % 2 == 0 else ports[::-1]
            for kind in KINDS:
                pids = [descendants(server.pid) for _, server in servers]
                before = [cpu_split(p) for p in pids]
                db_before = backends_cpu()
                walls = asyncio.run(load_many(order, requests[kind], args.concurrency))
                walls = walls if r % 2 == 0 else walls[::-1]
                db_after = backends_cpu()
                for i, name in enumerate(names):
                    after = cpu_split(pids[i])
                    main_s, other_s = after[0] - before[i][0], after[1] - before[i][1]
                    n = len(requests[kind])
                    cpu[name][kind].append((1e6 * (main_s + other_s) / n, 1e6 * main_s / n))
                    if kind == "assess":
                        rates[name].append(n / walls[i])
                        database[name].append(1e6 * (db_after[i] - db_before[i]) / n)
            print(
                f"  round {r}: "
                + " | ".join(
                    f"{n} healthz {cpu[n]['healthz'][-1][0]:4.0f} us, assess "
                    f"{cpu[n]['assess'][-1][0]:4.0f} us (loop {cpu[n]['assess'][-1][1]:4.0f}"
                    + (f", database {database[n][-1]:3.0f}" if args.log == "postgresql" else "")
                    + f"), {rates[n][-1]:,.0f}/s"
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
            f"{loop:.0f}, other threads {assess - loop:.0f}"
            + (
                f"; database {statistics.median(database[name]):.0f}"
                if args.log == "postgresql"
                else ""
            )
            + f"), {statistics.median(rates[name]):,.0f}/s"
        )
    for kind, part in (("assess", 0), ("assess", 1), ("healthz", 0)):
        label = "assess, event loops" if part else kind
        diffs = [b[part] - a[part] for a, b in zip(cpu[old][kind], cpu[new][kind], strict=True)]
        show(f"{new} - {old}, {label}", diffs)
    if args.log == "postgresql":
        show(
            f"{new} - {old}, assess, database",
            [b - a for a, b in zip(database[old], database[new], strict=True)],
        )


def show(label: str, diffs: list[float]) -> None:
    print(
        f"  {label}: median {statistics.median(diffs):+.1f} us per request "
        f"(rounds: {', '.join(f'{d:+.0f}' for d in diffs)})"
    )


if __name__ == "__main__":
    main()
