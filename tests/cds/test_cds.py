"""The CDS Hooks service as an EHR meets it: signed calls, every published example replayed,
the PAMA ratings, cards, suggestions, system actions and feedback."""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from spinewise.cds.messages import Card, CdsResponse, Discovery, FeedbackRequest
from spinewise.decision_log import DecisionLog
from spinewise.settings import Settings
from tests.shared import find_shared, shared, shared_params, skipped_case

EXAMPLES_DIR = "data/cds_hooks_examples"
EXAMPLES = find_shared(EXAMPLES_DIR)
PAMA = f"{EXAMPLES_DIR}/argonaut-pama-connectathon-2019-09/examples"
FILES = sorted(p for p in EXAMPLES.rglob("*.json") if p.name != "MANIFEST.json") if EXAMPLES else []


def load(path: Path) -> Any:
    return json.loads(path.read_text())


def requests() -> list[tuple[str, dict[str, Any]]]:
    """Every example that is a hook request (or a request's context), made whole."""
    out = []
    for path in FILES:
        data = load(path)
        if not isinstance(data, dict) or "context" not in data:
            continue
        body = copy.deepcopy(data)
        if "hook" not in body:
            match = re.match(r"([a-z-]+?)-\d\d-", path.name)
            hook = match.group(1) if match and path.parent.name == "hooks-library" else None
            body["hook"] = hook or (
                "order-sign" if "draftOrders" in body["context"] else "patient-view"
            )
        body.setdefault("hookInstance", str(uuid.uuid4()))
        out.append((f"{path.parent.name}/{path.name}", body))
    return out


REQUESTS = requests()
REQUEST_CASES = REQUESTS or [skipped_case(EXAMPLES_DIR, 2)]


def rating(response: dict[str, Any]) -> str | None:
    actions = response.get("systemActions") or []
    for action in actions:
        for ext in action["resource"].get("extension", []):
            if ext["url"] == "http://fhir.org/argonaut/Extension/pama-rating":
                return str(ext["valueCodeableConcept"]["coding"][0]["code"])
    return None


def pama_request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = load(shared(f"{PAMA}/scenario-01-outbound-request.json"))
    body.update(changes)
    return body


def test_there_are_examples_to_replay() -> None:
    shared(EXAMPLES_DIR)
    assert len(REQUESTS) >= 30


def test_discovery_lists_one_service_for_both_ordering_hooks(cds_client: TestClient) -> None:
    body = cds_client.get("/cds-services").json()
    Discovery.model_validate(body)
    assert {(s["id"], s["hook"]) for s in body["services"]} == {
        ("spinewise-lbp-imaging", "order-select"),
        ("spinewise-lbp-imaging", "order-sign"),
    }
    prefetch = body["services"][0]["prefetch"]
    assert {
        "patient",
        "conditions",
        "temperatures",
        "medications",
        "procedures",
        "questionnaireResponses",
    } <= set(prefetch)


@pytest.mark.parametrize(("name", "body"), REQUEST_CASES, ids=[r[0] for r in REQUESTS] or None)
def test_every_example_request_is_accepted_with_a_valid_response(
    call: Callable[..., Any], name: str, body: dict[str, Any]
) -> None:
    response = call(body)
    assert response.status_code == 200, response.text
    data = response.json()
    CdsResponse.model_validate(data)
    assert "cards" in data
    assert "null" not in json.dumps(data)  # elements are omitted, never null
    for card in data["cards"]:
        assert len(card["summary"]) < 140
        assert card["source"]["label"]
        if card.get("suggestions"):
            assert card["selectionBehavior"]


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in FILES
        if isinstance(load(p), dict) and ("cards" in load(p) or "services" in load(p))
    ]
    or [skipped_case(EXAMPLES_DIR)],
    ids=lambda p: p.name,
)
def test_published_responses_fit_our_models(path: Path) -> None:
    data = load(path)
    if "services" in data:
        Discovery.model_validate(data)
    elif path.name == "index-21-example.json":
        # This example's card has no `indicator`, which the specification makes required:
        # the model must say exactly that, and nothing else.
        with pytest.raises(ValidationError) as caught:
            CdsResponse.model_validate(data)
        assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [
            (("cards", 0, "indicator"), "missing")
        ]
    else:
        CdsResponse.model_validate(data)


def test_published_card_fragment_fits(tmp_path: Path) -> None:
    Card.model_validate(
        load(
            shared(
                f"{EXAMPLES_DIR}/hooks-library/examples-02-cdc-guideline-for-prescribing-opioids-fo.json"
            )
        )
        | {"source": {"label": "x"}}
    )


def test_pama_ct_lumbar_for_low_back_pain_is_not_appropriate(
    call: Callable[..., Any], cds_settings: Settings
) -> None:
    response = call(pama_request()).json()
    assert rating(response) == "not-appropriate"
    (card,) = response["cards"]
    assert card["indicator"] == "warning"
    assert "not appropriate" in card["summary"]
    assert "record was not consulted" in card["detail"]
    (suggestion,) = card["suggestions"]
    assert suggestion["actions"] == [
        {"type": "delete", "description": "Delete the draft order for Lumbar spine CT",
         "resourceId": "ServiceRequest/example-MRI-59879846"}
    ]  # fmt: skip
    reasons = {r["code"] for r in card["overrideReasons"]}
    assert {"history_of_cancer", "saddle_anesthesia", "failed-conservative-care"} <= reasons
    links = {link["label"]: link["url"] for link in card["links"]}
    assert links["Review the red flags"].startswith("http://testserver/?policy=seed")
    # The rating is a top-level system action carrying the Argonaut extensions.
    (action,) = response["systemActions"]
    assert action["type"] == "update" and action["resource"]["id"] == "example-MRI-59879846"
    consult = next(e for e in action["resource"]["extension"] if e["url"].endswith("consult-id"))
    assessment_id = consult["valueUri"].removeprefix("urn:uuid:")
    with DecisionLog(cds_settings.log_path) as log:
        entry = log.get(assessment_id)
    assert entry is not None and entry.channel == "cds-hooks"
    assert "extension" not in response  # the sandbox mirror is off by default


