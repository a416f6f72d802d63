"""The CDS Hooks services as an EHR meets them: discovery, signed calls with our own requests
(tests/cds/data), the PAMA ratings, cards, suggestions, links, system actions and feedback;
every published example replayed (shared material)."""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from spinewise.cds.cards import PAMA_RATING, markdown_escape
from spinewise.cds.messages import Card, CdsResponse, Discovery, FeedbackRequest
from spinewise.decision_log import DecisionLog
from spinewise.settings import Settings
from tests.cds.conftest import PUBLIC, Keys, order_sign
from tests.shared import find_shared, shared, shared_params, skipped_case

SIGN = "/cds-services/spinewise-lbp-imaging"
SELECT = "/cds-services/spinewise-lbp-imaging-select"
EXAMPLES_DIR = "data/cds_hooks_examples"
EXAMPLES = find_shared(EXAMPLES_DIR)
PAMA = f"{EXAMPLES_DIR}/argonaut-pama-connectathon-2019-09/examples"
FILES = sorted(p for p in EXAMPLES.rglob("*.json") if p.name != "MANIFEST.json") if EXAMPLES else []
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"


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


def order_cards(response: dict[str, Any]) -> list[dict[str, Any]]:
    """The cards about the order itself: with only part of the record known the decision is
    provisional, and an "Ask before ordering" card comes first (tests/cds/test_notices.py)."""
    cards: list[dict[str, Any]] = response["cards"]
    asks = [c for c in cards if c["summary"].startswith("Ask before ordering")]
    assert cards[: len(asks)] == asks, "the questions to ask come first"
    return cards[len(asks) :]


def rating(response: dict[str, Any]) -> str | None:
    for action in response.get("systemActions") or []:
        for ext in action["resource"].get("extension", []):
            if ext["url"] == PAMA_RATING:
                return str(ext["valueCodeableConcept"]["coding"][0]["code"])
    return None


def order_of(body: dict[str, Any]) -> dict[str, Any]:
    order: dict[str, Any] = body["context"]["draftOrders"]["entry"][0]["resource"]
    return order


def with_code(body: dict[str, Any], cpt: str) -> dict[str, Any]:
    order_of(body)["code"] = {"coding": [{"system": CPT, "code": cpt}], "text": f"CPT {cpt}"}
    return body


def condition(code: str, system: str = ICD10) -> dict[str, Any]:
    return {
        "resourceType": "Condition", "id": f"cond-{code}",
        "subject": {"reference": "Patient/example-patient-1"},
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
        "code": {"coding": [{"system": system, "code": code}]},
        "onsetDateTime": "2019-01-01",
    }  # fmt: skip


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset",
            "entry": [{"resource": r} for r in resources]}  # fmt: skip


EMPTY_PREFETCH = dict.fromkeys(
    ["patient", "conditions", "temperatures", "medications", "dispenses", "statements",
     "procedures", "questionnaireResponses"]
)  # fmt: skip


def all_answered(value: bool = False) -> dict[str, Any]:
    """A prefetch that answers every seed question `value` in spinewise's questionnaire."""
    from spinewise.rulebook import default_rulebook

    required = [f for f in default_rulebook().policy("seed").required if f != "age"]
    qr = {
        "resourceType": "QuestionnaireResponse", "id": "qr-1", "status": "completed",
        # Answers count for the presentation they were given for: this week's (record_rules.yaml).
        "subject": {"reference": "Patient/example-patient-1"},
        "authored": datetime.now(UTC).date().isoformat(),
        "questionnaire": "http://spinewise.invalid/fhir/Questionnaire/spinewise-red-flags",
        "item": [{"linkId": f, "answer": [{"valueBoolean": value}]} for f in required],
    }  # fmt: skip
    patient = {"resourceType": "Patient", "id": "example-patient-1", "birthDate": "1981-04-02"}
    return EMPTY_PREFETCH | {"patient": patient, "questionnaireResponses": bundle(qr)}


# --- discovery ------------------------------------------------------------------------------


