"""What operators meet: readiness, a 503 (never a 500) when the decision log cannot record,
Prometheus metrics, and a JSON access log without patient data or tokens."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from spinewise.api import create_app
from spinewise.settings import Settings
from tests.serving import wait_ready

KEY = "ab" * 32
CANCER = {"age": 62, "findings": {"history_of_cancer": True}}


def samples(
    client: TestClient | httpx.Client,
) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def value(metrics: dict[Any, float], name: str, **labels: str) -> float:
    return metrics.get((name, frozenset(labels.items())), 0.0)


# --- readiness and the 503 ---------------------------------------------------------------------


def test_ready_when_the_log_can_be_written(client: TestClient) -> None:
    assert client.get("/readyz").json() == {"status": "ready"}
    assert client.get("/healthz").json() == {"status": "ok"}


def test_not_ready_while_another_process_holds_the_sqlite_log(
    client: TestClient, settings: Settings
) -> None:
    holder = sqlite3.connect(settings.log_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.get("/readyz")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "detail": "the decision log cannot be written",
    }
    assert response.headers["retry-after"] == "5"
    assert client.get("/readyz").status_code == 200


def test_not_ready_when_the_logs_disk_is_nearly_full(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spinewise.decision_log import SqliteStore

    # The real free space of the disk, against a threshold no disk here meets.
    monkeypatch.setattr(SqliteStore, "MIN_FREE_BYTES", 2**62)
    assert client.get("/readyz").status_code == 503
    monkeypatch.undo()
    assert client.get("/readyz").status_code == 200


def test_a_read_only_postgres_log_is_not_ready_and_assessments_get_503(
    pg_url: str, postgres: Any
) -> None:
    """Nothing is answered that is not recorded: with the database read-only, an assessment is
    a 503 naming no patient detail, and nothing is in the log; once writable, all is well."""
    import psycopg

    settings = Settings(log_url=pg_url, log_key=KEY)
    database = pg_url.rsplit("/", 1)[1]
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/readyz").status_code == 200
        assert client.post("/api/v1/assess", json=CANCER).status_code == 200
        with postgres.admin() as admin:
            admin.execute(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (database,),
            )
        assert client.get("/readyz").status_code == 503
        refused = client.post("/api/v1/assess", json=CANCER)
        assert refused.status_code == 503
        assert refused.json() == {
            "detail": "the decision log is unavailable: nothing was recorded; try again"
        }
        with postgres.admin() as admin:
            admin.execute(f"ALTER DATABASE {database} RESET default_transaction_read_only")
        assert client.get("/readyz").status_code == 200
        again = client.post("/api/v1/assess", json=CANCER)
        assert again.status_code == 200
    with psycopg.connect(pg_url) as db:
        ids = [row[0] for row in db.execute("SELECT entry_id FROM entries ORDER BY seq")]
    assert len(ids) == 2 and ids[-1] == again.json()["assessment_id"]


# --- metrics -----------------------------------------------------------------------------------


def test_metrics_count_requests_by_route_template_and_decisions(client: TestClient) -> None:
    before = samples(client)
    assessed = [client.post("/api/v1/assess", json=CANCER).json() for _ in range(3)]
    client.post("/api/v1/assess?policy=acr", json={"age": 30, "findings": {}})
    handout = client.get(f"/handout/{assessed[0]['assessment_id']}")
    assert handout.status_code == 200
    client.get(f"/no/such/{uuid.uuid4()}")
    client.post("/api/v1/assess", json={"findings": {"fevr": True}})
    after = samples(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "spinewise_http_requests_total"
    assert grew(requests, method="POST", route="/api/v1/assess", status="200") == 4
    assert grew(requests, method="POST", route="/api/v1/assess", status="422") == 1
    assert grew(requests, method="GET", route="/handout/{assessment_id}", status="200") == 1
    assert grew(requests, method="GET", route="(unmatched)", status="404") == 1
    latency = "spinewise_http_request_duration_seconds_count"
    assert grew(latency, method="POST", route="/api/v1/assess") == 5
    decisions = "spinewise_decisions_total"
    image = {"decision": "image", "urgency": "urgent", "policy": "seed", "channel": "api"}
    assert assessed[0]["decision"] == "image" and assessed[0]["urgency"] == "urgent"
    assert grew(decisions, **image) == 3
    assert grew(decisions, decision="incomplete", urgency="none", policy="acr", channel="api") == 1
    assert grew("spinewise_decision_log_append_seconds_count") == 4
    assert grew("spinewise_decision_log_commit_rows_sum") == 4
    # No label carries anything from a request: only templates, never an id.
    labels = {v for (_, pairs) in after for _, v in pairs}
    assert not any(assessed[0]["assessment_id"] in label for label in labels)


def test_cds_cards_and_feedback_are_counted(tmp_path: Path) -> None:
    settings = Settings(log_path=tmp_path / "log.sqlite3", log_key=KEY, cds_auth="off")
    order = {
        "resourceType": "ServiceRequest", "id": "order-1", "status": "draft", "intent": "plan",
        "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72148"}],
                 "text": "MRI lumbar spine without contrast"},
        "subject": {"reference": "Patient/p1"},
        "reasonCode": [{"coding": [{"system": "http://snomed.info/sct", "code": "279039007"}]}],
    }  # fmt: skip
    call = {
        "hook": "order-sign",
        "hookInstance": str(uuid.uuid4()),
        "context": {
            "userId": "Practitioner/1",
            "patientId": "p1",
            "draftOrders": {"resourceType": "Bundle", "entry": [{"resource": order}]},
        },
        "prefetch": {"patient": {"resourceType": "Patient", "id": "p1", "birthDate": "1980-01-01"}},
    }
    with TestClient(create_app(settings)) as client:
        before = samples(client)
        answer = client.post("/cds-services/spinewise-lbp-imaging", json=call)
        assert answer.status_code == 200, answer.text
        cards = answer.json()["cards"]
        assert cards
        feedback = {
            "feedback": [
                {"card": cards[0]["uuid"], "outcome": "accepted",
                 "outcomeTimestamp": "2026-11-26T10:00:00Z"},
            ]
        }  # fmt: skip
        posted = client.post("/cds-services/spinewise-lbp-imaging/feedback", json=feedback)
        assert posted.status_code == 200, posted.text
        after = samples(client)
    for card in cards:
        labels = {"hook": "order-sign", "indicator": card["indicator"]}
        assert value(after, "spinewise_cds_cards_total", **labels) > value(
            before, "spinewise_cds_cards_total", **labels
        )
    grown = value(after, "spinewise_cds_feedback_total", outcome="accepted") - value(
        before, "spinewise_cds_feedback_total", outcome="accepted"
    )
    assert grown == 1


def test_metrics_can_be_turned_off(tmp_path: Path) -> None:
    settings = Settings(log_path=tmp_path / "log.sqlite3", log_key=KEY, metrics=False)
    with TestClient(create_app(settings)) as client:
        assert client.get("/metrics").status_code == 404


# --- the JSON access log, through `spinewise serve` --------------------------------------------


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    """`spinewise serve` with the JSON access log, its stdout kept in a file."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "stdout.txt"
    env = {
        **os.environ,
        "SPINEWISE_LOG_PATH": str(tmp_path / "log.sqlite3"),
        "SPINEWISE_ACCESS_LOG": "json",
        "SPINEWISE_CDS_AUTH": "off",
    }
    workers = getattr(request, "param", 1)
    with out.open("w") as stdout:
        server = subprocess.Popen(
            [sys.executable, "-m", "spinewise", "serve", "--port", str(port),
             "--workers", str(workers)],
            env=env, stdout=stdout, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(url, server)
            yield url, out
        finally:
            server.terminate()
            server.wait(timeout=30)
            assert server.stderr is not None
            server.stderr.close()


def test_json_access_log_carries_no_patient_data_or_tokens(served: tuple[str, Path]) -> None:
    url, out = served
    secrets = ["MRN-40417", "tok-3c9e7a51", "REF-8812", "Bearer", "saddle", "age="]
    with httpx.Client(base_url=url, timeout=10) as client:
        assessed = client.post(
            "/api/v1/assess?policy=seed&mrn=MRN-40417",
            json={"age": 62, "findings": {"saddle_anesthesia": True}},
            headers={"Authorization": "Bearer tok-3c9e7a51", "X-Spinewise-Reference": "REF-8812"},
        )
        assert assessed.status_code == 200
        assessment_id = assessed.json()["assessment_id"]
        assert client.get(f"/handout/{assessment_id}").status_code == 200
        assert client.get("/?age=62&saddle_anesthesia=yes").status_code == 200
        assert client.get("/missing/MRN-40417").status_code == 404
    time.sleep(0.3)
    text = out.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "spinewise.access"]
    routes = [(r["method"], r["route"], r["status"]) for r in requests]
    assert ("POST", "/api/v1/assess", 200) in routes
    assert ("GET", "/handout/{assessment_id}", 200) in routes
    assert ("GET", "/", 200) in routes
    assert ("GET", "(unmatched)", 404) in routes
    for line in requests:
        assert set(line) == {"time", "level", "logger", "message", "method", "route", "status",
                             "duration_ms", "pid"}  # fmt: skip
        assert line["duration_ms"] >= 0
    for secret in [*secrets, assessment_id]:
        assert secret not in json.dumps(requests), secret
    # And uvicorn's own (text) access log, whose URLs carry answers, is off.
    assert "GET /?age=62" not in text
