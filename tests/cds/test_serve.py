"""`spinewise serve` as a deployer runs it: settings that cannot work stop it with one line, a
huge header is refused before it is read, and /docs works offline."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cds.conftest import ISSUER, Keys
from tests.serving import free_port


def serve(
    env: dict[str, str], port: int, *, output: int = subprocess.PIPE
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "spinewise", "serve", "--port", str(port)],
        env={**os.environ, **env}, stdout=output, stderr=output,
    )  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = serve({"SPINEWISE_LOG_PATH": str(tmp_path / "log.sqlite3")}, port,
                    output=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, "did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_cds_auth_without_a_public_url_stops_the_server_with_one_line(
    tmp_path: Path, keys: Keys
) -> None:
    env = {"SPINEWISE_LOG_PATH": str(tmp_path / "log.sqlite3"),
           "SPINEWISE_CDS_TRUSTED_ISSUERS": json.dumps({ISSUER: str(keys.jwks_path)})}  # fmt: skip
    env.pop("SPINEWISE_PUBLIC_URL", None)
    process = serve(env, free_port())
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "SPINEWISE_PUBLIC_URL" in lines[0]
    assert "Traceback" not in err.decode()


def test_a_64_mb_header_is_refused_before_it_is_read(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"POST /cds-services/spinewise-lbp-imaging HTTP/1.1\r\nHost: x\r\n"
                     b"Authorization: Bearer ")  # fmt: skip
        chunk = b"a" * 65536
        try:
            for _ in range(1024):  # 64 MB, if the server kept reading
                conn.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the server closed the connection: what we want
        answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 431")
    assert sent < 8 * 1024 * 1024


def test_docs_work_offline(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        for page in ("/docs", "/redoc"):
            html = client.get(page).text
            assert "cdn.jsdelivr" not in html and "fonts.googleapis" not in html
            assets = [a for a in html.split('"') if a.startswith("/docs-static/")]
            assert assets
            for asset in assets:
                response = client.get(asset)
                assert response.status_code == 200 and len(response.content) > 100, asset
        assert client.get("/openapi.json").status_code == 200
