"""Every CDS Hooks call carries a signed JWT (ES384 and RS384 keys made here); each failure is a
bare 401 with a WWW-Authenticate challenge. Outbound calls (JWKS, the EHR's FHIR server) go to
real loopback servers the tests start: allow-listed, with a deadline and a byte cap."""

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
from spinewise.api.app import ConfigurationError
from spinewise.settings import Settings
from tests.cds.conftest import ISSUER, PUBLIC, URL, Keys, order_sign
from tests.cds.test_cds import rating

PATH = "/cds-services/spinewise-lbp-imaging"


def post(client: TestClient, token: str | None, body: dict[str, Any] | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(PATH, json=body or order_sign(), headers=headers)


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
    "HMAC with a shared secret": lambda k: k.token(
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
    "exp ten years ahead": lambda k: k.token(exp_in=10 * 365 * 86400),
    "exp 6 minutes after iat": lambda k: k.token(exp_in=360),
    "signed by another key": lambda k: k.token(key=k.other),
    "ES384 naming an RSA key": lambda k: k.token(alg="ES384", kid="rsa-1"),
    "RS384 naming an EC key": lambda k: k.token(alg="RS384", kid="ec-1"),
    "ES256 naming a P-384 key": lambda k: k.token(alg="ES256", kid="ec-1", key=k.p256),
    "tampered payload": lambda k: (
        lambda t: t.split(".")[0] + "." + t.split(".")[1][:-4] + "AAAA." + t.split(".")[2]
    )(k.token()),
}


@pytest.mark.parametrize("case", FAILURES, ids=list(FAILURES))
def test_each_failure_is_a_bare_401_with_a_challenge(
    cds_client: TestClient, keys: Keys, case: str
) -> None:
    token = FAILURES[case](keys)
    response = post(cds_client, token)
    assert response.status_code == 401
    assert response.json() == {}
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="spinewise CDS Hooks"')
    assert ('error="invalid_token"' in challenge) == (token is not None)


def test_expiry_within_leeway_is_accepted(cds_client: TestClient, keys: Keys) -> None:
    assert post(cds_client, keys.token(exp_in=-30, iat_in=-200)).status_code == 200


def test_a_jti_is_accepted_once_even_across_a_restart(cds_settings: Settings, keys: Keys) -> None:
    token = keys.token(jti="once-only")
    with TestClient(create_app(cds_settings)) as client:
        assert post(client, token).status_code == 200
        assert post(client, token).status_code == 401
    with TestClient(create_app(cds_settings)) as client:  # a new process would see the same file
        assert post(client, token).status_code == 401
    assert cds_settings.replay_path.exists()
    assert cds_settings.replay_path.stat().st_mode & 0o777 == 0o600


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


def test_auth_on_with_issuers_needs_the_public_url(tmp_path: Path, keys: Keys) -> None:
    settings = Settings(log_path=tmp_path / "log.sqlite3",
                        cds_trusted_issuers={ISSUER: str(keys.jwks_path)})  # fmt: skip
    with pytest.raises(ConfigurationError) as caught:
        create_app(settings)
    assert "SPINEWISE_PUBLIC_URL" in str(caught.value) and "\n" not in str(caught.value)


def test_the_audience_is_never_taken_from_the_host_header(
    cds_client: TestClient, keys: Keys
) -> None:
    # A token minted for another deployment, sent with that deployment's Host: refused.
    token = keys.token(aud="https://other.example.org/cds-services/spinewise-lbp-imaging")
    response = cds_client.post(PATH, json=order_sign(), headers={
        "Authorization": f"Bearer {token}", "Host": "other.example.org",
        "X-Forwarded-Host": "other.example.org", "X-Forwarded-Proto": "https"})  # fmt: skip
    assert response.status_code == 401


def test_auth_off_is_explicit_and_warned(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="spinewise.api"):
        app = create_app(Settings(log_path=tmp_path / "log.sqlite3", cds_auth="off"))
    assert "SPINEWISE_CDS_AUTH=off" in caplog.text
    with TestClient(app) as client:
        assert post(client, None).status_code == 200


def test_trusted_issuers_from_the_environment_in_both_forms(
    tmp_path: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPINEWISE_LOG_PATH", str(tmp_path / "log.sqlite3"))
    monkeypatch.setenv("SPINEWISE_PUBLIC_URL", PUBLIC)
    for form in (str(keys.jwks_path), {"jwks": str(keys.jwks_path), "fhir": []}):
        monkeypatch.setenv("SPINEWISE_CDS_TRUSTED_ISSUERS", json.dumps({ISSUER: form}))
        with TestClient(create_app()) as client:
            assert post(client, keys.token()).status_code == 200


def test_headers_too_large_are_431(cds_client: TestClient, keys: Keys) -> None:
    big = "Bearer " + "a" * (9 * 1024)
    assert (
        cds_client.post(PATH, json=order_sign(), headers={"Authorization": big}).status_code == 431
    )
    many = {f"X-Pad-{i}": "b" * 1000 for i in range(20)}
    assert cds_client.post(PATH, json=order_sign(), headers=many).status_code == 431


# --- real outbound HTTP to loopback servers -------------------------------------------------


class Loopback:
    """A small HTTP server on loopback: answers from `routes` (path prefix → handler) and
    records each request's path and Authorization header."""

    def __init__(self, routes: dict[str, Callable[[BaseHTTPRequestHandler], None]]) -> None:
        self.seen: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.seen.append(
                    {"path": self.path, "authorization": self.headers.get("Authorization", "")}
                )
                for prefix, handler in routes.items():
                    if self.path.startswith(prefix):
                        handler(self)
                        return
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Loopback:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def send_json(handler: BaseHTTPRequestHandler, data: Any) -> None:
    body = json.dumps(data).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/fhir+json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


CANCER = {
    "resourceType": "Condition", "id": "c9", "subject": {"reference": "Patient/example-patient-1"},
    "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C50.912"}]},
    "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
}  # fmt: skip