def test_discovery_gives_each_hook_its_own_service_id(cds_client: TestClient) -> None:
    body = cds_client.get("/cds-services").json()
    Discovery.model_validate(body)
    assert {(s["id"], s["hook"]) for s in body["services"]} == {
        ("spinewise-lbp-imaging", "order-sign"),
        ("spinewise-lbp-imaging-select", "order-select"),
    }
    ids = [s["id"] for s in body["services"]]
    assert len(ids) == len(set(ids))
    prefetch = body["services"][0]["prefetch"]
    assert {"patient", "conditions", "temperatures", "medications", "procedures",
            "questionnaireResponses"} <= set(prefetch)  # fmt: skip


def test_an_unknown_service_is_404(call: Callable[..., Any]) -> None:
    assert call(order_sign(), path="/cds-services/nope").status_code == 404


# --- ratings and cards ----------------------------------------------------------------------


def test_nothing_known_asks_for_information_instead_of_cancel(
    call: Callable[..., Any], cds_settings: Settings
) -> None:
    response = call(order_sign()).json()
    CdsResponse.model_validate(response)
    # As documented (low back pain, no red flag) the order is rated not appropriate ...
    assert rating(response) == "not-appropriate"
    (card,) = response["cards"]
    # ... but the card asks the open questions, most urgent first, and offers no "cancel".
    assert card["summary"].startswith("Information needed before lumbar imaging: 15 ")
    assert card["indicator"] == "warning"
    assert "suggestions" not in card
    assert (
        "Ask first: age, saddle anesthesia, bladder dysfunction, bowel dysfunction, leg weakness, and 10 more."
        in card["detail"]
    )
    assert "record was not consulted" in card["detail"]
    assert len(card["overrideReasons"]) <= 10
    (link,) = card["links"]
    assert link["type"] == "absolute" and link["url"].startswith(f"{PUBLIC}/?policy=seed")
    # The page says the same: questions open, nothing decided.
    consult = response["systemActions"][0]["resource"]["extension"][-1]["valueUri"]
    with DecisionLog(cds_settings.log_path) as log:
        entry = log.get(consult.removeprefix("urn:uuid:"))
    assert entry is not None and entry.decision == "incomplete" and entry.channel == "cds-hooks"


def test_all_answered_and_absent_is_not_appropriate_with_cancel_and_a_handout(
    call: Callable[..., Any], cds_client: TestClient
) -> None:
    response = call(order_sign(prefetch=all_answered(False))).json()
    assert rating(response) == "not-appropriate"
    (card,) = response["cards"]
    assert "not appropriate" in card["summary"]
    (suggestion,) = card["suggestions"]
    assert suggestion["actions"] == [
        {"type": "delete", "description": "Delete the draft order for CT lumbar spine without IV contrast",
         "resourceId": "ServiceRequest/order-ct-lumbar-1"}
    ]  # fmt: skip
    assert {r["code"] for r in card["overrideReasons"]} == {
        "red-flag-not-recorded", "failed-conservative-care",
        "surgery-or-intervention-candidate", "specialist-request",
    }  # fmt: skip
    links = {link["label"]: link["url"] for link in card["links"]}
    handout = links["Patient handout: why no scan now"]
    page = cds_client.get(handout.removeprefix(PUBLIC))
    assert page.status_code == 200  # never the old 409
    assert "Your back pain: what to do now" in page.text


def test_maybe_appropriate_study_is_appropriate_with_a_better_one_offered(
    call: Callable[..., Any],
) -> None:
    # History of cancer (ACR variant 7): CT without contrast may be appropriate; MRI without
    # and with contrast is usually appropriate.
    prefetch = EMPTY_PREFETCH | {"conditions": bundle(condition("Z85.46"))}
    response = call(order_sign(prefetch=prefetch)).json()
    assert rating(response) == "appropriate"
    (card,) = order_cards(response)
    assert card["indicator"] == "info"
    (suggestion,) = card["suggestions"]
    (update,) = suggestion["actions"]
    replacement = update["resource"]
    assert replacement["code"]["coding"][0]["code"] == "72158"
    assert rating({"systemActions": [update]}) == "appropriate"  # the new order is rated too


