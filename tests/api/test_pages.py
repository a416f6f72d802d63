"""The clinician's page without JavaScript, and the patient handout (HTML and PDF)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import textstat
from fastapi.testclient import TestClient
from pypdf import PdfReader

from spinewise import assess, default_rulebook
from spinewise.handout import handout_for
from spinewise.model import when_ids
from tests.conftest import VIGNETTES, load_yaml

RB = default_rulebook()


def radios(html: str, finding: str) -> dict[str, bool]:
    """value → checked, for one finding's radio buttons."""
    found = re.findall(rf'<input type="radio" name="{finding}" value="(\w+)" (checked)?', html)
    return {value: bool(checked) for value, checked in found}


def banner(html: str) -> str:
    match = re.search(r'<span class="decision">([^<]+)</span>', html)
    assert match, "no banner"
    return match.group(1)


@pytest.mark.parametrize("policy", ["seed", "acr"])
def test_form_asks_every_question_of_the_policy_with_unknown_preselected(
    client: TestClient, policy: str
) -> None:
    html = client.get(f"/?policy={policy}").text
    pol = RB.policy(policy)
    used = {ref for rule in pol.rules for ref in when_ids(rule.when)} | set(pol.required)
    for fid in RB.findings:
        if fid in used:
            assert radios(html, fid) == {"yes": False, "no": False, "unknown": True}, fid
            assert f"<legend>{RB.findings[fid].question}" in html
        else:
            assert radios(html, fid) == {}, fid
    assert '<label for="age">' in html
    for group in (
        "Cauda equina syndrome",
        "Spinal epidural abscess",
        "Vertebral compression fracture",
    ):
        assert f">{group}</h2>" in html
    assert "The decision appears here" in html


def test_questions_are_grouped_by_the_condition_they_screen(client: TestClient) -> None:
    html = client.get("/").text
    ces = html.index(">Cauda equina syndrome</h2>")
    cancer = html.index(">Cancer (spinal metastasis)</h2>")
    assert ces < html.index('name="saddle_anesthesia"') < cancer
    assert cancer < html.index('name="history_of_cancer"')


def test_submit_shows_decision_reasons_and_handout_link(client: TestClient) -> None:
    html = client.post("/", data={"age": "62", "history_of_cancer": "yes", "policy": "seed"}).text
    assert banner(html) == "Image now and refer"
    assert "Cancer (spinal metastasis)" in html
    assert "33% (95% CI 22-46)" in html  # the evidence figure beside its flag
    assert "MRI lumbar spine without and with IV contrast" in html
    assert re.search(r'href="/handout/[0-9a-f-]{36}"', html)
    # The answers stay in the form, and the still-open questions are highlighted.
    assert radios(html, "history_of_cancer")["yes"]
    assert 'class="question unanswered" id="q-saddle_anesthesia"' in html


def test_every_question_answered_no_gives_conservative(client: TestClient) -> None:
    data = dict.fromkeys(RB.findings, "no") | {"age": "35"}
    html = client.post("/", data=data).text
    assert banner(html) == "No imaging now: conservative care for 4-6 weeks"
    assert "unanswered" not in re.sub(r"unanswered-list", "", html.split('id="result"')[0])


def test_unknown_answers_leave_it_open(client: TestClient) -> None:
    data = dict.fromkeys(RB.findings, "no") | {"age": "35", "fever": "unknown"}
    html = client.post("/", data=data).text
    assert banner(html) == "Questions still open: not decided"
    assert 'class="question unanswered" id="q-fever"' in html
    assert 'href="#q-fever"' in html
    assert "/handout/" not in html


