"""Benchmark the HTTP service on loopback: requests/s and p50/p99 latency of
POST /api/v1/assess at concurrency 32, side by side with a trivial endpoint (GET /healthz) of
the same app in the same run, and the server's memory after 1,000 and after 50,000 requests.

    python benchmarks/bench_service.py [--requests 20000] [--concurrency 32]

The server is `spinewise serve` in its own process (with a decision log in a temporary folder);
the load comes from this process over keep-alive HTTP/1.1 connections. Every loop is bounded.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
from pathlib import Path

from loadgen import load, request_bytes, rss_kib, served, summary

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--memory-requests", type=int, default=50000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {"SPINEWISE_LOG_PATH": str(Path(tmp) / "bench.sqlite3")}
        with served(env) as (port, server):
            rng = random.Random(1)
            assess = [
                request_bytes("POST", "/api/v1/assess", rng.choice(BODIES))
                for _ in range(args.requests)
            ]
            trivial = [request_bytes("GET", "/healthz")] * args.requests
            load(port, assess[:1000] + trivial[:1000], args.concurrency)  # warm up
            results: dict[str, tuple[float, list[float]]] = {}
            # Alternate the two endpoints in halves so that drift hits both alike.
            half = args.requests // 2
            for name, reqs in (("healthz", trivial), ("assess", assess)) * 2:
                wall, lat = load(port, reqs[:half], args.concurrency)
                total, lats = results.get(name, (0.0, []))
                results[name] = (total + wall, lats + lat)
            machine = f"{platform.machine()}, {os.cpu_count()} cores"
            print(f"machine: {machine}, Python {platform.python_version()}")
            print(
                f"{args.requests} requests per endpoint, concurrency {args.concurrency}, loopback"
            )
            rates = {}
            for name, (wall, lats) in results.items():
                rates[name], p50, p99 = summary(wall, lats)
                print(
                    f"  {name:<8} {rates[name]:8,.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"
                )
            print(f"ratio assess / healthz throughput: {rates['assess'] / rates['healthz']:.2f}")

            # Memory: the server after 1,000 assessments and after --memory-requests of them.
            base_rss, _ = rss_kib(server.pid)
            sent = 0
            checkpoints = {}
            for target in (1000, args.memory_requests):
                batch = [assess[i % len(assess)] for i in range(sent, target)]
                load(port, batch, args.concurrency)
                sent = target
                checkpoints[target] = rss_kib(server.pid)
            print(f"server memory before the memory run: {base_rss / 1024:.1f} MiB resident")
            for target, (rss, peak) in checkpoints.items():
                print(
                    f"  after {target:>6} assessments: {rss / 1024:.1f} MiB resident,"
                    f" peak {peak / 1024:.1f} MiB"
                )
            first, last = checkpoints[1000][0], checkpoints[args.memory_requests][0]
            growth = f"{(last - first) / 1024:+.1f} MiB ({last / first - 1:+.1%})"
            print(f"growth from 1,000 to {args.memory_requests:,}: {growth}")


if __name__ == "__main__":
    main()
