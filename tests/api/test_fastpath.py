"""The lean path for POST /api/v1/assess answers exactly as FastAPI's stack and route would:
the same status, body and headers for any request, good or bad; only faster."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
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
from tests.serving import free_port, wait_ready

KEY = "ef" * 32
FINDINGS = sorted(default_rulebook().finding_ids)


def _app(folder: Path, lean: bool, **settings: Any) -> FastAPI:
    name = f"lean-{lean}-{len(settings)}.sqlite3"
    app = create_app(
        Settings(
            log_path=folder / name, log_key=KEY, lean_route=lean, max_body_bytes=4096, **settings
        )
    )
    # Inside the metrics; off with CORS on (its headers go on every answer).
    on = lean and not settings.get("cors_origins")
    assert isinstance(getattr(app.build_middleware_stack(), "app", None), Lean) == on
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


def test_with_cors_on_every_answer_carries_the_cors_headers(tmp_path: Path) -> None:
    cors = {"cors_origins": ["https://forms.example.org"]}
    with (
        TestClient(_app(tmp_path, True, **cors)) as lean,
        TestClient(_app(tmp_path, False, **cors)) as plain,
    ):
        body = b'{"findings": {"fever": true}}'
        for origin in ({}, {"Origin": "https://forms.example.org"}, {"Origin": "https://x.org"}):
            got = answer(lean, body, "", origin)
            assert got == answer(plain, body, "", origin)
            assert got[2]["vary"] == "Origin"  # a shared cache keeps answers apart by origin
        assert got[2].get("access-control-allow-origin") is None  # not an allowed origin


def test_two_content_types_are_the_stacks_to_answer(
    clients: tuple[TestClient, TestClient],
) -> None:
    """FastAPI reads the first Content-Type, the content-type check the last: a request with
    both is not plain, and nothing is assessed."""
    body = b'{"age": 62, "findings": {"history_of_cancer": true}}'
    for first in (b"text/plain", b"application/x-www-form-urlencoded", b""):
        headers = [(b"content-type", first), (b"content-type", b"application/json")]
        got, want = (c.post("/api/v1/assess", content=body, headers=headers) for c in clients)
        assert got.status_code == want.status_code == 422
        assert got.json() == want.json()


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


# --- through a real server: what a client library would not send -------------------------------


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[bool, int]]:
    """`spinewise serve` with the lean path and without it: port by lean."""
    folder = tmp_path_factory.mktemp("served")
    ports, processes = {}, []
    try:
        for lean in (True, False):
            ports[lean] = free_port()
            env = {
                **os.environ,
                "SPINEWISE_LOG_PATH": str(folder / f"{lean}.sqlite3"),
                "SPINEWISE_LEAN_ROUTE": str(lean).lower(),
                "SPINEWISE_MAX_BODY_BYTES": "4096",
            }
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "spinewise", "serve", "--port", str(ports[lean])],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))  # fmt: skip
        for port, process in zip(ports.values(), processes, strict=True):
            wait_ready(f"http://127.0.0.1:{port}", process, seconds=60)
        yield ports
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def _raw(port: int, head: bytes, body: bytes = b"", *, shut: bool = False) -> bytes:
    """Send a request as written, and read what comes back within 5 seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head + body)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        try:
            while b"\r\n\r\n" not in received or not received.endswith(b"Too Large"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except TimeoutError:
            pass
    return received


def test_an_oversized_declared_body_is_refused_before_it_is_read(servers: dict[bool, int]) -> None:
    head = (
        b"POST /api/v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n"
    )
    got, want = (_raw(servers[lean], head) for lean in (True, False))
    assert got.startswith(b"HTTP/1.1 413") and want.startswith(b"HTTP/1.1 413")
    assert b"100 Continue" not in got


def test_a_client_gone_mid_body_is_counted_as_the_stack_counts_it(
    servers: dict[bool, int],
) -> None:
    head = (
        b"POST /api/v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 500\r\n\r\n"
    )

    def counts(port: int) -> dict[str, str]:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        return {
            line.split("{", 1)[1].split("}", 1)[0]: line.rsplit(" ", 1)[1]
            for line in text.splitlines()
            if line.startswith("spinewise_http_requests_total{") and 'method="POST"' in line
        }

    for port in servers.values():
        _raw(port, head, b'{"findings": {"fever": true}', shut=True)
    deadline = time.monotonic() + 10
    while counts(servers[True]) != counts(servers[False]):  # until both have counted it
        assert time.monotonic() < deadline, (counts(servers[True]), counts(servers[False]))
        time.sleep(0.1)
    assert not any("unmatched" in labels for labels in counts(servers[True]))