def condition(code: str, system: str = "http://hl7.org/fhir/sid/icd-10-cm") -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": "cond-1",
        "subject": {"reference": "Patient/MRI-59879846"},
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "code": {"coding": [{"system": system, "code": code}]},
        "onsetDateTime": "2019-01-01",
    }


def test_history_of_cancer_in_prefetch_makes_it_appropriate(call: Callable[..., Any]) -> None:
    body = pama_request(prefetch={"conditions": {"resourceType": "Bundle", "type": "searchset",
                                                  "entry": [{"resource": condition("Z85.46")}]}})  # fmt: skip
    response = call(body).json()
    assert rating(response) == "appropriate"
    # CT is acceptable, but MRI without and with contrast is the study for suspected cancer.
    (card,) = response["cards"]
    assert card["indicator"] == "info"
    update = card["suggestions"][0]["actions"][0]
    assert update["type"] == "update"
    assert update["resource"]["code"]["coding"][0]["code"] == "72158"


def test_reason_code_cauda_equina_makes_it_appropriate(call: Callable[..., Any]) -> None:
    body = pama_request()
    order = body["context"]["draftOrders"]["entry"][0]["resource"]
    order["reasonCode"] = [
        {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "G83.4"}]}
    ]
    response = call(body).json()
    assert rating(response) == "appropriate"


def test_wrong_study_for_a_red_flag_is_not_appropriate_with_a_better_one(
    call: Callable[..., Any],
) -> None:
    body = pama_request()
    order = body["context"]["draftOrders"]["entry"][0]["resource"]
    order["code"] = {
        "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72100"}],
        "text": "Lumbar X-ray",
    }
    order["reasonCode"] = [
        {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "G83.4"}]}
    ]
    response = call(body).json()
    assert rating(response) == "not-appropriate"
    (card,) = response["cards"]
    assert card["indicator"] == "critical"
    assert card["suggestions"][0]["actions"][0]["resource"]["code"]["coding"][0]["code"] == "72148"


def test_non_lumbar_orders_get_no_cards(call: Callable[..., Any]) -> None:
    body = pama_request()
    body["context"]["draftOrders"]["entry"][0]["resource"]["code"]["coding"][0]["code"] = "70450"
    assert call(body).json() == {"cards": []}


def test_order_select_rates_only_the_selections(call: Callable[..., Any]) -> None:
    body = pama_request()
    body["context"]["selections"] = ["ServiceRequest/some-other-order"]
    assert call(body).json() == {"cards": []}
    body["hook"] = "order-sign"  # order-sign: every draft order
    assert rating(call(body).json()) == "not-appropriate"


def test_no_indication_gives_no_rating_but_asks_for_it(call: Callable[..., Any]) -> None:
    body = pama_request()
    del body["context"]["draftOrders"]["entry"][0]["resource"]["reasonCode"]
    response = call(body).json()
    assert "systemActions" not in response
    assert response["cards"][0]["summary"].startswith("Add the reason")


def test_sandbox_mirror_of_the_rating(cds_settings: Settings, keys: Any) -> None:
    from spinewise.api import create_app

    settings = cds_settings.model_copy(update={"cds_sandbox_compat": True})
    with TestClient(create_app(settings)) as client:
        token = keys.token(aud="http://testserver/cds-services/spinewise-lbp-imaging")
        response = client.post(
            "/cds-services/spinewise-lbp-imaging",
            json=pama_request(),
            headers={"Authorization": f"Bearer {token}"},
        ).json()
    assert response["extension"]["systemActions"] == response["systemActions"]


@pytest.mark.parametrize(
    "path", shared_params(EXAMPLES_DIR, "index-2[234]-*.json"), ids=lambda p: p.name
)
def test_feedback_is_stored_once(
    call: Callable[..., Any], cds_settings: Settings, path: Path
) -> None:
    body = load(path)
    FeedbackRequest.model_validate(body)
    feedback = "/cds-services/spinewise-lbp-imaging/feedback"
    assert call(body, path=feedback).status_code == 200
    assert call(body, path=feedback).status_code == 200  # sent twice: stored once
    with DecisionLog(cds_settings.log_path) as log:
        rows = [e for e in log.entries() if e.kind == "feedback"]
        assert log.verify().ok
    assert len(rows) == len(body["feedback"])
    stored = json.loads(rows[0].details or "{}")
    assert stored["outcome"] == body["feedback"][0]["outcome"]
    if "overrideReason" in body["feedback"][0]:
        assert stored["overrideReason"] == body["feedback"][0]["overrideReason"]


def test_malformed_request_is_400(call: Callable[..., Any]) -> None:
    response = call({"hook": "order-sign"})
    assert response.status_code == 400
    assert "context" in response.json()["detail"]