def test_policies_disagreeing_are_shown_side_by_side(client: TestClient) -> None:
    data = dict.fromkeys(RB.findings, "no") | {"age": "40", "paresthesia": "yes"}
    html = client.post("/", data=data | {"policy": "seed"}).text
    assert banner(html) == "Image now and refer"
    assert "The acr policy disagrees:" in html
    agree = client.post("/", data={"age": "40", "saddle_anesthesia": "yes"}).text
    assert "policy disagrees" not in agree


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"age": "sixty"}, "Age: &#39;sixty&#39; is not a number of years"),
        ({"age": "130"}, "age: Input should be less than or equal to 120"),
        ({"fever": "maybe"}, "fever: answer yes, no or unknown"),
        ({"setting": "moon"}, "setting: Input should be"),
    ],
)
def test_bad_answers_name_the_field_and_keep_the_form(
    client: TestClient, data: dict[str, str], problem: str
) -> None:
    response = client.post("/", data=data | {"leg_weakness": "yes"})
    assert response.status_code == 422
    assert problem in response.text
    assert radios(response.text, "leg_weakness")["yes"]


def test_page_prefills_from_the_query(client: TestClient) -> None:
    html = client.get("/?age=58&fever=yes&leg_weakness=no&policy=acr").text
    assert 'value="58"' in html
    assert radios(html, "fever")["yes"] and radios(html, "leg_weakness")["no"]
    assert '<option value="acr" selected>' in html


def test_fragment_for_javascript(client: TestClient) -> None:
    response = client.post(
        "/", data={"age": "40", "bowel_dysfunction": "yes"}, headers={"X-Fragment": "result"}
    )
    assert response.text.lstrip().startswith('<div class="banner banner-image"')
    assert "<form" not in response.text


def handout_id(client: TestClient, data: dict[str, str]) -> str:
    html = client.post("/", data=data).text
    match = re.search(r'href="/handout/([0-9a-f-]{36})"', html)
    assert match
    return match.group(1)


def test_conservative_handout_html_and_pdf(client: TestClient) -> None:
    hid = handout_id(client, dict.fromkeys(RB.findings, "no") | {"age": "35"})
    html = client.get(f"/handout/{hid}").text
    assert "Your back pain: what to do now" in html
    for must in (
        "Keep moving",
        "4 to 6 weeks",
        "Come back today if you notice",
        "Numbness between your legs",
    ):
        assert must in html
    pdf = client.get(f"/handout/{hid}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Come back today if you notice" in text
    assert "Try not to stay in bed" in text


def test_image_handout_explains_the_scan(client: TestClient) -> None:
    hid = handout_id(client, {"age": "40", "saddle_anesthesia": "yes"})
    html = client.get(f"/handout/{hid}").text
    assert "Why you need a scan now" in html
    assert "Pressure on the nerves at the bottom of your spine" in html
    assert "Please go for the scan today" in html
    assert "MRI lumbar spine without IV contrast" in html


def test_no_handout_while_questions_are_open_or_for_an_unknown_id(client: TestClient) -> None:
    html = client.post("/", data={"age": "40"}).text
    assert "/handout/" not in html
    assert client.get("/handout/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/handout/nope.pdf").status_code == 404


def test_handout_for_an_open_assessment_leads_back_to_the_questions(client: TestClient) -> None:
    body = {"age": 40, "findings": {"fever": False}}
    assessment_id = client.post("/api/v1/assess", json=body).json()["assessment_id"]
    response = client.get(f"/handout/{assessment_id}")
    assert response.status_code == 409
    assert 'href="/?policy=seed&amp;age=40&amp;fever=no"' in response.text


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_every_handout_reads_at_grade_6_to_8(path: Path) -> None:
    """Flesch-Kincaid grade of every handout the vignettes produce, under both policies."""
    presentation = load_yaml(path)["presentation"]
    for policy in ("seed", "acr"):
        view = handout_for(assess(presentation, policy), RB)
        if view is None:
            continue  # incomplete: no handout
        grade = textstat.flesch_kincaid_grade(view.plain_text())
        assert 6 <= grade <= 8, f"{policy}: Flesch-Kincaid grade {grade:.1f}"
