"""The REST API as other software meets it (CONTRACT.md §6)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from spinewise.decision_log import DecisionLog
from spinewise.settings import Settings
from tests.conftest import VIGNETTES, LiveServer, load_yaml
from tests.expectations import check


def test_assess_returns_the_contract_assessment_and_logs_it(
    client: TestClient, settings: Settings
) -> None:
    response = client.post(
        "/api/v1/assess", json={"age": 62, "findings": {"history_of_cancer": True}}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "image"
    assert body["suspected_conditions"][0]["id"] == "malignancy"
    assert body["policy"]["id"] == "seed"
    with DecisionLog(settings.log_path) as log:
        (entry,) = list(log.entries())
    assert entry.entry_id == body["assessment_id"]
    assert entry.channel == "api" and entry.decision == "image" and entry.policy == "seed"
    assert json.loads(entry.inputs or "{}")["findings"] == {"history_of_cancer": True}
    assert entry.reference_hash is None


@pytest.mark.parametrize("path", VIGNETTES[::7], ids=lambda p: p.stem)
@pytest.mark.parametrize("policy", ["seed", "acr"])
def test_vignettes_over_http(client: TestClient, path: Any, policy: str) -> None:
    case = load_yaml(path)
    response = client.post(f"/api/v1/assess?policy={policy}", json=case["presentation"])
    assert response.status_code == 200
    check(response.json(), case["expected"][policy], f"{case['id']} ({policy}, HTTP)")


def test_reference_header_is_stored_only_as_a_keyed_hash(
    client: TestClient, settings: Settings
) -> None:
    client.post("/api/v1/assess", json={"age": 30}, headers={"X-Spinewise-Reference": "MRN-0042"})
    with DecisionLog(settings.log_path) as log:
        (entry,) = list(log.entries())
    assert entry.reference_hash == hmac.new(bytes(32), b"MRN-0042", hashlib.sha256).hexdigest()
    assert "MRN-0042" not in json.dumps(entry.as_dict())


def test_bad_input_is_a_422_naming_each_field(client: TestClient) -> None:
    response = client.post(
        "/api/v1/assess?policy=acrr",
        json={"age": 130, "findings": {"fevr": True, "fever": "yes"}, "sex": "F"},
    )
    assert response.status_code == 422
    fields = {p["field"]: p["message"] for p in response.json()["detail"]}
    assert set(fields) == {"policy", "age", "findings.fevr", "findings.fever", "sex"}
    assert fields["findings.fevr"] == "unknown finding id 'fevr' (did you mean 'fever'?)"
    assert "findings.fevr: unknown finding id" in response.json()["message"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"{bad", "not valid JSON"), (b"", "a JSON body is required"), (b"[1]", "valid dictionary")],
)
def test_malformed_bodies_are_422(client: TestClient, content: bytes, message: str) -> None:
    response = client.post(
        "/api/v1/assess", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_a_body_over_64_kib_is_413(client: TestClient) -> None:
    body = json.dumps({"age": 40, "findings": {}, "pad": "x" * 70_000})
    response = client.post(
        "/api/v1/assess", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_read(client: TestClient) -> None:
    body = json.dumps({"age": 40, "findings": {}}) + " " * 60_000
    response = client.post(
        "/api/v1/assess", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200


def test_a_streamed_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(20):
            yield b" " * 8192

    response = client.post(
        "/api/v1/assess", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(client: TestClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/api/v1/assess", content=b'{"age": 40}', headers=headers)
    assert response.status_code == 415


def test_policy_from_query_and_from_settings(tmp_path: Any) -> None:
    from spinewise.api import create_app

    app = create_app(Settings(log_path=tmp_path / "log.sqlite3", policy="acr"))
    with TestClient(app) as client:
        default = client.post("/api/v1/assess", json={"age": 75}).json()
        chosen = client.post("/api/v1/assess?policy=seed", json={"age": 75}).json()
    assert default["policy"]["id"] == "acr"
    assert chosen["policy"]["id"] == "seed"


def test_rules_endpoint_lists_catalogue_and_policies(client: TestClient) -> None:
    body = client.get("/api/v1/rules").json()
    assert {f["id"] for f in body["findings"]} >= {"fever", "saddle_anesthesia"}
    assert [p["id"] for p in body["policies"]] == ["seed", "acr"]
    seed = body["policies"][0]
    assert "history_of_cancer" in seed["required"]
    assert body["version"].startswith("sha256:")


def test_healthz_and_openapi_with_examples(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/assess"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert "history of cancer" in examples
    assert client.get("/docs").status_code == 200


def test_cors_is_off_by_default_and_configurable(client: TestClient, tmp_path: Any) -> None:
    preflight = {
        "Origin": "https://sandbox.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    assert (
        "access-control-allow-origin"
        not in client.options("/api/v1/assess", headers=preflight).headers
    )
    from spinewise.api import create_app

    app = create_app(
        Settings(log_path=tmp_path / "cors.sqlite3", cors_origins=["https://sandbox.example"])
    )
    with TestClient(app) as cors_client:
        response = cors_client.options("/api/v1/assess", headers=preflight)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://sandbox.example"
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


def test_against_a_real_uvicorn_on_loopback(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        response = http.post(
            "/api/v1/assess?policy=acr", json={"age": 40, "findings": {"severe_trauma": True}}
        )
        bad = http.post("/api/v1/assess", json={"age": -1})
        too_big = http.post(
            "/api/v1/assess",
            content=b"{" + b" " * 70_000 + b"}",
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 200
    assert response.json()["imaging"]["study"] == "ct_lumbar_without_contrast"
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "age"
    assert too_big.status_code == 413
    with DecisionLog(live_server.log_path) as log:
        ids = [e.entry_id for e in log.entries()]
        assert log.verify().ok
    assert response.json()["assessment_id"] in ids


def test_a_child_is_refused_naming_age(client: TestClient) -> None:
    response = client.post("/api/v1/assess", json={"age": 12, "findings": {"fever": True}})
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["field"] == "age"
    assert problem["message"] == "spinewise is for adults: give an age from 18 to 120 years, not 12"


def test_provisional_decision_over_http(client: TestClient) -> None:
    body = client.post("/api/v1/assess?policy=acr", json={"age": 70}).json()
    assert (body["decision"], body["urgency"], body["provisional"]) == ("image", "routine", True)
    assert body["ask_before_ordering"][0] == "saddle_anesthesia"
    assert body["if_yes"]["urgency"] == "emergency"
    assert body["notices"][0]["id"] == "ask_before_ordering"
    assert body["referrals"] == [
        {
            "id": "primary_care",
            "to": "Primary care, to review the radiograph and assess bone health",
            "urgency": "routine",
            "sources": ["ACR2021", "ACP2011"],
        }
    ]
    decided = client.post(
        "/api/v1/assess",
        json={
            "age": 40,
            "findings": {
                "fever": True,
                "history_of_cancer": True,
                "saddle_anesthesia": True,
                "gradually_worsening_pain": True,
            },
        },
    ).json()
    assert decided["urgency"] == "emergency" and decided["provisional"] is False
    assert decided["ask_before_ordering"] == [] and decided["if_yes"] is None
