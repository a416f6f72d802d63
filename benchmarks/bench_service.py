"""Benchmark the HTTP service on loopback: requests/s and p50/p99 latency of
POST /api/v1/assess at concurrency 32, side by side with a trivial endpoint (GET /healthz) of
the same app in the same run, and the server's memory after 1,000 and after 50,000 requests.

    python benchmarks/bench_service.py [--requests 20000] [--concurrency 32]

The server is `spinewise serve` in its own process (with a decision log in a temporary folder);
the load comes from this process over keep-alive HTTP/1.1 connections. Every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def request_bytes(method: str, path: str, body: dict[str, object] | None = None) -> bytes:
    if body is None:
        return f"{method} {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    data = json.dumps(body).encode()
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def load(port: int, requests: list[bytes], concurrency: int) -> tuple[float, list[float]]:
    """Send every request once over `concurrency` connections; return wall time and latencies."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for r in requests:
        queue.put_nowait(r)
    latencies: list[float] = []

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while not queue.empty():
                payload = queue.get_nowait()
                start = time.perf_counter()
                writer.write(payload)
                status = await read_response(reader)
                latencies.append(time.perf_counter() - start)
                if status != 200:
                    raise RuntimeError(f"status {status}")
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout=600)
    return time.perf_counter() - start, latencies


def rss_kib(pid: int) -> tuple[int, int]:
    """Resident and peak resident memory of a process, in KiB (Linux)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--memory-requests", type=int, default=50000)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SPINEWISE_LOG_PATH": str(Path(tmp) / "bench.sqlite3")}
        server = subprocess.Popen(
            [sys.executable, "-m", "spinewise", "serve", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("server did not start") from None
                    time.sleep(0.1)
            rng = random.Random(1)
            assess = [
                request_bytes("POST", "/api/v1/assess", rng.choice(BODIES))
                for _ in range(args.requests)
            ]
            trivial = [request_bytes("GET", "/healthz")] * args.requests
            asyncio.run(load(port, assess[:1000] + trivial[:1000], args.concurrency))  # warm up
            results: dict[str, tuple[float, list[float]]] = {}
            # Alternate the two endpoints in halves so that drift hits both alike.
            half = args.requests // 2
            for name, reqs in (("healthz", trivial), ("assess", assess)) * 2:
                wall, lat = asyncio.run(load(port, reqs[:half], args.concurrency))
                total, lats = results.get(name, (0.0, []))
                results[name] = (total + wall, lats + lat)
            machine = f"{platform.machine()}, {os.cpu_count()} cores"
            print(f"machine: {machine}, Python {platform.python_version()}")
            print(
                f"{args.requests} requests per endpoint, concurrency {args.concurrency}, loopback"
            )
            rates = {}
            for name, (wall, lats) in results.items():
                lats.sort()
                rates[name] = len(lats) / wall
                p50 = statistics.median(lats) * 1000
                p99 = lats[int(len(lats) * 0.99) - 1] * 1000
                print(
                    f"  {name:<8} {rates[name]:8,.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"
                )
            print(f"ratio assess / healthz throughput: {rates['assess'] / rates['healthz']:.2f}")

            # Memory: the server after 1,000 assessments and after --memory-requests of them.
            fresh_port = port
            base_rss, _ = rss_kib(server.pid)
            sent = 0
            checkpoints = {}
            for target in (1000, args.memory_requests):
                batch = [assess[i % len(assess)] for i in range(sent, target)]
                asyncio.run(load(fresh_port, batch, args.concurrency))
                sent = target
                checkpoints[target] = rss_kib(server.pid)
            print(f"server memory before the memory run: {base_rss / 1024:.1f} MiB resident")
            for target, (rss, peak) in checkpoints.items():
                print(
                    f"  after {target:>6} more assessments: {rss / 1024:.1f} MiB resident,"
                    f" peak {peak / 1024:.1f} MiB"
                )
            first, last = checkpoints[1000][0], checkpoints[args.memory_requests][0]
            growth = f"{(last - first) / 1024:+.1f} MiB ({last / first - 1:+.1%})"
            print(f"growth from 1,000 to {args.memory_requests:,}: {growth}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