def fhir_routes() -> dict[str, Callable[[BaseHTTPRequestHandler], None]]:
    def search(handler: BaseHTTPRequestHandler) -> None:
        kind = handler.path.lstrip("/").split("?")[0].split("/")[0]
        resources = [CANCER] if kind == "Condition" else []
        send_json(handler, {"resourceType": "Bundle", "type": "searchset",
                            "entry": [{"resource": r} for r in resources]})  # fmt: skip

    return {"/": search}


def authorization(server: str) -> dict[str, Any]:
    return {"fhirServer": server,
            "fhirAuthorization": {"access_token": "opaque-fhir-access-token-5e1f",
                                  "token_type": "Bearer", "expires_in": 300,
                                  "scope": "patient/*.read", "subject": "spinewise"}}  # fmt: skip


def app_for(tmp_path: Path, keys: Keys, fhir: list[str], **extra: Any) -> TestClient:
    settings = Settings(
        log_path=tmp_path / "log.sqlite3", public_url=PUBLIC,
        cds_trusted_issuers={ISSUER: {"jwks": str(keys.jwks_path), "fhir": fhir}}, **extra,
    )  # fmt: skip
    return TestClient(create_app(settings))


def test_missing_prefetch_is_fetched_from_the_allow_listed_server_only(
    tmp_path: Path, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        Loopback(fhir_routes()) as fhir,
        app_for(tmp_path, keys, [fhir.url], dev_allow_http=True) as client,
    ):
        with caplog.at_level(logging.DEBUG):
            response = post(client, keys.token(), order_sign(**authorization(fhir.url)))
        assert response.status_code == 200
        assert rating(response.json()) == "appropriate"  # the record's cancer was fetched
        assert any(s["path"].startswith("/Condition?patient=example-patient-1") for s in fhir.seen)
        assert all(s["authorization"] == "Bearer opaque-fhir-access-token-5e1f" for s in fhir.seen)
        assert "opaque-fhir-access-token-5e1f" not in caplog.text
        assert "example-patient-1" not in caplog.text


def test_a_fhir_server_not_listed_for_the_issuer_is_never_called(
    tmp_path: Path, keys: Keys
) -> None:
    with (
        Loopback(fhir_routes()) as listed,
        Loopback(fhir_routes()) as other,
        app_for(tmp_path, keys, [listed.url], dev_allow_http=True) as client,
    ):
        response = post(client, keys.token(), order_sign(**authorization(other.url)))
        assert response.status_code == 412
        assert response.json()["resourceType"] == "OperationOutcome"
        assert other.seen == [] and listed.seen == []


def test_plain_http_fhir_servers_need_the_development_setting(tmp_path: Path, keys: Keys) -> None:
    with Loopback(fhir_routes()) as fhir, app_for(tmp_path, keys, [fhir.url]) as client:
        assert post(client, keys.token(), order_sign(**authorization(fhir.url))).status_code == 412
        assert fhir.seen == []


@pytest.mark.parametrize("patient", ["../../admin", "a/b", "x?y=1", "é", "a" * 65, ""])
def test_a_patient_id_that_is_not_a_fhir_id_is_400_and_goes_nowhere(
    tmp_path: Path, keys: Keys, patient: str
) -> None:
    with (
        Loopback(fhir_routes()) as fhir,
        app_for(tmp_path, keys, [fhir.url], dev_allow_http=True) as client,
    ):
        body = order_sign(**authorization(fhir.url))
        body["context"]["patientId"] = patient
        response = post(client, keys.token(), body)
        assert response.status_code == 400
        assert "context.patientId" in response.json()["detail"]
        assert fhir.seen == []