def test_a_study_not_appropriate_for_the_red_flag_is_replaced_by_the_right_one(
    call: Callable[..., Any],
) -> None:
    prefetch = EMPTY_PREFETCH | {"conditions": bundle(condition("Z85.46"))}
    response = call(with_code(order_sign(prefetch=prefetch), "72133")).json()
    assert rating(response) == "not-appropriate"
    (card,) = order_cards(response)
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Red flag (history of cancer): order MRI lumbar spine without and with IV contrast instead"
    )
    update = card["suggestions"][0]["actions"][0]
    assert update["resource"]["code"]["coding"][0]["code"] == "72158"
    assert rating({"systemActions": [update]}) == "appropriate"
    assert {r["code"] for r in card["overrideReasons"]} == {
        "mri-contraindicated",
        "specialist-request",
        "other-study-pending",
    }


def test_cauda_equina_reason_on_a_radiograph_is_critical(call: Callable[..., Any]) -> None:
    body = with_code(order_sign(), "72100")
    order_of(body)["reasonCode"] = [{"coding": [{"system": ICD10, "code": "G83.4"}]}]
    response = call(body).json()
    assert rating(response) == "not-appropriate"
    (card,) = order_cards(response)
    assert card["indicator"] == "critical"
    assert card["suggestions"][0]["actions"][0]["resource"]["code"]["coding"][0]["code"] == "72148"


@pytest.mark.parametrize("cpt", ["72148", "72158"])
def test_a_usually_appropriate_study_is_rated_appropriate_without_a_card(
    call: Callable[..., Any], cpt: str
) -> None:
    prefetch = EMPTY_PREFETCH | {"conditions": bundle(condition("Z85.46"))}
    response = call(with_code(order_sign(prefetch=prefetch), cpt)).json()
    assert rating(response) == "appropriate"
    assert order_cards(response) == []


def test_non_lumbar_orders_get_no_cards(call: Callable[..., Any]) -> None:
    assert call(with_code(order_sign(), "70450")).json() == {"cards": []}


def test_another_spine_region_is_rated_only_with_a_low_back_pain_reason(
    call: Callable[..., Any],
) -> None:
    prefetch = EMPTY_PREFETCH | {"conditions": bundle(condition("Z85.46"))}
    body = with_code(order_sign(prefetch=prefetch), "72141")  # MRI cervical spine
    del order_of(body)["reasonCode"]
    assert call(body).json() == {"cards": []}
    body = with_code(order_sign(prefetch=prefetch), "72141")
    response = call(body).json()
    assert rating(response) == "not-appropriate"
    assert "MRI cervical spine is not a study" in order_cards(response)[0]["detail"]


def test_order_select_has_its_own_service_and_rates_only_the_selections(
    call: Callable[..., Any],
) -> None:
    body = order_sign(hook="order-select")
    body["context"]["selections"] = ["ServiceRequest/some-other-order"]
    assert call(body, path=SELECT).json() == {"cards": []}
    body["context"]["selections"] = ["ServiceRequest/order-ct-lumbar-1"]
    assert rating(call(body, path=SELECT).json()) == "not-appropriate"
    # The service's id decides the hook: order-sign rates every draft order, whatever the
    # body says (the CDS Hooks sandbox labels calls with its screen's hook).
    body["context"]["selections"] = ["ServiceRequest/some-other-order"]
    assert rating(call(body, path=SIGN).json()) == "not-appropriate"
    # A hook that is not about orders gets no cards.
    assert call(order_sign(hook="patient-view"), path=SIGN).json() == {"cards": []}


def test_no_indication_gives_no_rating_but_asks_for_it(call: Callable[..., Any]) -> None:
    body = order_sign()
    del order_of(body)["reasonCode"]
    response = call(body).json()
    assert "systemActions" not in response
    assert response["cards"][0]["summary"].startswith("Add the reason")


def test_card_source_has_a_url_and_an_icon_served_by_the_app(
    call: Callable[..., Any], cds_client: TestClient
) -> None:
    (card,) = call(order_sign()).json()["cards"]
    source = card["source"]
    assert source["label"] == "spinewise (seed policy)"
    assert source["url"] == f"{PUBLIC}/"
    icon = cds_client.get(source["icon"].removeprefix(PUBLIC))
    assert icon.status_code == 200 and icon.content.startswith(b"\x89PNG")
    assert icon.content[16:24] == (100).to_bytes(4, "big") * 2  # 100 x 100


