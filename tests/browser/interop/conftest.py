"""The EHR side, for real: a sekmet-fhir FHIR server loaded with Synthea patients, the
smart-launcher-v2 authorization server in front of it, the CDS Hooks sandbox's static files,
and spinewise itself, each on a loopback port picked here and stopped at the end.

The clients are installed by `make interop` (CI runs it): smart-launcher-v2 copied from the
shared folder with `npm ci`, sekmet-fhir in its own venv, under `.interop/` (or
`SPINEWISE_INTEROP_DIR`). Without them the tests skip as missing public test material, which CI
counts as a failure.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.shared import MISSING, shared

ROOT = Path(__file__).resolve().parents[3]
INTEROP = Path(os.environ.get("SPINEWISE_INTEROP_DIR") or ROOT / ".interop")
SYNTHEA = "data/fhir_r4_samples/synthea_r4_bundles_selected"
#: Synthea patients loaded into the FHIR server: one with metastatic prostate cancer coded, one
#: control with an obesity code only.
CANCER = "Adan_Pulido_7694b55e-b670-44a5-b426-c56027e97986.json"
CONTROL = "Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json"
SANDBOX_ISSUER = "https://sandbox.cds-hooks.org"


def need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"{MISSING}: {what} not installed at {path}; run `make interop`")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def start(
    command: list[str], *, cwd: Path, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip


@pytest.fixture(scope="session")
def fhir_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """sekmet-fhir on loopback, its data in a fresh folder."""
    exe = need(INTEROP / "sekmet-venv" / "bin" / "sekmet", "sekmet-fhir")
    folder = tmp_path_factory.mktemp("sekmet")
    port = free_port()
    base = f"http://127.0.0.1:{port}/fhir"
    process = start([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
                    cwd=folder, env={"SEKMET_BASE_URL": base}, log=folder / "sekmet.log")  # fmt: skip
    server = Server(base, process, folder / "sekmet.log")
    try:
        wait_for(f"{base}/metadata", 60, process)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def launcher(fhir_server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """smart-launcher-v2's backend (authorization server and FHIR proxy) in front of sekmet."""
    folder = need(INTEROP / "smart-launcher-v2", "smart-launcher-v2")
    ts_node = need(folder / "node_modules" / ".bin" / "ts-node", "smart-launcher-v2 (npm ci)")
    port = free_port()
    log = tmp_path_factory.mktemp("launcher") / "launcher.log"
    env = {"PORT": str(port), "HOST": "127.0.0.1", "FHIR_SERVER_R4": fhir_server.url,
           "FHIR_SERVER_R2": "", "FHIR_SERVER_R3": "", "NODE_ENV": "production"}  # fmt: skip
    process = start([str(ts_node), "--skipProject", "--transpile-only", "backend/index.ts"],
                    cwd=folder, env=env, log=log)  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_for(f"{server.url}/v/r4/fhir/.well-known/smart-configuration", 90, process)
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class Patient:
    id: str
    practitioner: str
    name: str


def _load_bundle(base: str, path: Path) -> Patient:
    bundle = json.loads(path.read_text())
    response = httpx.post(base, content=path.read_bytes(), timeout=120,
                          headers={"Content-Type": "application/fhir+json"})  # fmt: skip
    response.raise_for_status()
    locations = [e["response"]["location"] for e in response.json()["entry"]]
    ids: dict[str, str] = {}
    for location in locations:
        kind, rid = location.split("/fhir/", 1)[1].split("/")[:2]
        ids.setdefault(kind, rid)
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    name = patient["name"][0]
    return Patient(ids["Patient"], ids["Practitioner"], " ".join([*name["given"], name["family"]]))


def note(patient: str, text: str, *, days_ago: int = 0) -> dict[str, Any]:
    """A DocumentReference carrying a plain-text clinical note, written `days_ago` days ago."""
    written = datetime.now(UTC).replace(microsecond=0)
    written = written.fromtimestamp(written.timestamp() - days_ago * 86400, UTC)
    return {
        "resourceType": "DocumentReference", "status": "current",
        "type": {"coding": [{"system": "http://loinc.org", "code": "34117-2"}]},
        "subject": {"reference": f"Patient/{patient}"},
        "date": written.isoformat().replace("+00:00", "Z"),
        "content": [{"attachment": {"contentType": "text/plain",
                                    "data": base64.b64encode(text.encode()).decode()}}],
    }  # fmt: skip


