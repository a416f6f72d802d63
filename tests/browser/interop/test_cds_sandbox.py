"""The real CDS Hooks sandbox (the EHR's CDS screens an integrator tries first), driven by
chromium: it discovers spinewise's two services, calls order-select and order-sign for a lumbar
imaging order, signs every call with its ES384 key (trusted in the test's settings), shows
spinewise's cards and PAMA rating, and accepting a suggestion works in its UI. Launched from the
SMART launcher it sends `fhirServer` and `fhirAuthorization`, and spinewise fetches what the
sandbox could not prefetch from that allow-listed server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from spinewise.decision_log import DecisionLog
from tests.browser.conftest import shot
from tests.browser.interop.conftest import Patient, Server, Spinewise, launch_code

SIGN = "spinewise-lbp-imaging"
SELECT = "spinewise-lbp-imaging-select"
CT_WITHOUT_AND_WITH = "lumbar spine; without contrast material, followed"
#: The sandbox's PAMA screen has no sign button in this build: its order-sign trigger handler
#: (`pama/order-sign`) runs on the store action a sign button would dispatch.
SIGN_ORDER = """() => {
  const root = document.getElementById('root');
  const key = Object.keys(root).find(k => k.startsWith('__reactContainer'));
  const stack = [root[key]];
  while (stack.length) {
    const fiber = stack.pop();
    if (!fiber) continue;
    if (fiber.memoizedProps && fiber.memoizedProps.store) {
      fiber.memoizedProps.store.dispatch({type: 'TRIGGER_ORDER_SIGN'});
      return true;
    }
    stack.push(fiber.child, fiber.sibling);
  }
  return false;
}"""


class Calls:
    """The CDS Hooks calls the sandbox made to spinewise, with their answers."""

    def __init__(self, page: Page, spinewise: Spinewise) -> None:
        self.sent: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self.discovered = False

        def on_request(request: Request) -> None:
            if not request.url.startswith(spinewise.url):
                return
            if request.url.endswith("/cds-services"):
                self.discovered = True
            elif request.method == "POST" and "/cds-services/" in request.url:
                service = request.url.rsplit("/cds-services/", 1)[1]
                self.sent.append((service, json.loads(request.post_data or "{}"), request.headers))

        page.on("request", on_request)

    def to(self, service: str) -> list[dict[str, Any]]:
        return [body for name, body, _ in self.sent if name == service]


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def rating_box(tab: Page) -> Any:
    return tab.locator("[class*=rating-box]")


def choose_order(tab: Page, study: str, reason: str) -> None:
    tab.get_by_text("Search orders").click()
    tab.keyboard.type("lumbar")
    tab.locator("[id*=option]", has_text=study).first.click()
    tab.get_by_text("Search reasons").click()
    tab.keyboard.type(reason)
    tab.locator("[id*=option]", has_text="Low back pain (finding)").first.click()


def test_sandbox_discovers_calls_both_services_and_accepts_a_suggestion(
    tab: Page, sandbox: str, spinewise: Spinewise, fhir_server: Server,
    patients: dict[str, Patient],
) -> None:  # fmt: skip
    calls = Calls(tab, spinewise)
    patient = patients["cancer"]
    tab.goto(f"{sandbox}/?fhirServiceUrl={fhir_server.url}&patientId={patient.id}"
             f"&serviceDiscoveryURL={spinewise.url}/cds-services&hook=order-select&screen=pama")  # fmt: skip
    choose_order(tab, CT_WITHOUT_AND_WITH, "low back")
    # A CT without and with contrast for a patient with metastatic cancer: not the study.
    card = tab.locator("text=Red flag (history of cancer").first
    expect(card).to_be_visible(timeout=15000)
    expect(rating_box(tab)).to_contain_text("PAMA Rating: not-appropriate")
    assert calls.discovered and calls.to(SELECT)
    assert all(headers["authorization"].startswith("Bearer ey") for _, _, headers in calls.sent)
    shot(tab, "sandbox-card")
    # The sandbox's order-sign trigger calls the order-sign service for the same order.
    assert tab.evaluate(SIGN_ORDER)
    tab.wait_for_timeout(500)
    expect(rating_box(tab)).to_contain_text("PAMA Rating: not-appropriate")
    (signed,) = calls.to(SIGN)
    assert (
        signed["context"]["draftOrders"]["entry"][0]["resource"]["code"]["coding"][0]["code"]
        == "72133"
    )
    # Accept "Order MRI ... instead": the sandbox swaps in spinewise's rated order.
    tab.get_by_role(
        "button", name="Order MRI lumbar spine without and with IV contrast instead"
    ).first.click()
    expect(rating_box(tab)).to_contain_text("PAMA Rating: appropriate", timeout=15000)
    expect(tab.get_by_text("MRI lumbar spine without and with IV contrast").first).to_be_visible()
    shot(tab, "sandbox-suggestion-accepted")
    # The acceptance came back as feedback, stored once with the spec's fields only.
    tab.wait_for_timeout(1000)
    with DecisionLog(spinewise.log_path) as log:
        feedback = [json.loads(e.details or "{}") for e in log.entries() if e.kind == "feedback"]
    assert any(f["outcome"] == "accepted" and f.get("acceptedSuggestions") for f in feedback)
    assert calls.to(f"{SELECT}/feedback") or calls.to(f"{SIGN}/feedback")


def test_smart_launched_sandbox_lets_spinewise_fetch_what_it_could_not_prefetch(
    tab: Page, sandbox: str, spinewise: Spinewise, launcher: Server,
    patients: dict[str, Patient],
) -> None:  # fmt: skip
    calls = Calls(tab, spinewise)
    patient = patients["cancer"]
    iss = f"{launcher.url}/v/r4/fhir"
    tab.goto(f"{sandbox}/")
    # URL parameters do not survive the OAuth redirect: the services are preloaded the way
    # the sandbox persists them.
    tab.evaluate("""(url) => {
        localStorage.setItem('PERSISTED_cdsServices', JSON.stringify([url]));
        localStorage.setItem('PERSISTED_hook', 'order-select');
        localStorage.setItem('PERSISTED_screen', 'pama');
    }""", f"{spinewise.url}/cds-services")  # fmt: skip

    # The sandbox's own prefetch of Conditions fails (as an EHR's may): spinewise must read them.
    def refuse(route: Route) -> None:
        route.abort()

    tab.route("**/v/r4/fhir/Condition**", refuse)
    # The sandbox's SMART client predates PKCE: its launch code says "no PKCE".
    tab.goto(f"{sandbox}/launch.html?iss={iss}&launch={launch_code(patient, pkce=0)}")
    expect(tab.get_by_text("Search orders")).to_be_visible(timeout=20000)
    choose_order(tab, CT_WITHOUT_AND_WITH, "low back")
    expect(tab.locator("text=Red flag (history of cancer").first).to_be_visible(timeout=15000)
    shot(tab, "sandbox-smart-launched")
    bodies = calls.to(SELECT)
    assert bodies
    body = bodies[-1]
    assert body["fhirServer"] == iss
    assert body["fhirAuthorization"]["token_type"] == "Bearer"
    assert "conditions" not in (body.get("prefetch") or {})
    # The history of cancer is only in the Conditions: spinewise fetched them from the
    # launcher (allow-listed for the sandbox's issuer) with the sandbox's access token.
    with DecisionLog(spinewise.log_path) as log:
        inputs = [json.loads(e.inputs or "{}") for e in log.entries() if e.channel == "cds-hooks"]
    assert inputs[-1]["findings"].get("history_of_cancer") is True
