"""The patient handout agrees with the plan the clinician sees, in English and in Spanish, as HTML
(the page's link), as PDF (Letter and A4, tagged with its language) and as JSON (the API)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import textstat
from fastapi.testclient import TestClient
from pypdf import PdfReader

from spinewise import Assessment, assess, default_rulebook
from spinewise.handout import handout_for
from tests.conftest import VIGNETTES, load_yaml

RB = default_rulebook()
LANGS = list(RB.handouts)
ALL_NO = dict.fromkeys(RB.findings, False)


def cases() -> list[Any]:
    """Every decided assessment the vignettes give, under both policies."""
    out = []
    for path in VIGNETTES:
        presentation = load_yaml(path)["presentation"]
        for policy in ("seed", "acr"):
            result = assess(presentation, policy)
            if result.decision != "incomplete":
                out.append(pytest.param(presentation, result, id=f"{path.stem}-{policy}"))
    return out


CASES = cases()


def test_there_are_translations_and_every_english_string_has_one() -> None:
    """Every string of handout.yaml has a non-empty Spanish one in the same place (the loader
    checks it too; this walks the two files independently)."""
    assert LANGS[0] == "en" and "es" in LANGS
    english = RB.handouts["en"].model_dump(exclude={"lang", "sources"})
    spanish = RB.handouts["es"].model_dump(exclude={"lang", "sources"})

    def strings(node: Any, where: str = "") -> dict[str, str]:
        if isinstance(node, dict):
            return {
                k: v
                for key, value in node.items()
                for k, v in strings(value, f"{where}.{key}").items()
            }
        if isinstance(node, list | tuple):
            return {
                k: v
                for i, value in enumerate(node)
                for k, v in strings(value, f"{where}[{i}]").items()
            }
        return {where: node} if isinstance(node, str) else {}

    en, es = strings(english), strings(spanish)
    assert set(en) == set(es)
    # Ids (the findings a warning sign is about) are the same in both; words are not.
    untranslated = [
        k
        for k in en
        if ".findings[" not in k and (not es[k].strip() or (es[k] == en[k] and len(en[k]) > 12))
    ]
    assert untranslated == []


@pytest.mark.parametrize(("presentation", "result"), CASES)
def test_the_handout_says_what_the_plan_says(
    presentation: dict[str, Any], result: Assessment
) -> None:
    present = [fid for fid, value in presentation["findings"].items() if value]
    for lang in LANGS:
        h = RB.handouts[lang]
        view = handout_for(result, RB, lang, present=present)
        assert view is not None
        text = view.plain_text()
        # The kind follows the decision and the planned steps.
        if result.decision == "conservative":
            assert view.kind == ("watch" if result.next_steps else "conservative")
            assert view.next_steps == tuple(h.watch.next_steps[s.rule] for s in result.next_steps)
            if (
                result.next_steps
            ):  # a weak flag: never "no warning signs", never "a scan would not help"
                assert h.conservative.intro not in text
                assert h.conservative.sections[0].heading not in text
        else:
            assert view.kind == "image" and result.urgency and result.imaging
            # Titles and promises match the study and the referrals actually ordered.
            study = result.imaging.study
            assert view.scan == h.image.scans[study]
            assert view.referrals == tuple(h.image.referrals[r.id] for r in result.referrals)
            for team, words in h.image.referrals.items():
                if team not in {r.id for r in result.referrals}:
                    assert words not in text
            if result.urgency == "emergency":
                assert view.title == h.image.titles["emergency"]
                assert view.action == h.image.when["emergency"]
            else:
                assert h.image.scan_short[study] in view.title
                assert view.action == h.image.when[result.urgency].format(
                    scan_short=h.image.scan_short[study], scan=view.scan
                )
        # A sign the patient already has is not listed as a new one.
        for sign in (*h.warnings.emergency, *h.warnings.soon):
            if set(sign.findings) & set(present):
                assert sign.text not in text
        # The emergency signs always send the patient to the emergency department now.
        if any(g.level == "emergency" for g in view.warnings):
            assert h.warnings.emergency_heading in text


@pytest.mark.parametrize(("presentation", "result"), CASES)
def test_every_handout_reads_at_grade_6_to_8(
    presentation: dict[str, Any], result: Assessment
) -> None:
    """Flesch-Kincaid grade of the English; Fernández-Huerta ease of the Spanish, between 60
    (about grade 8) and 90 (about grade 5)."""
    for setting in (None, "emergency"):
        english = handout_for(result, RB, "en", setting=setting)
        spanish = handout_for(result, RB, "es", setting=setting)
        assert english is not None and spanish is not None
        textstat.set_lang("en")
        grade = textstat.flesch_kincaid_grade(english.plain_text())
        assert 6 <= grade <= 8, f"Flesch-Kincaid grade {grade:.1f}"
        textstat.set_lang("es")
        try:
            ease = textstat.fernandez_huerta(spanish.plain_text())
        finally:
            textstat.set_lang("en")
        assert 60 <= ease <= 90, f"Fernández-Huerta {ease:.1f}"


def assessment_id(client: TestClient, data: dict[str, Any], policy: str = "seed") -> str:
    response = client.post(f"/api/v1/assess?policy={policy}", json=data)
    assert response.status_code == 200, response.text
    value: str = response.json()["assessment_id"]
    return value


def test_emergency_handout_in_the_emergency_department_says_stay(client: TestClient) -> None:
    aid = assessment_id(
        client,
        {"age": 40, "setting": "emergency", "findings": {**ALL_NO, "saddle_anesthesia": True}},
    )
    html = client.get(f"/handout/{aid}").text
    assert "<h1>Stay in the emergency department: you need an MRI scan now</h1>" in html
    assert "Please stay here in the emergency department." in html
    aid = assessment_id(client, {"age": 40, "findings": {**ALL_NO, "saddle_anesthesia": True}})
    assert "<h1>Go to the emergency department now</h1>" in client.get(f"/handout/{aid}").text


def test_a_routine_radiograph_is_not_a_scan_now_nor_a_specialist(client: TestClient) -> None:
    aid = assessment_id(client, {"age": 75, "findings": ALL_NO}, "acr")
    html = client.get(f"/handout/{aid}").text
    assert "<h1>Why your doctor is ordering an X-ray</h1>" in html
    assert "Your own doctor will go over the X-ray with you" in html
    assert "specialist" not in html and "surgeon" not in html
    assert (
        "now"
        not in re.sub(r"<[^>]+>", " ", html)
        .split("Why your doctor is ordering")[1]
        .split("Go to the emergency")[0]
    )


def test_a_weak_flag_handout_plans_the_blood_test(client: TestClient) -> None:
    aid = assessment_id(
        client, {"age": 40, "findings": {**ALL_NO, "gradually_worsening_pain": True}}, "acr"
    )
    html = client.get(f"/handout/{aid}").text
    assert "what comes next" in html
    assert "You need a blood test now to look for signs of infection" in html
    assert "you do not have any of them" not in html
    assert (
        "A scan would not help you get better any faster, and it would not change"
        not in html.split("today")[0]
    )


def test_no_sources_in_the_patient_text(client: TestClient) -> None:
    aid = assessment_id(client, {"age": 62, "findings": {**ALL_NO, "history_of_cancer": True}})
    for lang in LANGS:
        html = client.get(f"/handout/{aid}?lang={lang}").text
        for citation in ("PA Boards", "Ann Intern Med", "ACR2021", "[seed]", "Sources"):
            assert citation not in html


@pytest.mark.parametrize("lang", ["en", "es"])
def test_handout_html_in_each_language(client: TestClient, lang: str) -> None:
    aid = assessment_id(client, {"age": 40, "findings": {**ALL_NO, "fever": True}})
    response = client.get(f"/handout/{aid}?lang={lang}")
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}">' in html
    h = RB.handouts[lang]
    assert h.image.titles["emergency"] in html
    assert h.image.scans["mri_lumbar_without_and_with_contrast"] in html
    other = "es" if lang == "en" else "en"
    assert f'href="?lang={other}"' in html  # the switch to the other language


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_handout_pdf_is_tagged_with_its_language_on_letter_or_a4(
    client: TestClient, lang: str, paper: str, size: tuple[int, int]
) -> None:
    aid = assessment_id(client, {"age": 35, "findings": ALL_NO})
    response = client.get(f"/handout/{aid}.pdf?lang={lang}&paper={paper}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert str(reader.root_object["/Lang"]) == lang
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert RB.handouts[lang].conservative.title in text
    assert RB.handouts[lang].warnings.emergency_heading in text


def test_a_language_or_paper_the_handout_does_not_have_is_named(client: TestClient) -> None:
    aid = assessment_id(client, {"age": 35, "findings": ALL_NO})
    html = client.get(f"/handout/{aid}?lang=fr")
    assert html.status_code == 422
    assert "lang: &#39;fr&#39; is not a handout language (choose one of en, es)" in html.text
    pdf = client.get(f"/handout/{aid}.pdf?paper=b5")
    assert pdf.status_code == 422 and "paper: &#39;b5&#39;" in pdf.text
    api = client.get(f"/api/v1/handout/{aid}?lang=fr")
    assert api.status_code == 422
    assert [p["field"] for p in api.json()["detail"]] == ["lang"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_handout_as_json_through_the_api(client: TestClient, lang: str) -> None:
    aid = assessment_id(client, {"age": 40, "findings": {**ALL_NO, "saddle_anesthesia": True}})
    body = client.get(f"/api/v1/handout/{aid}?lang={lang}").json()
    h = RB.handouts[lang]
    assert body["lang"] == lang and body["kind"] == "image" and body["urgency"] == "emergency"
    assert body["title"] == h.image.titles["emergency"]
    assert body["referrals"] == [h.image.referrals["spine_surgery"]]
    signs = [s for g in body["warnings"] for s in g["signs"]]
    assert h.warnings.emergency[1].text not in signs  # saddle numbness: the patient has it
    open_case = client.post("/api/v1/assess", json={"age": 40})
    assert client.get(f"/api/v1/handout/{open_case.json()['assessment_id']}").status_code == 409
    assert client.get("/api/v1/handout/00000000-0000-0000-0000-000000000000").status_code == 404


def test_handouts_as_test_artifacts(client: TestClient) -> None:
    """Both languages of three handouts kept beside the screenshots, to read."""
    out = Path(__file__).parent.parent.parent / "test-artifacts" / "handouts"
    out.mkdir(parents=True, exist_ok=True)
    examples = {
        "emergency-cauda-equina": (
            {"age": 40, "findings": {**ALL_NO, "saddle_anesthesia": True}},
            "seed",
        ),
        "routine-radiograph": ({"age": 75, "findings": ALL_NO}, "acr"),
        "watch-worsening-pain": (
            {"age": 40, "findings": {**ALL_NO, "gradually_worsening_pain": True}},
            "acr",
        ),
        "conservative": ({"age": 35, "findings": ALL_NO}, "seed"),
    }
    for name, (data, policy) in examples.items():
        aid = assessment_id(client, data, policy)
        for lang in LANGS:
            (out / f"{name}.{lang}.html").write_text(client.get(f"/handout/{aid}?lang={lang}").text)
            (out / f"{name}.{lang}.pdf").write_bytes(
                client.get(f"/handout/{aid}.pdf?lang={lang}").content
            )
    assert len(list(out.glob("*.pdf"))) >= 8


def test_a_logged_child_gets_no_handout_but_a_message_naming_age(
    client: TestClient, settings: Any
) -> None:
    """An assessment logged before spinewise was adults only cannot be re-assessed now: said,
    naming the field, never a 500."""
    import json

    from spinewise.decision_log import DecisionLog

    with DecisionLog(settings.log_path) as log:
        entry = log.append(
            kind="assessment", channel="api", policy="seed", decision="image",
            inputs=json.loads('{"age": 12, "findings": {"fever": true}}'),
        )  # fmt: skip
    html = client.get(f"/handout/{entry.entry_id}")
    assert html.status_code == 422 and "age: spinewise is for adults" in html.text
    api = client.get(f"/api/v1/handout/{entry.entry_id}")
    assert api.status_code == 422 and api.json()["detail"][0]["field"] == "age"
