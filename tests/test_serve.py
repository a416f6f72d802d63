"""`spinewise serve --workers N` as an operator runs it: several processes, one decision log
(one chain) on SQLite and on PostgreSQL, metrics added up across workers, and a crash in the
middle of a burst that loses nothing acknowledged."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from spinewise.cli import app
from tests.serving import free_port

T = TypeVar("T")
KEY = "cd" * 32
BODIES = [
    {"age": 62, "findings": {"history_of_cancer": True}},
    {"age": 40, "findings": {"saddle_anesthesia": False}},
    {"findings": {}},
]


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    stdout: Path
    acknowledged: set[str] = field(default_factory=set)

    def workers(self) -> list[int]:
        """The worker processes under uvicorn's supervisor."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(pid) for pid in children.read_text().split()]
        # The supervisor may also start a resource tracker, which serves nothing.
        return [pid for pid in pids if _is_worker(pid)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _is_worker(pid: int) -> bool:
    return "multiprocessing.spawn" in _cmdline(pid) and "resource_tracker" not in _cmdline(pid)


@pytest.fixture(params=["sqlite", "postgresql"])
def log_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "sqlite":
        return {"SPINEWISE_LOG_PATH": str(tmp_path / "decisions.sqlite3")}
    url = request.getfixturevalue("pg_url")
    return {"SPINEWISE_LOG_URL": url, "SPINEWISE_LOG_KEY": KEY}


@pytest.fixture
def served(log_env: dict[str, str], tmp_path: Path) -> Iterator[Served]:
    """`spinewise serve --workers 2` in a session of its own (so that it can be killed whole)."""
    port = free_port()
    env = {**os.environ, **log_env, "SPINEWISE_ACCESS_LOG": "json"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # serve makes its own,
    env["TMPDIR"] = str(tmp_path)  # here, where a SIGKILL that leaves it behind is cleaned up
    stdout = tmp_path / "stdout.txt"
    with stdout.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "spinewise", "serve", "--port", str(port), "--workers", "2"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    server = Served(f"http://127.0.0.1:{port}", process, log_env, stdout)
    try:
        deadline = time.monotonic() + 120  # two workers starting on a loaded 2-core machine
        while True:
            assert process.poll() is None, stdout.read_text()
            # Both workers started (uvicorn says so once for each), and ready.
            if stdout.read_text().count("Application startup complete") >= 2:
                try:
                    if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
            assert time.monotonic() < deadline, "serve --workers 2 did not get ready"
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


async def _burst(server: Served, total: int, concurrency: int, stop: asyncio.Event) -> int:
    """Send up to `total` assessments; keep the ids of those answered 200. Failures (a killed
    worker's connections) are counted, not raised. A new connection for each request, as from
    many clients, so that both workers serve the burst."""
    sent = failed = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server.url, timeout=10, limits=limits) as client:

        async def one() -> None:
            nonlocal sent, failed
            while sent < total and not stop.is_set():
                body = BODIES[sent % len(BODIES)]
                sent += 1
                try:
                    response = await client.post("/api/v1/assess", json=body)
                except httpx.HTTPError:
                    failed += 1
                    continue
                if response.status_code == 200:
                    server.acknowledged.add(response.json()["assessment_id"])
                else:
                    failed += 1

        await asyncio.wait_for(asyncio.gather(*(one() for _ in range(concurrency))), 120)
    return failed


def _in_a_thread(coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to the end on an event loop of its own thread: the browser tests'
    Playwright keeps a loop running in the main thread for the whole session."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine())).result()


def _log(server: Served, *args: str) -> str:
    result = CliRunner().invoke(app, ["log", *args], env=server.env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.slow  # starts `serve --workers 2` (seconds)
def test_two_workers_share_one_log_and_their_metrics(served: Served) -> None:
    failed = _in_a_thread(lambda: _burst(served, 300, 8, asyncio.Event()))
    assert failed == 0 and len(served.acknowledged) == 300
    assert "log ok: 300 rows" in _log(served, "verify")
    exported = [json.loads(line) for line in _log(served, "export").splitlines()]
    assert {row["entry_id"] for row in exported} == served.acknowledged
    assert [row["seq"] for row in exported] == list(range(1, 301))
    # Both workers answered, and any worker's /metrics adds up all of them.
    time.sleep(0.3)
    lines = [json.loads(line) for line in served.stdout.read_text().splitlines() if line[:1] == "{"]
    pids = {line["pid"] for line in lines if line.get("route") == "/api/v1/assess"}
    assert len(pids) == 2, pids
    for _ in range(2):
        families = text_string_to_metric_families(httpx.get(f"{served.url}/metrics").text)
        counted = sum(
            s.value for f in families for s in f.samples if s.name == "spinewise_decisions_total"
        )
        assert counted == 300


@pytest.mark.slow
def test_a_kill_mid_burst_loses_nothing_acknowledged(served: Served) -> None:
    """SIGKILL one worker mid-burst (uvicorn starts another), then the whole server, as a host
    crash would: every assessment answered 200 is in the log, and the chain is whole."""
    stop = asyncio.Event()

    replaced: list[int] = []

    async def crash() -> None:
        while len(served.acknowledged) < 150:
            await asyncio.sleep(0.005)
        victim = served.workers()[0]
        os.kill(victim, signal.SIGKILL)
        while True:  # uvicorn replaces it
            now = served.workers()
            if len(now) == 2 and victim not in now:
                break
            await asyncio.sleep(0.05)
        replaced.extend(now)
        at_replacement = len(served.acknowledged)
        while len(served.acknowledged) < at_replacement + 250:
            await asyncio.sleep(0.005)
        os.killpg(served.process.pid, signal.SIGKILL)
        stop.set()

    async def both() -> None:
        await asyncio.wait_for(
            asyncio.gather(_burst(served, 500_000, 16, stop), crash()), timeout=150
        )

    _in_a_thread(both)
    served.process.wait(timeout=30)
    assert len(replaced) == 2
    assert len(served.acknowledged) >= 400
    verified = _log(served, "verify")
    assert verified.startswith("log ok:")
    present = {json.loads(line)["entry_id"] for line in _log(served, "export").splitlines()}
    assert served.acknowledged <= present


def _established(pid: int, port: int) -> int:
    """How many established TCP connections on `port` process `pid` holds (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = str(fd.readlink())
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            count += int(local.rsplit(":", 1)[1], 16) == port and state == "01" and inode in inodes
    return count


@pytest.mark.slow
@pytest.mark.parametrize("log_env", ["sqlite"], indirect=True)
def test_new_connections_are_spread_over_the_workers(served: Served) -> None:
    """32 keep-alive clients connecting at once: each worker holds some of them (each listens
    on a socket of its own; with one shared socket the first worker to wake took them all)."""
    port = int(served.url.rsplit(":", 1)[1])
    clients = []
    try:
        # All connected (the kernel completes them before any worker accepts), then served.
        clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(32)]
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        for client in clients:
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
        held = [_established(pid, port) for pid in served.workers()]
    finally:
        for client in clients:
            client.close()
    # Binomial(32, 1/2) below 4 on either side: about 3 in a million.
    assert sum(held) == 32 and min(held) >= 4, held


def test_an_address_in_use_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another server on the port, even one that shares ports (another `serve --workers`),
    is refused before any worker starts."""
    monkeypatch.chdir(tmp_path)
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port), "--workers", "2"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"spinewise: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    )


# --- a wrong setting stops the start with one line naming it ------------------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"SPINEWISE_LOG_URL": "mysql://x/y"},
            "settings: log_url: Value error, must be a postgresql:// URL",
        ),
        ({"SPINEWISE_LOG_KEY": "zz"}, "settings: log_key: Value error, must be hex"),
        (
            {"SPINEWISE_ACCESS_LOG": "verbose"},
            "settings: access_log: Input should be 'off', 'json' or 'text'",
        ),
        (
            {"SPINEWISE_LOG_PATH": "/proc/none/decisions.sqlite3"},
            "decision log /proc/none/decisions.sqlite3: No such file or directory",
        ),
        ({"SPINEWISE_LOG_KEY_FILE": "/nonexistent/key"}, "no key file /nonexistent/key"),
        (
            {"SPINEWISE_LOG_URL": "postgresql://spinewise:pw-8e2d@127.0.0.1:9/x"},
            "decision log postgresql://spinewise:***@127.0.0.1:9/x: cannot connect",
        ),
    ],
)
def test_a_bad_setting_is_one_line(
    env: dict[str, str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["serve", "--port", "1"], env=env)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("spinewise: error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.output and "pw-8e2d" not in result.output


def test_postgres_without_the_key_is_one_line(pg_url: str) -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "1"], env={"SPINEWISE_LOG_URL": pg_url})
    assert result.exit_code == 2
    assert "PostgreSQL needs the log's key: set SPINEWISE_LOG_KEY" in result.stderr