@pytest.fixture(scope="session")
def patients(fhir_server: Server) -> dict[str, Patient]:
    """The Synthea patients, with a note written today for the cancer patient (a "no" that the
    page must show with its text) and one from last year (too old to count)."""
    loaded = {
        "cancer": _load_bundle(fhir_server.url, shared(f"{SYNTHEA}/{CANCER}")),
        "control": _load_bundle(fhir_server.url, shared(f"{SYNTHEA}/{CONTROL}")),
    }
    pid = loaded["cancer"].id
    for doc in (
        note(pid, "Low back pain for 5 days after gardening. Denies saddle anesthesia. "
                  "No urinary retention or incontinence."),
        note(pid, "Reports numbness in the saddle area.", days_ago=400),
    ):  # fmt: skip
        response = httpx.post(f"{fhir_server.url}/DocumentReference", json=doc, timeout=30,
                              headers={"Content-Type": "application/fhir+json"})  # fmt: skip
        response.raise_for_status()
    return loaded


#: The secret the launcher expects from a confidential client (its launch settings carry it).
SECRET = "launcher-client-secret-7f3a"


def launch_code(
    patient: Patient, *, pkce: int = 2, standalone: bool = False, confidential: bool = False
) -> str:
    """The launcher's own `launch` encoding for a provider EHR launch (or a provider standalone
    launch with the patient chosen), login and consent skipped, PKCE always (2; 0 is none), a
    public client (or a confidential one with `SECRET`) (clients/README.md)."""
    params = [2 if standalone else 0, patient.id, patient.practitioner, "NONE", 1, 1, 0, "", "",
              "", SECRET if confidential else "", "", "", "", 1 if confidential else 0, pkce,
              ""]  # fmt: skip
    return base64.urlsafe_b64encode(json.dumps(params).encode()).decode().rstrip("=")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def sandbox() -> Iterator[str]:
    """The CDS Hooks sandbox's built files, served on loopback."""
    folder = shared("clients/cds-hooks-sandbox")
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Spinewise:
    url: str
    log_path: Path
    settings: Any


def standalone_iss(launcher: Server, patient: Patient) -> str:
    """The launcher's FHIR base for a standalone launch: its settings ride in the URL."""
    return f"{launcher.url}/v/r4/sim/{launch_code(patient, standalone=True)}/fhir"


def confidential_iss(launcher: Server, patient: Patient) -> str:
    """The launcher's FHIR base whose settings make spinewise a confidential client."""
    return f"{launcher.url}/v/r4/sim/{launch_code(patient, confidential=True)}/fhir"


@pytest.fixture(scope="session")
def spinewise(
    launcher: Server, fhir_server: Server, sandbox: str, patients: dict[str, Patient],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Spinewise]:  # fmt: skip
    """spinewise served by uvicorn on loopback, registered with the launcher as a public SMART
    client, trusting the sandbox's signing key for CDS Hooks calls that name the launcher's or
    sekmet's FHIR base."""
    import uvicorn

    from spinewise.api import create_app
    from spinewise.settings import Settings

    folder = tmp_path_factory.mktemp("spinewise")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    iss = f"{launcher.url}/v/r4/fhir"
    jwks = shared("clients/cds-hooks-sandbox/.well-known/jwks.json")
    settings = Settings(
        log_path=folder / "decisions.sqlite3",
        public_url=url,
        smart_clients={
            iss: {"client_id": "spinewise-test"},
            standalone_iss(launcher, patients["control"]): {"client_id": "spinewise-test"},
            confidential_iss(launcher, patients["cancer"]): {
                "client_id": "spinewise-test",
                "client_secret": SECRET,
            },
        },
        cds_trusted_issuers={
            SANDBOX_ISSUER: {
                "jwks": str(jwks),
                "jku": [f"{SANDBOX_ISSUER}/.well-known/jwks.json"],
                "fhir": [iss, fhir_server.url],
            }
        },
        cds_sandbox_compat=True,
        cors_origins=[sandbox],
        dev_allow_http=True,
    )
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield Spinewise(url, settings.log_path, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
