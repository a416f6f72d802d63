"""The container image, as far as a machine without a Docker engine can check it: the
Dockerfile's shape (slim base, non-root user, HEALTHCHECK on /healthz, the serve command), the
build context that .dockerignore lets through (computed with the Docker SDK's own matcher: no
virtualenv, tests, decision logs or keys), and the image's steps replayed here: the context
installed with only the serving extras into a fresh virtualenv, then the image's command run
as its non-root user with its environment, until its health check passes and an assessment is
recorded. Not run: `docker build` itself and the `python:3.11-slim` base (no engine, no
registry here); the replay uses this machine's Python 3.11."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.serving import free_port

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"pyspark", "py4j", "duckdb", "pyarrow", "medspacy", "spacy", "sqlglot", "numpy"}


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    logical = []
    current = ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip().removesuffix("\\") + (" " if line.rstrip().endswith("\\") else "")
        if not line.rstrip().endswith("\\"):
            logical.append(current.strip())
            current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in logical]


def only(name: str) -> str:
    found = [args for instruction, args in instructions() if instruction == name]
    assert len(found) == 1, f"one {name} expected, found {len(found)}"
    return found[0]


def environment() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, args in instructions():
        if instruction == "ENV":
            for pair in shlex.split(args):
                key, value = pair.split("=", 1)
                env[key] = value.replace("$PATH", env.get("PATH", "$PATH"))
    return env


def test_the_dockerfile_has_the_shape_of_a_serving_image() -> None:
    assert only("FROM").startswith("python:3.11-slim")
    user = only("USER").split(":")[0]
    assert user not in {"0", "root"} and user.isdigit(), "a numeric non-root user"
    health = only("HEALTHCHECK")
    assert "CMD" in health and "/healthz" in health
    assert json.loads(only("CMD")) == ["spinewise", "serve", "--host", "0.0.0.0", "--port", "8000"]
    assert only("EXPOSE") == "8000"
    installs = [args for i, args in instructions() if i == "RUN" and "pip install" in args]
    assert len(installs) == 1 and "pip install --no-cache-dir '/build[serve]'" in installs[0]
    env = environment()
    assert env["SPINEWISE_LOG_PATH"].startswith(only("WORKDIR"))
    assert env["SPINEWISE_ACCESS_LOG"] == "json"


def context(folder: Path) -> set[str]:
    """The files `docker build` would send from `folder` (the Docker SDK's matcher)."""
    from docker.utils.build import exclude_paths

    patterns = [
        line.strip()
        for line in (folder / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return {p for p in exclude_paths(str(folder), patterns, dockerfile="Dockerfile")
            if (folder / p).is_file()}  # fmt: skip


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's files, plus what a working copy gathers: a virtualenv, a decision log
    with its key (make serve), test artifacts and a stray log inside src/."""
    folder = tmp_path_factory.mktemp("checkout")
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in tracked:
        source = ROOT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    for stray in [".venv/bin/python", "var/decisions.sqlite3", "var/decisions.sqlite3.key",
                  "test-artifacts/shot.png", "src/spinewise/decisions.sqlite3",
                  "src/spinewise/decisions.sqlite3.key", "src/spinewise/__pycache__/x.pyc"]:  # fmt: skip
        (folder / stray).parent.mkdir(parents=True, exist_ok=True)
        (folder / stray).write_text("x")
    return folder


def test_the_build_context_is_the_package_and_nothing_private(checkout: Path) -> None:
    sent = context(checkout)
    assert {"pyproject.toml", "README.md", "src/spinewise/__init__.py"} <= sent
    assert "src/spinewise/knowledge/findings.yaml" in sent
    outside = {p for p in sent if not p.startswith("src/")} - {
        "pyproject.toml",
        "README.md",
        "Dockerfile",
        ".dockerignore",
    }
    assert not outside, outside
    private = {p for p in sent if ".sqlite3" in p or p.endswith((".key", ".pyc"))}
    assert not private, private


# --- the image's steps, replayed --------------------------------------------------------------


@dataclass
class Replay:
    venv: Path
    home: Path
    run_as: tuple[int, int] | None


def _user() -> tuple[int, int] | None:
    uid, gid = (int(part) for part in only("USER").split(":"))
    return (uid, gid) if os.geteuid() == 0 else None


def _as(run_as: tuple[int, int] | None) -> dict[str, Any]:
    """subprocess arguments that run a child as that user (nothing when not root)."""
    if run_as is None:
        return {}
    return {"user": run_as[0], "group": run_as[1], "extra_groups": []}


def _python_for(run_as: tuple[int, int] | None) -> str:
    """A Python 3.11+ that the image's user may run (root's own may sit in a private home)."""
    candidates = [getattr(sys, "_base_executable", sys.executable), "/usr/bin/python3"]
    for candidate in candidates:
        ids = _as(run_as)
        try:
            probe = subprocess.run(
                [candidate, "-c", "import sys, venv; assert sys.version_info >= (3, 11)"],
                capture_output=True, cwd="/", **ids,
            )  # fmt: skip
        except OSError:  # not there, or not for this user
            continue
        if probe.returncode == 0:
            return candidate
    raise AssertionError(
        f"no Python 3.11+ with venv that uid {run_as} can run (tried {candidates}): "
        "install Debian's python3-venv (.ci/run does)"
    )


@pytest.fixture(scope="module")
def replay(checkout: Path) -> Iterator[Replay]:
    """RUN: the build context installed with only the serving extras, into a fresh venv."""
    run_as = _user()
    folder = Path(tempfile.mkdtemp(prefix="spinewise-image-"))
    try:
        yield _build(checkout, folder, run_as)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _build(checkout: Path, folder: Path, run_as: tuple[int, int] | None) -> Replay:
    folder.chmod(0o755)
    build = folder / "build"
    for name in context(checkout) - {"Dockerfile", ".dockerignore"}:
        (build / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(checkout / name, build / name)
    venv = folder / "opt-spinewise"
    subprocess.run([_python_for(run_as), "-m", "venv", str(venv)], check=True)
    # As the Dockerfile's RUN, but with pip's cache (a test should not download twice).
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
         f"{build}[serve]"],
        check=True, timeout=600,
    )  # fmt: skip
    home = folder / "var-lib-spinewise"
    home.mkdir(mode=0o700)
    if run_as is not None:
        os.chown(home, *run_as)
    return Replay(venv, home, run_as)


@pytest.mark.slow
def test_the_image_installs_only_what_serving_needs(replay: Replay) -> None:
    listed = subprocess.run(
        [str(replay.venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    names = {p["name"].lower().replace("_", "-") for p in json.loads(listed)}
    assert {"spinewise", "fastapi", "uvicorn", "psycopg", "psycopg-binary",
            "prometheus-client"} <= names  # fmt: skip
    assert not names & HEAVY, names & HEAVY
    # The audit says what it needs instead of a traceback.
    audit = subprocess.run(
        [str(replay.venv / "bin" / "spinewise"), "audit", "/nonexistent", "--year", "2025"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert audit.returncode == 2
    assert audit.stderr.strip().splitlines() == [
        "spinewise: error: the audit needs the audit extra: pip install 'spinewise[audit]' "
        "(or make audit)"
    ]


@pytest.mark.slow
def test_the_image_command_serves_as_its_user_and_passes_its_health_check(
    replay: Replay,
) -> None:
    env = environment()
    image_home = only("WORKDIR")
    env = {key: value.replace(image_home, str(replay.home)) for key, value in env.items()}
    env["PATH"] = env["PATH"].replace("/opt/spinewise", str(replay.venv))
    env["HOME"] = str(replay.home)
    port = free_port()
    command = json.loads(only("CMD"))
    assert command[-2:] == ["--port", "8000"]
    # On loopback here, on the port the image exposes there.
    argv = [str(replay.venv / "bin" / command[0]), *command[1:-1], str(port)]
    argv[argv.index("0.0.0.0")] = "127.0.0.1"
    ids = _as(replay.run_as)
    server = subprocess.Popen(
        argv, env=env, cwd=replay.home, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True, **ids,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the image's command did not get ready"
            time.sleep(0.2)
        # HEALTHCHECK, exactly as written (the port is this run's).
        health = json.loads(only("HEALTHCHECK").split("CMD", 1)[1])
        health = [part.replace(":8000/", f":{port}/") for part in health]
        health[0] = str(replay.venv / "bin" / health[0])
        assert subprocess.run(health, env=env, timeout=10, **ids).returncode == 0
        assessed = httpx.post(f"{url}/api/v1/assess", json={"findings": {"fever": True}})
        assert assessed.status_code == 200
        log = Path(env["SPINEWISE_LOG_PATH"])
        mode = log.stat()
        assert stat.S_IMODE(mode.st_mode) == 0o600
        if replay.run_as is not None:
            assert (mode.st_uid, mode.st_gid) == replay.run_as
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # docker stop
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()
    assert server.returncode == 0


def test_make_serve_installs_only_the_serving_extras(tmp_path: Path) -> None:
    """`make serve` on a fresh clone: the pip command it would run (make -n, nothing run)."""
    planned = subprocess.run(
        ["make", "-n", "-B", "serve", f"VENV={tmp_path}/venv"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    installs = [line for line in planned.splitlines() if "pip install" in line and "-e" in line]
    assert installs == [f"{tmp_path}/venv/bin/python -m pip install --quiet -e '.[serve]'"]
    with_notes = subprocess.run(
        ["make", "-n", "-B", "serve", f"VENV={tmp_path}/venv", "EXTRAS=nlp"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "-e '.[serve,nlp]'" in with_notes
