"""An in-process app per test, on its own decision log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spinewise.api import create_app
from spinewise.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(log_path=tmp_path / "decisions.sqlite3", log_key="00" * 32)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
