"""The clinician's page without JavaScript, and the patient handout (HTML and PDF)."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from spinewise import default_rulebook
from spinewise.model import when_ids

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
    assert re.search(r'href="/handout/[0-9a-f-]{36}\?lang=en"', html)
    assert re.search(r'href="/handout/[0-9a-f-]{36}\?lang=es"', html)
    # The answers stay in the form, and the still-open questions are highlighted.
    assert radios(html, "history_of_cancer")["yes"]
    assert 'class="question unanswered ask-first" id="q-saddle_anesthesia"' in html


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
        ({"age": "130"}, "Age: spinewise is for adults: give an age from 18 to 120 years, not 130"),
        ({"age": "12"}, "Age: spinewise is for adults: give an age from 18 to 120 years, not 12"),
        (
            {"fever": "maybe"},
            "Fever (measured 38.0 °C or more, or reported fevers): answer yes, no or unknown",
        ),
        ({"setting": "moon"}, "Setting: Input should be"),
    ],
)
def test_bad_answers_name_the_field_and_keep_the_form(
    client: TestClient, data: dict[str, str], problem: str
) -> None:
    response = client.post("/", data=data | {"leg_weakness": "yes"})
    assert response.status_code == 422
    assert problem in response.text
    assert radios(response.text, "leg_weakness")["yes"]
    # The same words in the fragment the page's script shows (JavaScript on), in the banner.
    fragment = client.post("/", data=data, headers={"X-Fragment": "result"})
    assert fragment.status_code == 422
    assert f"Not assessed: {problem}" in fragment.text


def test_page_prefills_from_the_query(client: TestClient) -> None:
    html = client.get("/?age=58&fever=yes&leg_weakness=no&policy=acr").text
    assert 'value="58"' in html
    assert radios(html, "fever")["yes"] and radios(html, "leg_weakness")["no"]
    assert '<option value="acr" selected>' in html


def test_fragment_for_javascript(client: TestClient) -> None:
    response = client.post(
        "/", data={"age": "40", "bowel_dysfunction": "yes"}, headers={"X-Fragment": "result"}
    )
    assert response.text.lstrip().startswith(
        '<div class="banner banner-emergency banner-provisional"'
    )
    assert "<form" not in response.text


def handout_id(client: TestClient, data: dict[str, str]) -> str:
    html = client.post("/", data=data).text
    match = re.search(r'href="/handout/([0-9a-f-]{36})\?lang=en"', html)
    assert match
    return match.group(1)


def test_conservative_handout_html_and_pdf(client: TestClient) -> None:
    hid = handout_id(client, dict.fromkeys(RB.findings, "no") | {"age": "35"})
    html = client.get(f"/handout/{hid}").text
    assert "Your back pain: what to do now" in html
    for must in (
        "Keep moving",
        "4 to 6 weeks",
        "Go to the emergency department now if you notice any of these",
        "Numbness between your legs",
        "Call your doctor or come back today",
    ):
        assert must in html
    pdf = client.get(f"/handout/{hid}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Go to the emergency department now if you notice" in text
    assert "Try not to stay in bed" in text


def test_image_handout_explains_the_scan(client: TestClient) -> None:
    hid = handout_id(client, {"age": "40", "saddle_anesthesia": "yes"})
    html = client.get(f"/handout/{hid}").text
    assert "<h1>Go to the emergency department now</h1>" in html
    assert "Pressure on the nerves at the bottom of your spine" in html
    assert "Please go immediately" in html
    assert "an MRI scan of your lower back" in html
    assert "A spine surgeon" in html
    # The patient already has saddle numbness: not listed as a new warning sign.
    assert "Numbness between your legs" not in html
    assert "If a problem you already have gets worse, go to the emergency department now." in html


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


GROUPS = {
    "seed": ["cauda_equina_syndrome", "malignancy", "spinal_epidural_abscess", "spinal_infection",
             "vertebral_compression_fracture", "other"],
    "acr": ["cauda_equina_syndrome", "malignancy", "spinal_epidural_abscess", "spinal_infection",
            "vertebral_compression_fracture", "other"],
}  # fmt: skip


@pytest.mark.parametrize("policy", ["seed", "acr"])
def test_none_of_these_per_group_reaches_conservative_without_javascript(
    client: TestClient, policy: str
) -> None:
    """The age and one control per condition group: every finding of the group is recorded as
    asked and absent, and shown as "no"."""
    html = client.get(f"/?policy={policy}").text
    groups = re.findall(r'name="none" value="(\w+)"', html)
    required_groups = [g for g in groups if g in GROUPS[policy]]
    assert len(required_groups) <= 6
    response = client.post("/", data={"policy": policy, "age": "35", "none": required_groups})
    assert banner(response.text) == "No imaging now: conservative care for 4-6 weeks"
    for fid in RB.policy(policy).required[1:]:
        assert radios(response.text, fid)["no"], fid


def test_none_of_these_keeps_a_present_answer(client: TestClient) -> None:
    response = client.post(
        "/", data={"age": "40", "none": ["cauda_equina_syndrome"], "saddle_anesthesia": "yes"}
    )
    assert radios(response.text, "saddle_anesthesia")["yes"]
    assert radios(response.text, "bladder_dysfunction")["no"]
    assert 'value="cauda_equina_syndrome" checked' not in response.text  # not "none" any more


def test_the_page_title_says_the_decision(client: TestClient) -> None:
    html = client.post("/", data={"age": "40", "saddle_anesthesia": "yes"}).text
    assert "<title>Image now and refer (emergency), provisional · spinewise</title>" in html
    assert "<title>spinewise: imaging in low back pain</title>" in client.get("/").text


def test_a_provisional_decision_says_what_to_ask_first(client: TestClient) -> None:
    html = client.post("/", data={"policy": "acr", "age": "70"}).text
    assert 'class="banner banner-routine banner-provisional"' in html
    assert "Ask before ordering: saddle anesthesia" in html
    assert "A yes would make this an emergency" in html
    assert 'class="question unanswered ask-first" id="q-saddle_anesthesia"' in html
    assert '<a href="#q-saddle_anesthesia">saddle anesthesia</a>' in html


def test_age_alone_is_said_first_with_the_acr_view(client: TestClient) -> None:
    data = dict.fromkeys(RB.findings, "no") | {"age": "62"}
    html = client.post("/", data=data).text
    result = html.split('id="result"')[1]
    assert result.index("This decision rests on age alone") < result.index("<h2>Why</h2>")
    assert "Beside it,</strong> acr: no imaging now; planned: Radiography lumbar spine" in result
    assert "policy disagrees" not in result  # said once, beside the notice


def test_banner_colour_follows_the_urgency(client: TestClient) -> None:
    every_no = dict.fromkeys(RB.findings, "no")
    assert (
        'banner banner-emergency"'
        in client.post("/", data=every_no | {"age": "40", "saddle_anesthesia": "yes"}).text
    )
    assert (
        'banner banner-urgent"'
        in client.post("/", data=every_no | {"age": "40", "history_of_cancer": "yes"}).text
    )
    assert (
        'banner banner-routine"'
        in client.post("/", data=every_no | {"age": "75", "policy": "acr"}).text
    )


def test_print_lines_for_patient_date_and_clinician(client: TestClient) -> None:
    html = client.post("/", data={"age": "40", "fever": "yes"}).text
    lines = html.split('id="print-lines"')[1].split("</div>")[0]
    for label in ("Patient:", "Date:", "Clinician:"):
        assert label in lines


def test_note_highlights_say_present_or_absent_in_words() -> None:
    from spinewise.api.pages import highlight

    class M:
        def __init__(self, start: int, end: int, counts: bool | None, finding: str) -> None:
            self.start, self.end, self.counts_as, self.finding = start, end, counts, finding
            self.cue = ""

    html = str(
        highlight(
            "fever, no saddle numbness",
            [M(0, 5, True, "fever"), M(10, 25, False, "saddle_anesthesia")],
        )
    )
    assert (
        '<mark class="present" title="fever">fever</mark><span class="visually-hidden"> (present)</span>'
        in html
    )
    assert '</mark><span class="visually-hidden"> (absent)</span>' in html
