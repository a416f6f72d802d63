"""A bounded HTTP/1.1 load generator for loopback benchmarks, and a server runner.

Keep-alive connections, every request sent once, every loop bounded in count and time.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def request_bytes(
    method: str,
    path: str,
    body: object | None = None,
    *,
    host: str = "127.0.0.1",
    headers: Mapping[str, str] | None = None,
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body is None:
        return ("\r\n".join(lines) + "\r\n\r\n").encode()
    data = json.dumps(body).encode()
    lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def _load(port: int, requests: list[bytes], concurrency: int) -> tuple[float, list[float]]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for r in requests:
        queue.put_nowait(r)
    latencies: list[float] = []

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**24)
        try:
            while not queue.empty():
                payload = queue.get_nowait()
                start = time.perf_counter()
                writer.write(payload)
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - start)
                if status != 200:
                    raise RuntimeError(f"status {status}")
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout=600)
    return time.perf_counter() - start, latencies


def load(port: int, requests: list[bytes], concurrency: int) -> tuple[float, list[float]]:
    """Send every request once over `concurrency` connections: wall time and latencies (s)."""
    return asyncio.run(_load(port, requests, concurrency))


async def load_many(ports: list[int], requests: list[bytes], concurrency: int) -> list[float]:
    """The same requests to each of several servers at once, over `concurrency` connections
    each: each server's wall time (s)."""
    done = await asyncio.gather(*(_load(port, requests, concurrency) for port in ports))
    return [wall for wall, _ in done]


def summary(wall: float, latencies: list[float]) -> tuple[float, float, float]:
    """Requests/s, p50 and p99 in milliseconds."""
    ordered = sorted(latencies)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return len(ordered) / wall, statistics.median(ordered) * 1000, p99 * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def served(
    env: Mapping[str, str], workers: int = 1
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """`spinewise serve [--workers N]` in its own process on a free port, until the block
    ends; yielded once every worker has finished starting."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "spinewise", "serve", "--port", str(port),
             "--workers", str(workers)],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            # uvicorn says this once per worker (on stderr).
            while True:
                log.seek(0)
                if log.read().count(b"Application startup complete") >= workers:
                    break
                if time.monotonic() > deadline or server.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"server did not start: {log.read()[-2000:]!r}")
                time.sleep(0.1)
            # uvicorn binds its socket after it reports startup complete.
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=5).close()
                    break
                except ConnectionRefusedError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            yield port, server
        finally:
            server.terminate()
            server.wait(timeout=30)


def worker_pids(server: subprocess.Popen[bytes]) -> list[int]:
    """The processes that serve: the server itself, or uvicorn's workers under it."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    workers = []
    for pid in children:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"multiprocessing.spawn" in cmdline and b"resource_tracker" not in cmdline:
            workers.append(int(pid))
    return workers or [server.pid]


def rss_kib(pid: int) -> tuple[int, int]:
    """Resident and peak resident memory of a process, in KiB (Linux)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time used so far by these processes (Linux; gone ones count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def descendants(pid: int) -> list[int]:
    """A process and all its descendants (Linux)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return found
