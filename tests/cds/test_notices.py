"""What the page and the CLI say first, the CDS card says first too: a provisional decision
("ask before ordering", critical when a yes could make it an emergency; the replacement order
not recommended meanwhile) and the seed policy's image for age alone, with the guideline view."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spinewise.api import create_app
from spinewise.settings import Settings
from tests.cds.conftest import ISSUER, PUBLIC, Keys, order_sign

CPT = "http://www.ama-assn.org/go/cpt"
RADIOGRAPHY, MRI = "72100", "72148"


def _client(tmp_path: Path, keys: Keys, policy: str) -> Iterator[tuple[TestClient, Keys]]:
    settings = Settings(log_path=tmp_path / f"{policy}.sqlite3", public_url=PUBLIC, policy=policy,
                        cds_trusted_issuers={ISSUER: str(keys.jwks_path)})  # fmt: skip
    with TestClient(create_app(settings)) as client:
        yield client, keys


@pytest.fixture
def acr(tmp_path: Path, keys: Keys) -> Iterator[tuple[TestClient, Keys]]:
    yield from _client(tmp_path, keys, "acr")


@pytest.fixture
def seed(tmp_path: Path, keys: Keys) -> Iterator[tuple[TestClient, Keys]]:
    yield from _client(tmp_path, keys, "seed")


def _call(service: tuple[TestClient, Keys], cpt: str, age: float, answers: dict[str, bool]) -> Any:
    client, keys = service
    qr = {
        "resourceType": "QuestionnaireResponse", "id": "qr-1", "status": "completed",
        "questionnaire": "http://spinewise.invalid/fhir/Questionnaire/spinewise-red-flags",
        "subject": {"reference": "Patient/example-patient-1"},
        "authored": datetime.now(UTC).date().isoformat(),
        "item": [{"linkId": "age", "answer": [{"valueDecimal": age}]}]
        + [{"linkId": f, "answer": [{"valueBoolean": v}]} for f, v in answers.items()],
    }  # fmt: skip
    body = order_sign()
    body["prefetch"] = dict.fromkeys(body.get("prefetch") or {}) | {
        "questionnaireResponses": {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": qr}],
        }
    }
    body["context"]["draftOrders"]["entry"][0]["resource"]["code"] = {
        "coding": [{"system": CPT, "code": cpt}]
    }
    url = f"{PUBLIC}/cds-services/spinewise-lbp-imaging"
    answer = client.post("/cds-services/spinewise-lbp-imaging", json=body,
                         headers={"Authorization": f"Bearer {keys.token(aud=url)}"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_provisional_decision_is_said_first_and_critical_when_a_yes_could_be_an_emergency(
    acr: tuple[TestClient, Keys],
) -> None:
    # acr, 70, nothing else asked: a routine radiograph (fracture risk), but a yes to a cauda
    # equina sign would make it an emergency MRI.
    response = _call(acr, RADIOGRAPHY, 70, {})
    first = response["cards"][0]
    assert first["summary"].startswith("Ask before ordering:")
    assert first["indicator"] == "critical"
    assert "saddle" in first["summary"].lower()
    assert first["detail"].startswith("Ask")


def test_the_replacement_order_is_not_recommended_while_provisional(
    acr: tuple[TestClient, Keys],
) -> None:
    response = _call(
        acr, "72158", 70, {}
    )  # MRI with contrast, where a radiograph is the study for now
    suggestions = [s for card in response["cards"] for s in card.get("suggestions", [])]
    assert suggestions and not any(s.get("isRecommended") for s in suggestions)
    assert response["cards"][0]["summary"].startswith("Ask before ordering:")


def test_an_image_for_age_alone_is_said_first_with_the_guideline_view(
    seed: tuple[TestClient, Keys],
) -> None:
    from spinewise import default_rulebook

    answers = {f: False for f in default_rulebook().policy("seed").required if f != "age"}
    response = _call(seed, MRI, 62, answers)
    (card,) = response["cards"]  # the order itself is the study for what is known
    assert "age alone" in card["summary"]
    assert card["indicator"] == "info"
    assert "acr:" in card["detail"]


def test_no_notice_no_extra_card(seed: tuple[TestClient, Keys]) -> None:
    from spinewise import default_rulebook

    answers = {f: False for f in default_rulebook().policy("seed").required if f != "age"}
    response = _call(seed, "72158", 45, {**answers, "history_of_cancer": True})
    assert response["cards"] == []
