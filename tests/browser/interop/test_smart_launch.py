"""SMART App Launch as an EHR does it: the smart-launcher-v2 authorization server in front of a
sekmet-fhir server with Synthea patients, spinewise registered as a public client, and the
browser (Debian chromium) from the EHR launch to the page pre-filled from the chart."""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from spinewise.decision_log import DecisionLog
from tests.browser.conftest import shot
from tests.browser.interop.conftest import (
    Patient,
    Server,
    Spinewise,
    confidential_iss,
    launch_code,
    standalone_iss,
)
from tests.cds.test_auth import Loopback


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def assessments(spinewise: Spinewise) -> list[str]:
    with DecisionLog(spinewise.log_path) as log:
        return [e.channel for e in log.entries() if e.kind == "assessment"]


def test_ehr_launch_opens_the_page_pre_filled_from_the_chart(
    tab: Page, spinewise: Spinewise, launcher: Server, patients: dict[str, Patient],
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    patient = patients["cancer"]
    iss = f"{launcher.url}/v/r4/fhir"
    before = assessments(spinewise)
    seen: list[str] = []
    tab.on("request", lambda request: seen.append(request.url))
    with caplog.at_level(logging.DEBUG):
        # The EHR opens the app's launch URL with its iss and a launch code.
        tab.goto(f"{spinewise.url}/smart/launch?iss={iss}&launch={launch_code(patient)}")
        expect(tab.locator("#chart-status")).to_contain_text("Pre-filled from the EHR chart")
    assert tab.url == f"{spinewise.url}/smart/patient"  # the code left the address bar
    # The browser went through the launcher's authorize endpoint with PKCE S256.
    authorize = next(u for u in seen if "/auth/authorize" in u)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["aud"] == [iss]
    assert query["launch"] == [launch_code(patient)]
    assert query["redirect_uri"] == [f"{spinewise.url}/smart/callback"]
    expect(tab.locator("#chart-patient")).to_contain_text("Pulido")
    # Coded history of metastatic cancer: pre-filled yes, with the resource it came from.
    cancer = tab.locator("#q-history_of_cancer")
    expect(cancer.locator("input[value=yes]")).to_be_checked()
    expect(cancer.locator(".from-chart")).to_contain_text("Condition/")
    # Today's note denies saddle anaesthesia: pre-filled no, with the words; last year's note
    # (numbness in the saddle area) is too old to count either way.
    saddle = tab.locator("#q-saddle_anesthesia")
    expect(saddle.locator("input[value=no]")).to_be_checked()
    expect(saddle.locator(".from-chart")).to_contain_text("Denies saddle anesthesia")
    expect(tab.locator("#age")).not_to_have_value("")
    # Unknown stays unknown.
    expect(tab.locator("#q-fever input[value=unknown]")).to_be_checked()
    shot(tab, "smart-launch-prefilled")
    # Nothing is assessed until the clinician confirms.
    assert assessments(spinewise) == before
    tab.get_by_role("button", name="Assess").click()
    expect(tab.locator("#banner")).to_have_attribute("data-decision", "image")
    assert assessments(spinewise) == [*before, "page"]
    shot(tab, "smart-launch-assessed")
    # The session cookie is all the browser holds: HttpOnly, SameSite, no token.
    (cookie,) = [c for c in tab.context.cookies() if c["name"] == "spinewise_smart"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/smart"
    html = tab.content()
    assert "access_token" not in html and "eyJ" not in html
    assert "eyJ" not in caplog.text  # no token (a JWT) in any log line
    assert patient.id not in caplog.text  # nor the patient id


def test_the_page_without_a_session_says_to_launch_again(spinewise: Spinewise) -> None:
    response = httpx.get(f"{spinewise.url}/smart/patient")
    assert response.status_code == 401
    assert "launch again" in response.text


def test_an_unregistered_iss_is_400_and_nothing_is_called(spinewise: Spinewise) -> None:
    with Loopback({}) as ehr:
        response = httpx.get(f"{spinewise.url}/smart/launch",
                             params={"iss": f"{ehr.url}/fhir", "launch": "x"})  # fmt: skip
        assert response.status_code == 400
        assert "not registered" in response.text
        assert ehr.seen == []


def test_the_authorization_request_carries_pkce_state_launch_and_aud(
    spinewise: Spinewise, launcher: Server
) -> None:
    iss = f"{launcher.url}/v/r4/fhir"
    response = httpx.get(f"{spinewise.url}/smart/launch", params={"iss": iss, "launch": "abc"})
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}"
        == f"{launcher.url}/v/r4/auth/authorize"
    )
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["response_type"] == "code" and query["client_id"] == "spinewise-test"
    assert query["scope"] == "launch openid fhirUser patient/*.rs"
    assert query["launch"] == "abc" and query["aud"] == iss and len(query["state"]) >= 32
    assert query["code_challenge_method"] == "S256"
    assert len(base64.urlsafe_b64decode(query["code_challenge"] + "==")) == len(
        hashlib.sha256().digest()
    )
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/smart" in cookie
    assert query["state"] not in cookie  # the state is checked against the server-side session


def test_a_callback_with_another_state_is_refused(spinewise: Spinewise, launcher: Server) -> None:
    iss = f"{launcher.url}/v/r4/fhir"
    with httpx.Client(base_url=spinewise.url) as client:
        started = client.get("/smart/launch", params={"iss": iss, "launch": "abc"})
        assert started.status_code == 302
        response = client.get("/smart/callback", params={"code": "x", "state": "forged"})
    assert response.status_code == 400
    assert "state does not match" in response.text


def test_a_callback_without_the_launch_cookie_is_refused(spinewise: Spinewise) -> None:
    response = httpx.get(f"{spinewise.url}/smart/callback", params={"code": "x", "state": "y"})
    assert response.status_code == 400


def test_standalone_launch_asks_for_the_patient_scope_and_opens_the_page(
    tab: Page, spinewise: Spinewise, launcher: Server, patients: dict[str, Patient]
) -> None:
    patient = patients["control"]
    seen: list[str] = []
    tab.on("request", lambda request: seen.append(request.url))
    # No `launch`: the app is opened outside the EHR and asks for a patient to be chosen (the
    # launcher's simulated picker has chosen one).
    tab.goto(f"{spinewise.url}/smart/launch?iss={standalone_iss(launcher, patient)}")
    expect(tab.locator("#chart-status")).to_contain_text("Pre-filled from the EHR chart")
    authorize = next(u for u in seen if "/auth/authorize" in u)
    query = parse_qs(urlsplit(authorize).query)
    assert "launch" not in query and query["scope"] == [
        "launch/patient openid fhirUser patient/*.rs"
    ]
    expect(tab.locator("#chart-patient")).to_contain_text("Kreiger")
    # The control patient's chart says nothing about the red flags: every one stays unknown.
    expect(tab.locator("#q-history_of_cancer input[value=unknown]")).to_be_checked()
    expect(tab.locator("#q-saddle_anesthesia input[value=unknown]")).to_be_checked()


def test_a_confidential_client_sends_its_secret(
    tab: Page, spinewise: Spinewise, launcher: Server, patients: dict[str, Patient]
) -> None:
    patient = patients["cancer"]
    iss = confidential_iss(launcher, patient)
    tab.goto(
        f"{spinewise.url}/smart/launch?iss={iss}&launch={launch_code(patient, confidential=True)}"
    )
    expect(tab.locator("#chart-status")).to_contain_text("Pre-filled from the EHR chart")
    expect(tab.locator("#q-history_of_cancer input[value=yes]")).to_be_checked()
