"""Every vignette through CDS Hooks, as an EHR sends it: an order-sign call for a lumbar MRI
whose prefetch carries the presentation (spinewise's red-flag QuestionnaireResponse with the
age and every answered finding). The decision the service logs is the reference engine's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spinewise import assess
from spinewise.api import create_app
from spinewise.decision_log import DecisionLog
from spinewise.fhir.intake import QUESTIONNAIRE_ID
from spinewise.settings import Settings
from tests.conftest import VIGNETTES, load_yaml


@pytest.fixture(scope="module", params=["seed", "acr"])
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Settings]]:
    folder = tmp_path_factory.mktemp(f"cds-{request.param}")
    settings = Settings(
        log_path=folder / "decisions.sqlite3",
        log_key="00" * 32,
        policy=request.param,
        cds_auth="off",
    )
    with TestClient(create_app(settings)) as client:
        yield client, settings


def _request(client: TestClient, presentation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The order-sign service's URL, and a call whose prefetch encodes the presentation."""
    services = client.get("/cds-services").json()["services"]
    sign = next(s for s in services if s["hook"] == "order-sign")
    items: list[dict[str, Any]] = []
    if presentation.get("age") is not None:
        items.append({"linkId": "age", "answer": [{"valueDecimal": presentation["age"]}]})
    items += [
        {"linkId": fid, "answer": [{"valueBoolean": value}]}
        for fid, value in presentation.get("findings", {}).items()
        if value is not None
    ]
    response = {
        "resourceType": "QuestionnaireResponse", "id": "qr1", "status": "completed",
        "questionnaire": f"http://spinewise.invalid/fhir/Questionnaire/{QUESTIONNAIRE_ID}",
        "subject": {"reference": "Patient/p1"}, "authored": datetime.now(UTC).date().isoformat(), "item": items,
    }  # fmt: skip
    prefetch: dict[str, Any] = dict.fromkeys(sign.get("prefetch", {}))
    key = next(
        k for k, query in sign["prefetch"].items() if query.startswith("QuestionnaireResponse")
    )
    prefetch[key] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": response}],
    }
    order = {
        "resourceType": "ServiceRequest", "id": "mri1", "status": "draft", "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72148",
                             "display": "MRI lumbar spine without contrast"}]},
        "reasonCode": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M54.50"}]}],
    }  # fmt: skip
    body = {
        "hook": "order-sign", "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/1", "patientId": "p1",
                    "draftOrders": {"resourceType": "Bundle", "entry": [{"resource": order}]}},
        "prefetch": prefetch,
    }  # fmt: skip
    return f"/cds-services/{sign['id']}", body


@pytest.mark.parametrize("path", VIGNETTES, ids=[p.stem for p in VIGNETTES])
def test_vignette_through_cds_hooks(service: tuple[TestClient, Settings], path: Path) -> None:
    client, settings = service
    case = load_yaml(path)
    url, body = _request(client, case["presentation"])
    answer = client.post(url, json=body)
    assert answer.status_code == 200, answer.text
    with DecisionLog(settings.log_path) as log:
        logged = [e for e in log.entries() if e.kind == "assessment" and e.channel == "cds-hooks"][
            -1
        ]
    reference = assess(case["presentation"], settings.policy)
    assert (logged.decision, logged.urgency) == (reference.decision, reference.urgency), case["id"]
