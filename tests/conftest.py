"""Shared fixtures: the packaged rulebook and the vignettes, loaded once per run."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from spinewise.rulebook import Rulebook, default_rulebook

TESTS = Path(__file__).parent
VIGNETTES = sorted((TESTS / "vignettes").glob("*.yaml"))


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return default_rulebook()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn on loopback (one per test run), with its own decision log."""
    import uvicorn

    from spinewise.api import create_app
    from spinewise.settings import Settings

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