def test_order_text_is_escaped_before_it_enters_markdown(call: Callable[..., Any]) -> None:
    body = order_sign()
    order_of(body)["code"] = {"text": "<img src=x onerror=alert(1)> **now**",
                              "coding": [{"system": CPT, "code": "72131",
                                          "display": "<script>alert(1)</script>"}]}  # fmt: skip
    # The order comes back as it was in the rating (FHIR, not Markdown); the cards' words do not
    # carry its text.
    text = json.dumps([(c["summary"], c["detail"]) for c in call(body).json()["cards"]])
    assert "<img" not in text and "<script>" not in text and "**now**" not in text
    assert markdown_escape("<b>x</b> *y* [z](u)") == r"\<b\>x\</b\> \*y\* \[z\]\(u\)"


def test_with_smart_configured_the_page_link_is_a_smart_launch(
    cds_settings: Settings, keys: Keys
) -> None:
    from spinewise.api import create_app

    settings = Settings(
        log_path=cds_settings.log_path,
        public_url=PUBLIC,
        cds_trusted_issuers=cds_settings.cds_trusted_issuers,
        smart_clients={"https://fhir.ehr.example.org/r4": {"client_id": "spinewise"}},
        dev_allow_http=True,  # the test's public URL is http://testserver
    )
    with TestClient(create_app(settings)) as client:
        token = keys.token(aud=PUBLIC + SIGN)
        response = client.post(
            SIGN, json=order_sign(), headers={"Authorization": f"Bearer {token}"}
        )
    (link,) = response.json()["cards"][0]["links"]
    assert link["type"] == "smart" and link["url"] == f"{PUBLIC}/smart/launch"
    context = json.loads(link["appContext"])
    assert context["policy"] == "seed" and context["assessment"]


def test_sandbox_mirror_of_the_rating(cds_settings: Settings, keys: Keys) -> None:
    from spinewise.api import create_app

    settings = cds_settings.model_copy(update={"cds_sandbox_compat": True})
    with TestClient(create_app(settings)) as client:
        token = keys.token(aud=PUBLIC + SIGN)
        response = client.post(
            SIGN, json=order_sign(), headers={"Authorization": f"Bearer {token}"}
        ).json()
    assert response["extension"]["systemActions"] == response["systemActions"]


# --- bad input: a named field, never a 500 --------------------------------------------------


def test_malformed_request_is_400(call: Callable[..., Any]) -> None:
    response = call({"hook": "order-sign"})
    assert response.status_code == 400
    assert "context" in response.json()["detail"]


