"""Shared fixtures: the packaged rulebook, the vignettes, an in-process app per test and one
real uvicorn per run."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spinewise.api import create_app
from spinewise.rulebook import Rulebook, default_rulebook
from spinewise.settings import Settings

TESTS = Path(__file__).parent
VIGNETTES = sorted((TESTS / "vignettes").glob("*.yaml"))


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return default_rulebook()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an in-process app with its own decision log."""
    return Settings(log_path=tmp_path / "decisions.sqlite3", log_key="00" * 32)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local Spark session for one test module (it takes seconds to start)."""
    from spinewise.population.engines import spark_session

    # One session for the whole run (about 15 minutes of audits, hundreds of spec queries)
    # filled its driver's heap twice, with 3g and again with 5g (old generation 99.9% full,
    # hundreds of full collections, a stalled run): the session keeps plan state that a long
    # life accumulates. A session per module is stopped before the next starts.
    os.environ.setdefault("SPARK_DRIVER_MEMORY", "5g")
    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn on loopback (one per test run), with its own decision log."""
    import uvicorn

    log_path = tmp_path_factory.mktemp("live") / "decisions.sqlite3"
    app = create_app(Settings(log_path=log_path))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}", log_path)
    server.should_exit = True
    thread.join(timeout=10)


@dataclass(frozen=True)
class LiveServer:
    url: str
    log_path: Path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A Spark session takes seconds to start and every Spark test runs for tens of seconds.
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


# --- public test material: CI fails when a test skipped for want of it ------------------------

_missing_material: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    from tests.postgres import MISSING as NO_POSTGRES
    from tests.shared import MISSING

    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if MISSING in reason or NO_POSTGRES in reason:
            _missing_material.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    import os

    if os.environ.get("SPINEWISE_TEST_SHARED_REQUIRED") == "1" and _missing_material:
        print(
            f"\nSPINEWISE_TEST_SHARED_REQUIRED=1: {len(_missing_material)} tests skipped for want "
            f"of public test material or a PostgreSQL server (first: {_missing_material[0]})"
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- a real PostgreSQL server (tests/postgres.py) ---------------------------------------------


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """One PostgreSQL server per test run, started in a temporary folder."""
    from tests.postgres import PostgresMissing, start

    try:
        server = start()
    except PostgresMissing as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres: Any) -> Iterator[str]:
    """A new, empty database on that server, dropped after the test."""
    name = postgres.create_database()
    yield postgres.url(name)
    postgres.drop_database(name)
