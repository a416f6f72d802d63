"""Benchmark the HTTP service on loopback: requests/s and p50/p99 latency of
POST /api/v1/assess at concurrency 32, side by side with a trivial endpoint (GET /healthz) of
the same server in the same run, with 1 and 2 worker processes, on each decision log store
(a SQLite file; a PostgreSQL server started here in a temporary folder, as the tests do); then
each worker's memory after 1,000 and after --memory-requests assessments per worker.

    python benchmarks/bench_service.py [--workers 1 2] [--logs sqlite postgresql]
        [--requests 20000] [--concurrency 32] [--memory-requests 50000] [--fastapi-route]

The server is `spinewise serve --workers N` in its own process tree; every assessment is
committed to the decision log before it is answered. The load comes from this process over
keep-alive HTTP/1.1 connections. Every loop is bounded.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from loadgen import (
    cpu_seconds,
    descendants,
    load,
    request_bytes,
    rss_kib,
    served,
    summary,
    worker_pids,
)

ROOT = Path(__file__).resolve().parent.parent

BODIES: list[dict[str, object]] = [
    {"age": 62, "setting": "primary_care", "findings": {"history_of_cancer": True}},
    {"age": 35, "findings": dict.fromkeys(
        ["saddle_anesthesia", "bladder_dysfunction", "bowel_dysfunction", "leg_weakness",
         "paresthesia", "fever", "injection_drug_use", "immunocompromised",
         "recent_spinal_procedure", "history_of_cancer", "gradually_worsening_pain",
         "severe_trauma", "prolonged_corticosteroid_use", "contusion_or_abrasion"], False)},
    {"age": 45, "findings": {"fever": True, "leg_weakness": True}},
    {"findings": {}},
]  # fmt: skip


def postgres_log(server: Any, database: str) -> dict[str, str]:
    """The settings of a decision log in `database` of the tests' PostgreSQL `server`."""
    return {"SPINEWISE_LOG_URL": server.url(database), "SPINEWISE_LOG_KEY": "ab" * 32}


@contextmanager
def log_env(store: str, folder: Path) -> Iterator[tuple[dict[str, str], list[int]]]:
    """The log's settings, and the database server's process ids (none for SQLite)."""
    if store == "sqlite":
        yield {"SPINEWISE_LOG_PATH": str(folder / "bench.sqlite3")}, []
        return
    sys.path.insert(0, str(ROOT))
    from tests.postgres import start

    server = start()
    try:
        settings = postgres_log(server, server.create_database())
        postmaster = int((server.folder / "data" / "postmaster.pid").read_text().split()[0])
        yield settings, [postmaster]
    finally:
        server.stop()


def run(store: str, workers: int, args: argparse.Namespace) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        log_env(store, Path(tmp)) as (env, database),
        served(env, workers) as (port, server),
    ):
        rng = random.Random(1)
        assess = [
            request_bytes("POST", "/api/v1/assess", rng.choice(BODIES))
            for _ in range(args.requests)
        ]
        trivial = [request_bytes("GET", "/healthz")] * args.requests
        load(port, assess[:2000] + trivial[:2000], args.concurrency)  # warm up
        results: dict[str, tuple[float, list[float]]] = {}
        cpu: dict[str, list[float]] = {}
        # Alternate the two endpoints in halves so that drift hits both alike.
        half = args.requests // 2
        for name, reqs in (("healthz", trivial), ("assess", assess)) * 2:
            ours = descendants(server.pid)
            theirs = [pid for pid in database for pid in descendants(pid)]
            before = cpu_seconds(ours), cpu_seconds(theirs)
            wall, lat = load(port, reqs[:half], args.concurrency)
            spent = cpu_seconds(ours) - before[0], cpu_seconds(theirs) - before[1]
            total, lats = results.get(name, (0.0, []))
            results[name] = (total + wall, lats + lat)
            used = cpu.setdefault(name, [0.0, 0.0])
            used[0], used[1] = used[0] + spent[0], used[1] + spent[1]
        rates = {}
        print(f"\n{store}, {workers} worker{'s' if workers > 1 else ''}:")
        for name, (wall, lats) in results.items():
            rates[name], p50, p99 = summary(wall, lats)
            server_us = 1e6 * cpu[name][0] / len(lats)
            database_us = f", database {1e6 * cpu[name][1] / len(lats):.0f}" if database else ""
            print(
                f"  {name:<8} {rates[name]:8,.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"
                f"   CPU/request: server {server_us:.0f} us{database_us}"
            )
        print(f"  ratio assess / healthz throughput: {rates['assess'] / rates['healthz']:.2f}")
        print(f"  load average during the run: {os.getloadavg()[0]:.1f}")
        if args.memory_requests:
            memory(port, server, assess, workers, args)