def test_a_slow_drip_fhir_server_is_cut_off_at_the_deadline(tmp_path: Path, keys: Keys) -> None:
    stop = threading.Event()

    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/fhir+json")
        handler.end_headers()
        handler.wfile.write(b'{"resourceType": "Bundle", "entry": [')
        while not stop.wait(0.2):  # one byte every 200 ms, forever
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return

    with (
        Loopback({"/": drip}) as fhir,
        app_for(
            tmp_path, keys, [fhir.url], dev_allow_http=True, outbound_deadline_seconds=1.5
        ) as client,
    ):
        start = time.monotonic()
        response = post(client, keys.token(), order_sign(**authorization(fhir.url)))
        elapsed = time.monotonic() - start
        stop.set()
    assert response.status_code == 412
    assert elapsed < 4


def test_a_huge_fhir_response_is_cut_off_at_the_byte_cap(tmp_path: Path, keys: Keys) -> None:
    sent = []

    def huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/fhir+json")
        handler.end_headers()  # no Content-Length: the cap must hold while streaming
        chunk = b" " * 65536
        try:
            handler.wfile.write(b'{"resourceType": "Bundle", "entry": [')
            for _ in range(300 * 16):  # up to 300 MB
                handler.wfile.write(chunk)
                sent.append(len(chunk))
        except OSError:
            return

    with (
        Loopback({"/": huge}) as fhir,
        app_for(
            tmp_path, keys, [fhir.url], dev_allow_http=True, outbound_max_bytes=1024 * 1024
        ) as client,
    ):
        response = post(client, keys.token(), order_sign(**authorization(fhir.url)))
    assert response.status_code == 412
    assert "over" in response.json()["issue"][0]["diagnostics"]
    assert sum(sent) < 100 * 1024 * 1024  # the server was stopped long before 300 MB


def test_prefetch_keys_that_are_null_mean_nothing_found(cds_client: TestClient, keys: Keys) -> None:
    body = order_sign(prefetch=dict.fromkeys(
        ["patient", "conditions", "temperatures", "medications", "dispenses", "statements", "procedures", "questionnaireResponses"]))  # fmt: skip
    response = post(cds_client, keys.token(), body).json()
    assert rating(response) == "not-appropriate"
    assert "not consulted" not in response["cards"][0]["detail"]


# --- the issuer's JWKS over HTTP: cached, refetched at most once a minute --------------------


@pytest.fixture
def jwks_server(keys: Keys) -> Iterator[Loopback]:
    jwks = json.loads(keys.jwks_path.read_text())

    def serve(handler: BaseHTTPRequestHandler) -> None:
        send_json(handler, jwks)

    with Loopback({"/jwks.json": serve}) as server:
        yield server


def jwks_app(tmp_path: Path, url: str, **extra: Any) -> TestClient:
    settings = Settings(log_path=tmp_path / "log.sqlite3", public_url=PUBLIC, dev_allow_http=True,
                        cds_trusted_issuers={ISSUER: url}, **extra)  # fmt: skip
    return TestClient(create_app(settings))


def test_the_jwks_is_fetched_once_and_an_unknown_kid_cannot_make_it_fetch_again(
    tmp_path: Path, keys: Keys, jwks_server: Loopback
) -> None:
    with jwks_app(tmp_path, jwks_server.url + "/jwks.json") as client:
        for _ in range(3):
            assert post(client, keys.token()).status_code == 200
        for i in range(20):  # unauthenticated calls naming keys that do not exist
            assert post(client, keys.token(kid=f"unknown-{i}")).status_code == 401
        assert post(client, keys.token(alg="RS384", kid="rsa-1")).status_code == 200
    assert len(jwks_server.seen) == 1


def test_a_slow_jwks_endpoint_is_waited_for_only_up_to_the_deadline(
    tmp_path: Path, keys: Keys
) -> None:
    release = threading.Event()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        release.wait(10)
        send_json(handler, {"keys": []})

    with (
        Loopback({"/jwks.json": slow}) as server,
        jwks_app(tmp_path, server.url + "/jwks.json", outbound_deadline_seconds=1) as client,
    ):
        start = time.monotonic()
        assert post(client, keys.token()).status_code == 401
        assert time.monotonic() - start < 3
        # Within the refresh interval, further calls do not wait on (or hit) the endpoint again.
        start = time.monotonic()
        assert post(client, keys.token()).status_code == 401
        assert time.monotonic() - start < 0.5
        release.set()
    assert len(server.seen) == 1


def test_jwks_over_plain_http_is_refused_without_the_development_setting(
    tmp_path: Path, keys: Keys, jwks_server: Loopback
) -> None:
    settings = Settings(log_path=tmp_path / "log.sqlite3", public_url=PUBLIC,
                        cds_trusted_issuers={ISSUER: jwks_server.url + "/jwks.json"})  # fmt: skip
    with TestClient(create_app(settings)) as client:
        assert post(client, keys.token()).status_code == 401
    assert jwks_server.seen == []