def test_json_nested_3000_deep_is_400(cds_client: TestClient, keys: Keys) -> None:
    token = keys.token(aud=PUBLIC + SIGN)
    deep = '{"hook": "order-sign", "context": ' + "[" * 3000 + "]" * 3000 + "}"
    response = cds_client.post(SIGN, content=deep, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_json_nested_3000_deep_on_assess_fhir_is_422_not_500(cds_client: TestClient) -> None:
    deep = '{"resourceType": "Bundle", "entry": ' + "[" * 3000 + "]" * 3000 + "}"
    response = cds_client.post("/api/v1/assess/fhir", content=deep,
                               headers={"Content-Type": "application/fhir+json"})  # fmt: skip
    assert response.status_code == 422
    assert "recursion limit" in response.json()["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("prefetch", "field"),
    [
        (
            {"patient": {"resourceType": "Patient", "id": "p", "birthDate": "9999"}},
            "Patient/p: birthDate: in the future",
        ),
        (
            {"patient": {"resourceType": "Patient", "id": "p", "birthDate": "1880-01-01"}},
            "Patient/p: birthDate: an age of",
        ),
        ({"patient": {"resourceType": "Patient", "id": "p", "birthDate": 1971}}, "birthDate"),
        ({"conditions": "not a bundle"}, "prefetch.conditions"),
        ({"conditions": {"resourceType": "Bundle", "entry": {"x": 1}}}, "entry"),
    ],
    ids=[
        "birthDate 9999",
        "birthDate 1880",
        "birthDate a number",
        "prefetch a string",
        "entry not a list",
    ],
)
def test_malformed_prefetch_is_422_with_an_operation_outcome(
    call: Callable[..., Any], prefetch: dict[str, Any], field: str
) -> None:
    response = call(order_sign(prefetch=EMPTY_PREFETCH | prefetch))
    assert response.status_code == 422
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert field in json.dumps(outcome)


def test_order_code_given_as_a_string_is_422_naming_it(call: Callable[..., Any]) -> None:
    body = order_sign()
    order_of(body)["code"] = "72148"
    response = call(body)
    assert response.status_code == 422
    assert "ServiceRequest/order-ct-lumbar-1: code" in response.json()["issue"][0]["diagnostics"]


# --- feedback -------------------------------------------------------------------------------


def feedback_rows(settings: Settings) -> list[dict[str, Any]]:
    with DecisionLog(settings.log_path) as log:
        assert log.verify().ok
        return [json.loads(e.details or "{}") for e in log.entries() if e.kind == "feedback"]


def test_feedback_stores_only_the_specifications_fields(
    call: Callable[..., Any], cds_settings: Settings
) -> None:
    item = {"card": "card-1", "outcome": "overridden", "outcomeTimestamp": "2026-01-02T03:04:05Z",
            "overrideReason": {"reason": {"code": "failed-conservative-care",
                                          "system": "https://example.org/override",
                                          "display": "John Smith MRN 12345"},
                               "userComment": "Patient John Smith, MRN 12345, insists"},
            "patientName": "John Smith", "mrn": "12345"}  # fmt: skip
    feedback = f"{SIGN}/feedback"
    assert call({"feedback": [item]}, path=feedback).status_code == 200
    (row,) = feedback_rows(cds_settings)
    assert row == {"card": "card-1", "outcome": "overridden",
                   "outcomeTimestamp": "2026-01-02T03:04:05+00:00",
                   "overrideReason": {"reason": {"code": "failed-conservative-care",
                                                 "system": "https://example.org/override"}},
                   "key": "card-1:overridden"}  # fmt: skip
    assert "12345" not in json.dumps(row) and "Smith" not in json.dumps(row)


def test_feedback_comments_only_behind_the_setting(cds_settings: Settings, keys: Keys) -> None:
    from spinewise.api import create_app

    settings = cds_settings.model_copy(update={"cds_feedback_comments": True})
    item = {"card": "card-2", "outcome": "overridden", "outcomeTimestamp": "2026-01-02T03:04:05Z",
            "overrideReason": {"userComment": "seen by spine surgeon"}}  # fmt: skip
    with TestClient(create_app(settings)) as client:
        token = keys.token(aud=f"{PUBLIC}{SIGN}/feedback")
        assert client.post(f"{SIGN}/feedback", json={"feedback": [item]},
                           headers={"Authorization": f"Bearer {token}"}).status_code == 200  # fmt: skip
    assert feedback_rows(settings)[0]["overrideReason"] == {"userComment": "seen by spine surgeon"}


@pytest.mark.parametrize("card", ["John Smith", "x" * 200, ""])
def test_feedback_card_id_that_is_not_an_id_is_400(call: Callable[..., Any], card: str) -> None:
    item = {"card": card, "outcome": "accepted", "outcomeTimestamp": "2026-01-02T03:04:05Z"}
    response = call({"feedback": [item]}, path=f"{SIGN}/feedback")
    assert response.status_code == 400
    assert "feedback.0.card" in response.json()["detail"]


# --- every published example (shared material) ----------------------------------------------


def test_there_are_examples_to_replay() -> None:
    shared(EXAMPLES_DIR)
    assert len(REQUESTS) >= 30


@pytest.mark.parametrize(("name", "body"), REQUEST_CASES, ids=[r[0] for r in REQUESTS] or None)
def test_every_example_request_is_accepted_with_a_valid_response(
    call: Callable[..., Any], name: str, body: dict[str, Any]
) -> None:
    path = SELECT if body["hook"] == "order-select" else SIGN
    response = call(body, path=path)
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


def test_published_card_fragment_fits() -> None:
    Card.model_validate(
        load(
            shared(
                f"{EXAMPLES_DIR}/hooks-library/examples-02-cdc-guideline-for-prescribing-opioids-fo.json"
            )
        )
        | {"source": {"label": "x"}}
    )


def test_pama_pack_ct_lumbar_for_low_back_pain_is_rated_not_appropriate(
    call: Callable[..., Any],
) -> None:
    # The pack's scenario: CT lumbar spine (72133) for low back pain, no red flag documented,
    # sent on order-select.
    body = load(shared(f"{PAMA}/scenario-01-outbound-request.json"))
    response = call(body, path=SELECT).json()
    assert rating(response) == "not-appropriate"
    (card,) = response["cards"]
    assert card["summary"].startswith("Information needed")
    (action,) = response["systemActions"]
    assert action["type"] == "update" and action["resource"]["id"] == "example-MRI-59879846"


@pytest.mark.parametrize(
    "path", shared_params(EXAMPLES_DIR, "index-2[234]-*.json"), ids=lambda p: p.name
)
def test_published_feedback_is_stored_once(
    call: Callable[..., Any], cds_settings: Settings, path: Path
) -> None:
    body = load(path)
    FeedbackRequest.model_validate(body)
    feedback = f"{SIGN}/feedback"
    assert call(body, path=feedback).status_code == 200
    assert call(body, path=feedback).status_code == 200  # sent twice: stored once
    rows = feedback_rows(cds_settings)
    assert len(rows) == len(body["feedback"])
    assert rows[0]["outcome"] == body["feedback"][0]["outcome"]
    reason = body["feedback"][0].get("overrideReason")
    if reason:
        assert rows[0]["overrideReason"] == {"reason": reason["reason"]}  # no userComment


def _years_ago(years: int, plus_days: int = 0) -> str:
    today = datetime.now(UTC).date()
    try:
        then = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        then = today.replace(year=today.year - years, day=28)
    return (then + timedelta(days=plus_days)).isoformat()


@pytest.mark.parametrize(
    ("birth", "child"),
    [(_years_ago(12), True), (_years_ago(18, plus_days=1), True), (_years_ago(18), False)],
    ids=["12", "18 tomorrow", "18 today"],
)
def test_a_child_gets_no_rating_and_a_card_that_says_why(
    call: Callable[..., Any], cds_settings: Settings, birth: str, child: bool
) -> None:
    patient = {"resourceType": "Patient", "id": "child-1", "birthDate": birth}
    response = call(order_sign(prefetch=EMPTY_PREFETCH | {"patient": patient}))
    assert response.status_code == 200, response.text
    data = response.json()
    with DecisionLog(cds_settings.log_path) as log:
        decided = [e for e in log.entries() if e.kind != "feedback"]
    if not child:  # an adult's order is rated, and the decision logged
        assert data["systemActions"] and len(decided) == 1
        return
    (card,) = data["cards"]
    assert card["indicator"] == "info"
    assert card["summary"].startswith("Not rated: spinewise is for adults (18 to 120)")
    assert "CT lumbar spine" in card["detail"] and "suggestions" not in card
    assert not data.get("systemActions")  # no PAMA rating on the order
    assert decided == []  # nothing decided, so nothing logged


def test_a_possible_child_is_not_rated_and_one_card_serves_every_order(
    call: Callable[..., Any], cds_settings: Settings
) -> None:
    # A birth year alone that makes the patient 17 or 18 today: maybe a child, so not rated.
    year = datetime.now(UTC).date().year - 18
    patient = {"resourceType": "Patient", "id": "child-2", "birthDate": str(year)}
    body = order_sign(prefetch=EMPTY_PREFETCH | {"patient": patient})
    orders = body["context"]["draftOrders"]["entry"]
    orders.append(copy.deepcopy(orders[0]))
    orders[1]["resource"]["id"] = "second-order"
    response = call(body)
    assert response.status_code == 200, response.text
    data = response.json()
    (card,) = data["cards"]  # one card for the request, not one per order
    assert card["summary"].startswith("Not rated") and "17 or 18" in card["summary"]
    assert not data.get("systemActions")
    with DecisionLog(cds_settings.log_path) as log:
        assert [e for e in log.entries() if e.kind != "feedback"] == []
