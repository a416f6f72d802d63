"""Every CDS Hooks call carries a signed JWT; each failure mode is refused with a bare 401."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from spinewise.api import create_app
from spinewise.settings import Settings
from tests.cds.conftest import ISSUER, URL, Keys
from tests.cds.test_cds import pama_request, rating

PATH = "/cds-services/spinewise-lbp-imaging"


def post(client: TestClient, token: str | None, body: dict[str, Any] | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(PATH, json=body or pama_request(), headers=headers)


def test_a_valid_es384_and_rs384_token_is_accepted(cds_client: TestClient, keys: Keys) -> None:
    assert post(cds_client, keys.token()).status_code == 200
    assert post(cds_client, keys.token(alg="RS384", kid="rsa-1")).status_code == 200


FAILURES: dict[str, Callable[[Keys], str | None]] = {
    "no token": lambda k: None,
    "alg none": lambda k: jwt.encode(
        {
            "iss": ISSUER,
            "aud": URL,
            "exp": int(time.time()) + 300,
            "iat": int(time.time()),
            "jti": "x",
        },
        "",
        algorithm="none",
        headers={"kid": "ec-1", "typ": "JWT"},
    ),
    "HMAC with the public key as secret": lambda k: k.token(
        alg="HS256", key="a-shared-secret-of-32-bytes-or-more!!"
    ),
    "no kid": lambda k: k.token(kid=None),
    "unknown kid": lambda k: k.token(kid="ec-2"),
    "typ not JWT": lambda k: k.token(typ="at+jwt"),
    "untrusted issuer": lambda k: k.token(iss="https://evil.example.org"),
    "jku not allow-listed": lambda k: k.token(
        extra_headers={"jku": "https://evil.example.org/jwks.json"}
    ),
    "wrong audience": lambda k: k.token(aud="http://testserver/cds-services/other"),
    "expired beyond leeway": lambda k: k.token(exp_in=-120),
    "issued in the future": lambda k: k.token(iat_in=600),
    "signed by another key": lambda k: k.token(key=k.other),
    "tampered payload": lambda k: (
        lambda t: t.split(".")[0] + "." + t.split(".")[1][:-4] + "AAAA." + t.split(".")[2]
    )(k.token()),
}


@pytest.mark.parametrize("case", FAILURES, ids=list(FAILURES))
def test_each_failure_is_a_bare_401(
    cds_client: TestClient, keys: Keys, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = post(cds_client, FAILURES[case](keys))
    assert response.status_code == 401
    assert response.json() == {}


def test_expiry_within_leeway_is_accepted(cds_client: TestClient, keys: Keys) -> None:
    assert post(cds_client, keys.token(exp_in=-30)).status_code == 200


def test_a_jti_is_accepted_once(cds_client: TestClient, keys: Keys) -> None:
    token = keys.token(jti="once-only")
    assert post(cds_client, token).status_code == 200
    assert post(cds_client, token).status_code == 401


def test_the_refusal_log_names_only_iss_and_jti(
    cds_client: TestClient, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    token = keys.token(aud="http://testserver/elsewhere", jti="jti-123")
    with caplog.at_level(logging.WARNING, logger="spinewise.cds.auth"):
        post(cds_client, token)
    text = caplog.text
    assert "jti-123" in text and ISSUER in text
    assert token not in text


def test_no_trusted_issuer_refuses_every_call(tmp_path: Path, keys: Keys) -> None:
    with TestClient(create_app(Settings(log_path=tmp_path / "log.sqlite3"))) as client:
        assert post(client, keys.token()).status_code == 401


def test_auth_off_is_explicit_and_warned(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="spinewise.api"):
        app = create_app(Settings(log_path=tmp_path / "log.sqlite3", cds_auth="off"))
    assert "SPINEWISE_CDS_AUTH=off" in caplog.text
    with TestClient(app) as client:
        assert post(client, None).status_code == 200


def test_trusted_issuers_from_the_environment(
    tmp_path: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPINEWISE_CDS_TRUSTED_ISSUERS", json.dumps({ISSUER: str(keys.jwks_path)}))
    monkeypatch.setenv("SPINEWISE_LOG_PATH", str(tmp_path / "log.sqlite3"))
    with TestClient(create_app()) as client:
        assert post(client, keys.token()).status_code == 200


def test_jwks_over_plain_http_is_refused(tmp_path: Path, keys: Keys) -> None:
    settings = Settings(
        log_path=tmp_path / "log.sqlite3",
        cds_trusted_issuers={ISSUER: "http://127.0.0.1:9/jwks.json"},
    )
    with TestClient(create_app(settings)) as client:
        assert post(client, keys.token()).status_code == 401


class FhirServer:
    """A tiny FHIR server on loopback that answers searches from a dict and records headers."""

    def __init__(self, resources: dict[str, list[dict[str, Any]]]) -> None:
        self.resources = resources
        self.seen: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.seen.append(
                    {"path": self.path, "authorization": self.headers.get("Authorization", "")}
                )
                kind = self.path.lstrip("/").split("?")[0].split("/")[0]
                body = json.dumps({"resourceType": "Bundle", "type": "searchset",
                                   "entry": [{"resource": r} for r in outer.resources.get(kind, [])]}).encode()  # fmt: skip
                self.send_response(200)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FhirServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fhir_server() -> Iterator[FhirServer]:
    cancer = {
        "resourceType": "Condition", "id": "c9", "subject": {"reference": "Patient/MRI-59879846"},
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C50.912"}]},
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
    }  # fmt: skip
    with FhirServer({"Condition": [cancer]}) as server:
        yield server


def test_missing_prefetch_is_fetched_with_the_access_token(
    cds_client: TestClient, keys: Keys, fhir_server: FhirServer, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "opaque-fhir-access-token-5e1f"
    body = pama_request(
        fhirServer=fhir_server.url,
        fhirAuthorization={"access_token": secret, "token_type": "Bearer", "expires_in": 300,
                           "scope": "user/*.read", "subject": "spinewise"},
    )  # fmt: skip
    with caplog.at_level(logging.DEBUG):
        response = post(cds_client, keys.token(), body)
    assert response.status_code == 200
    assert rating(response.json()) == "appropriate"  # the record's cancer was fetched
    assert any(s["path"].startswith("/Condition?patient=MRI-59879846") for s in fhir_server.seen)
    assert all(s["authorization"] == f"Bearer {secret}" for s in fhir_server.seen)
    assert secret not in caplog.text


def test_unreachable_fhir_server_is_412(cds_client: TestClient, keys: Keys) -> None:
    body = pama_request(
        fhirServer="http://127.0.0.1:9",
        fhirAuthorization={
            "access_token": "t",
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "s",
            "subject": "x",
        },
    )
    assert post(cds_client, keys.token(), body).status_code == 412


def test_prefetch_keys_that_are_null_mean_nothing_found(cds_client: TestClient, keys: Keys) -> None:
    body = pama_request(prefetch=dict.fromkeys(
        ["patient", "conditions", "temperatures", "medications", "dispenses", "statements", "procedures", "questionnaireResponses"]))  # fmt: skip
    response = post(cds_client, keys.token(), body).json()
    assert rating(response) == "not-appropriate"
    assert "not consulted" not in response["cards"][0]["detail"]
