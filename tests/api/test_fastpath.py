"""The lean path for POST /api/v1/assess answers exactly as FastAPI's stack and route would:
the same status, body and headers for any request, good or bad; only faster."""

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
from spinewise.api.fastpath import Lean
from spinewise.decision_log import DecisionLog
from spinewise.rulebook import default_rulebook
from spinewise.settings import Settings

KEY = "ef" * 32
FINDINGS = sorted(default_rulebook().finding_ids)


def _app(folder: Path, lean: bool, **settings: Any) -> FastAPI:
    name = f"lean-{lean}-{len(settings)}.sqlite3"
    app = create_app(
        Settings(
            log_path=folder / name, log_key=KEY, lean_route=lean, max_body_bytes=4096, **settings
        )
    )
    assert isinstance(app.build_middleware_stack().app, Lean) == lean  # inside the metrics
    return app


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, TestClient]]:
    folder = tmp_path_factory.mktemp("lean")
    with TestClient(_app(folder, True)) as lean, TestClient(_app(folder, False)) as plain:
        yield lean, plain


#: Response headers that differ between two answers of the same request.
VARYING = {"date", "content-length"}


def answer(client: TestClient, body: bytes, query: str, headers: dict[str, str]) -> Any:
    response = client.post(
        f"/api/v1/assess{query}",
        content=body,
        headers={"Content-Type": "application/json", **headers},
    )
    json_body = response.headers["content-type"] == "application/json"
    data = response.json() if json_body else response.text
    if isinstance(data, dict):
        data.pop("assessment_id", None)
    kept = {k: v for k, v in response.headers.items() if k not in VARYING}
    return response.status_code, data, kept


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
    # What FastAPI's stack refuses before the route: handed over, so refused the same way.
    (b'{"findings": {}}', "", {"Content-Type": "text/plain"}),
    (b'{"findings": {}}', "", {"Content-Type": ""}),
    (b'{"findings": {}}', "", {"Content-Type": "application/json; charset=utf-8"}),
    (b'{"findings": {}}', "", {"Content-Type": "Application/JSON"}),
    (b'{"findings": {}}', "", {"X-Padding": "p" * 20_000}),
    (b'{"findings": {}}', "", {"Authorization": "Bearer " + "t" * 9000}),
    (b'{"findings": {}, "age": 40}' + b" " * 4070, "", {}),
    (b'{"findings": {}, "age": 40}' + b" " * 4069, "", {}),
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


def test_with_cors_on_a_request_from_an_origin_is_answered_as_the_stack_would(
    tmp_path: Path,
) -> None:
    cors = {"cors_origins": ["https://forms.example.org"]}
    with (
        TestClient(_app(tmp_path, True, **cors)) as lean,
        TestClient(_app(tmp_path, False, **cors)) as plain,
    ):
        for origin in ("https://forms.example.org", "https://elsewhere.example.org"):
            body = b'{"findings": {"fever": true}}'
            got = answer(lean, body, "", {"Origin": origin})
            assert got == answer(plain, body, "", {"Origin": origin})
        assert got[2].get("access-control-allow-origin") is None  # not an allowed origin
        allowed = answer(lean, body, "", {"Origin": "https://forms.example.org"})
        assert allowed[2]["access-control-allow-origin"] == "https://forms.example.org"


def test_a_body_sent_in_chunks_is_read_whole_or_refused_past_the_limit(
    clients: tuple[TestClient, TestClient],
) -> None:
    lean, plain = clients

    def chunks(n: int) -> Iterator[bytes]:
        yield b'{"findings": {"fever": true}'
        for _ in range(n):
            yield b" " * 100
        yield b"}"

    for n in (3, 60):  # within the limit of 4,096 bytes, then past it
        got = lean.post("/api/v1/assess", content=chunks(n), headers=JSON_TYPE)
        want = plain.post("/api/v1/assess", content=chunks(n), headers=JSON_TYPE)
        assert got.status_code == want.status_code == (200 if n == 3 else 413)
        if n == 60:
            assert got.json() == want.json()


JSON_TYPE = {"Content-Type": "application/json"}


def test_the_lean_route_logs_the_reference_as_a_keyed_hash(tmp_path: Path) -> None:
    app = _app(tmp_path, True)
    with TestClient(app) as client:
        response = client.post(
            "/api/v1/assess",
            json={"findings": {"fever": True}},
            headers={"X-Spinewise-Reference": "MRN-77"},
        )
        assert response.status_code == 200
    with DecisionLog(tmp_path / "lean-True-0.sqlite3") as log:
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