def fastapi_route(args: argparse.Namespace) -> None:
    """The same assessments through FastAPI's route (SPINEWISE_LEAN_ROUTE=false), beside the
    lean route, one worker on SQLite, alternated in halves."""
    rng = random.Random(1)
    assess = [
        request_bytes("POST", "/api/v1/assess", rng.choice(BODIES)) for _ in range(args.requests)
    ]
    half = args.requests // 2
    results: dict[str, tuple[float, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(2):
            for name, lean in (("lean route", "true"), ("FastAPI route", "false")):
                env = {
                    "SPINEWISE_LOG_PATH": str(Path(tmp) / f"{lean}.sqlite3"),
                    "SPINEWISE_LEAN_ROUTE": lean,
                }
                with served(env) as (port, _):
                    load(port, assess[:2000], args.concurrency)  # warm up
                    wall, lat = load(port, assess[:half], args.concurrency)
                total, lats = results.get(name, (0.0, []))
                results[name] = (total + wall, lats + lat)
    print("\nPOST /api/v1/assess, sqlite, 1 worker:")
    rates = {}
    for name, (wall, lats) in results.items():
        rates[name], p50, p99 = summary(wall, lats)
        print(f"  {name:<14} {rates[name]:8,.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
    print(f"  ratio lean / FastAPI route: {rates['lean route'] / rates['FastAPI route']:.2f}")


def memory(
    port: int, server: object, assess: list[bytes], workers: int, args: argparse.Namespace
) -> None:
    """Each worker's resident memory after 1,000 and after --memory-requests assessments per
    worker (in total: times the number of workers)."""
    pids = worker_pids(server)  # type: ignore[arg-type]
    sent = 0
    checkpoints = {}
    for target in (1000 * workers, args.memory_requests * workers):
        batch = [assess[i % len(assess)] for i in range(sent, target)]
        load(port, batch, args.concurrency)
        sent = target
        checkpoints[target] = [rss_kib(pid)[0] for pid in pids]
    first, last = checkpoints[1000 * workers], checkpoints[args.memory_requests * workers]
    for i, pid in enumerate(pids):
        growth = (last[i] - first[i]) / 1024
        print(
            f"  worker {i + 1} (pid {pid}): {first[i] / 1024:.1f} MiB after {1000 * workers:,} "
            f"assessments, {last[i] / 1024:.1f} MiB after {args.memory_requests * workers:,} "
            f"({growth:+.1f} MiB, {last[i] / first[i] - 1:+.1%})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--logs", nargs="*", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])  # fmt: skip
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--memory-requests", type=int, default=50000,
                        help="assessments per worker for the memory run (0: none)")  # fmt: skip
    parser.add_argument("--fastapi-route", action="store_true",
                        help="also compare the lean route with FastAPI's for the assessments")  # fmt: skip
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{args.requests} requests per endpoint, concurrency {args.concurrency}, loopback")
    for store in args.logs:
        for workers in args.workers:
            run(store, workers, args)
    if args.fastapi_route:
        fastapi_route(args)


if __name__ == "__main__":
    main()
