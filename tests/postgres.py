"""A real PostgreSQL server for the tests, started by them: Debian's `postgresql` package
(`initdb` and `pg_ctl`) in a temporary folder, run as an unprivileged user when the tests run as
root (as CI does; PostgreSQL refuses to run as root). Password authentication over TCP on
loopback, as a deployment would connect.

When no server is installed the tests that need one skip, saying how to get it; CI installs it
(`.ci/run`) and fails the run on such a skip (`SPINEWISE_TEST_SHARED_REQUIRED=1`, conftest.py).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.serving import free_port

__all__ = ["MISSING", "PostgresMissing", "PostgresServer", "server_binaries", "start"]

#: Every skip for want of a server starts with this, so that CI can count them.
MISSING = "PostgreSQL server missing"


class PostgresMissing(RuntimeError):
    """No PostgreSQL server is installed (the tests skip with this message)."""


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: SPINEWISE_TEST_PG_BIN, Debian's newest
    /usr/lib/postgresql/N/bin, or the PATH."""
    named = os.environ.get("SPINEWISE_TEST_PG_BIN")
    candidates = [Path(named)] if named else []
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = [p for p in debian.iterdir() if p.name.isdigit()]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: int(p.name), reverse=True)]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


@dataclass
class PostgresServer:
    folder: Path
    bindir: Path
    port: int
    password: str
    run_as: tuple[int, int] | None
    user: str = "spinewise"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(self.url(), autocommit=True)

    def create_database(self) -> str:
        name = f"t_{secrets.token_hex(6)}"
        with self.admin() as db:
            db.execute(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as db:
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def pg_ctl(self, *args: str) -> None:
        _run(self, [str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), *args])

    def stop(self) -> None:
        try:
            self.pg_ctl("stop", "-m", "fast", "-w", "-t", "30")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _run(server: PostgresServer, argv: list[str]) -> None:
    ids: dict[str, Any] = {}
    if server.run_as is not None:
        ids = {"user": server.run_as[0], "group": server.run_as[1], "extra_groups": []}
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"}
    done = subprocess.run(
        argv, capture_output=True, text=True, env=env, cwd=server.folder, timeout=120, **ids
    )
    if done.returncode != 0:
        log = server.folder / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"{Path(argv[0]).name} failed: {done.stderr.strip()}\n{tail}")


def _unprivileged() -> tuple[int, int]:
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise RuntimeError("no unprivileged user (postgres or nobody) to run PostgreSQL as")


def start() -> PostgresServer:
    """initdb, then pg_ctl start; `PostgresMissing` (saying how to fix it) when there is no
    server to start. Also used by benchmarks/bench_service.py."""
    bindir = server_binaries()
    if bindir is None:
        raise PostgresMissing(
            f"{MISSING}: no initdb/pg_ctl found; install Debian's postgresql package "
            "(apt-get install postgresql; .ci/run does) or set SPINEWISE_TEST_PG_BIN"
        )
    folder = Path(tempfile.mkdtemp(prefix="spinewise-pg-"))
    run_as = _unprivileged() if os.geteuid() == 0 else None
    server = PostgresServer(folder, bindir, free_port(), secrets.token_hex(16), run_as)
    try:
        _initdb_and_start(server)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return server


def _initdb_and_start(server: PostgresServer) -> None:
    folder, bindir, run_as = server.folder, server.bindir, server.run_as
    (folder / "pwfile").write_text(server.password + "\n")
    if run_as is not None:
        for path in (folder, folder / "pwfile"):
            os.chown(path, *run_as)
    _run(server, [
        str(bindir / "initdb"), "-D", str(folder / "data"), "-U", server.user,
        f"--pwfile={folder / 'pwfile'}", "--auth-local=trust", "--auth-host=scram-sha-256",
        "--encoding=UTF8", "--no-locale", "--no-sync",
    ])  # fmt: skip
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={server.port} "
        f"-c unix_socket_directories={folder} -c max_connections=60"
    )
    server.pg_ctl("start", "-w", "-t", "60", "-l", str(folder / "server.log"), "-o", options)
