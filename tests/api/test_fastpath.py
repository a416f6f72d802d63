"""The lean route for POST /api/v1/assess answers exactly as FastAPI's route would: the same
status and body for any request, good or bad; only faster."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinewise.api import create_app
from spinewise.api.fastpath import LeanRoute
from spinewise.decision_log import DecisionLog
from spinewise.rulebook import default_rulebook
from spinewise.settings import Settings

KEY = "ef" * 32
FINDINGS = sorted(default_rulebook().finding_ids)


def _app(folder: Path, lean: bool) -> FastAPI:
    settings = Settings(log_path=folder / f"lean-{lean}.sqlite3", log_key=KEY, lean_route=lean)
    app = create_app(settings)
    assert isinstance(app.router.routes[0], LeanRoute) == lean
    return app


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, TestClient]]:
    folder = tmp_path_factory.mktemp("lean")
    with TestClient(_app(folder, True)) as lean, TestClient(_app(folder, False)) as plain:
        yield lean, plain


def answer(client: TestClient, body: bytes, query: str, headers: dict[str, str]) -> Any:
    response = client.post(
        f"/api/v1/assess{query}",
        content=body,
        headers={"Content-Type": "application/json", **headers},
    )
    data = response.json()
    if isinstance(data, dict):
        data.pop("assessment_id", None)
    return response.status_code, data, response.headers["content-type"]


CASES = [
    (b'{"age": 62, "findings": {"history_of_cancer": true}}', "", {}),
    (b'{"findings": {}}', "?policy=acr", {}),
    (b'{"findings": {}}', "?policy=nope", {}),
    (b'{"findings": {}}', "?policy=acr&policy=seed", {}),
    (b'{"findings": {}}', "?policy=", {}),
    (b'{"findings": {}}', "?other=1", {}),
    (b'{"findings": {"fevr": true}}', "", {}),
    (b'{"age": "62"}', "", {}),
    (b'{"age": NaN}', "", {}),
    (b'{"age": 62', "", {}),
    (b"", "", {}),
    (b"[]", "", {}),
    (b'{"findings": {"fever": true}, "name": "x"}', "", {}),
    (b'{"findings": {"fever": true}}', "", {"X-Spinewise-Reference": "R" * 200}),
    (b'{"findings": {"fever": true}}', "", {"X-Spinewise-Reference": "R" * 201}),
    (b'{"findings": {"fever": true}}', "", {"X-Spinewise-Reference": ""}),
    (b'\xff\xfe{"findings": {}}', "", {}),
]


@pytest.mark.parametrize(("body", "query", "headers"), CASES)
def test_the_same_answer_as_fastapis_route(
    clients: tuple[TestClient, TestClient], body: bytes, query: str, headers: dict[str, str]
) -> None:
    lean, plain = clients
    assert answer(lean, body, query, headers) == answer(plain, body, query, headers)


values = st.one_of(st.booleans(), st.none(), st.integers(), st.text(max_size=3))
presentations = st.fixed_dictionaries(
    {},
    optional={
        "age": st.one_of(st.floats(allow_nan=False), st.integers(-5, 130), st.text(max_size=3)),
        "setting": st.sampled_from(["primary_care", "emergency", "specialist", "home", ""]),
        "findings": st.dictionaries(
            st.one_of(st.sampled_from(FINDINGS), st.text(max_size=5)), values, max_size=6
        ),
        "extra": st.integers(),
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(presentation=presentations, policy=st.sampled_from(["", "?policy=seed", "?policy=acr"]))
def test_any_presentation_gets_the_same_answer(
    clients: tuple[TestClient, TestClient], presentation: dict[str, Any], policy: str
) -> None:
    lean, plain = clients
    body = json.dumps(presentation).encode()
    assert answer(lean, body, policy, {}) == answer(plain, body, policy, {})


def test_the_lean_route_logs_the_reference_as_a_keyed_hash(tmp_path: Path) -> None:
    app = _app(tmp_path, True)
    with TestClient(app) as client:
        response = client.post(
            "/api/v1/assess",
            json={"findings": {"fever": True}},
            headers={"X-Spinewise-Reference": "MRN-77"},
        )
        assert response.status_code == 200
    with DecisionLog(tmp_path / "lean-True.sqlite3") as log:
        entry = log.get(response.json()["assessment_id"])
    assert entry is not None and entry.channel == "api"
    expected = hmac.new(bytes.fromhex(KEY), b"MRN-77", hashlib.sha256).hexdigest()
    assert entry.reference_hash == expected


def test_other_methods_still_get_405(clients: tuple[TestClient, TestClient]) -> None:
    lean, plain = clients
    got, want = lean.get("/api/v1/assess"), plain.get("/api/v1/assess")
    assert (got.status_code, got.json(), got.headers.get("allow")) == (
        want.status_code,
        want.json(),
        want.headers.get("allow"),
    )
