"""The clinician's page in a real browser: fill the form, read the banner, open the handout."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from spinewise import default_rulebook
from tests.browser.conftest import ARTIFACTS, shot
from tests.conftest import LiveServer

RB = default_rulebook()
SEED_REQUIRED = [q for q in RB.policy("seed").required if q != "age"]


def answer(page: Page, finding: str, value: str) -> None:
    page.locator(f"#q-{finding}").get_by_label(value, exact=True).check()


def test_from_empty_form_to_image_decision(page: Page) -> None:
    page.goto("/")
    expect(page.locator(".placeholder")).to_contain_text("The decision appears here")
    # Unknown is preselected for every question, never "no".
    assert page.locator("#q-fever input[value=unknown]").is_checked()
    page.get_by_label("Age (years)").fill("62")
    answer(page, "history_of_cancer", "Yes")
    page.get_by_role("button", name="Assess").click()
    banner = page.locator("#banner")
    expect(banner).to_contain_text("Image now and refer")
    expect(banner).to_contain_text("urgent")
    expect(page.locator("#result")).to_contain_text("Cancer (spinal metastasis)")
    expect(page.locator("#result")).to_contain_text("MRI lumbar spine without and with IV contrast")
    # JavaScript updated the page in place and highlighted what is still open.
    assert page.url.rstrip("/").endswith(page.url.split("/")[2])
    expect(page.locator("#q-saddle_anesthesia")).to_have_class(re.compile(r"\bunanswered\b"))
    expect(page.locator("#q-saddle_anesthesia .still-open")).to_be_visible()
    expect(banner).to_be_focused()
    shot(page, "01-image-history-of-cancer")


def test_all_answered_no_gives_conservative_and_the_handout(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Age (years)").fill("35")
    for finding in SEED_REQUIRED:
        answer(page, finding, "No")
    page.get_by_role("button", name="Assess").click()
    expect(page.locator("#banner")).to_contain_text("No imaging now")
    expect(page.locator("fieldset.unanswered")).to_have_count(0)
    shot(page, "02-conservative")
    page.locator("#handout-en").click()
    expect(page.locator("h1")).to_have_text("Your back pain: what to do now")
    expect(page.locator(".warning-emergency")).to_contain_text("Numbness between your legs")
    shot(page, "03-handout-conservative")
    pdf = page.request.get(page.url.replace("?lang=en", ".pdf?lang=en"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


def test_one_unknown_keeps_it_open(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Age (years)").fill("35")
    for finding in SEED_REQUIRED:
        if finding != "fever":
            answer(page, finding, "No")
    page.get_by_role("button", name="Assess").click()
    expect(page.locator("#banner")).to_contain_text("Questions still open")
    expect(page.locator("#q-fever")).to_have_class(re.compile(r"\bunanswered\b"))
    expect(page.locator(".unanswered-list")).to_contain_text("Fever")
    expect(page.locator("#handout-en")).to_have_count(0)


def test_keyboard_only(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Age (years)").focus()
    page.keyboard.type("40")
    page.locator("#q-saddle_anesthesia input[value=unknown]").focus()
    page.keyboard.press("ArrowLeft")  # radio groups move with the arrow keys: unknown → no
    page.keyboard.press("ArrowLeft")  # no → yes
    assert page.locator("#q-saddle_anesthesia input[value=yes]").is_checked()
    page.keyboard.press("Enter")  # submits the form
    expect(page.locator("#banner")).to_contain_text("Image now and refer")
    expect(page.locator("#banner")).to_contain_text("emergency")


def test_works_with_javascript_off(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Age (years)").fill("40")
    answer(page, "bladder_dysfunction", "Yes")
    page.get_by_role("button", name="Assess").click()
    expect(page.locator("#banner")).to_contain_text("Image now and refer")
    expect(page.locator("#q-fever")).to_have_class(re.compile(r"\bunanswered\b"))
    shot(page, "04-no-javascript")
    context.close()


def test_policy_selector_and_side_by_side(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Age (years)").fill("40")
    answer(page, "paresthesia", "Yes")
    page.get_by_label("Policy").select_option("acr")
    # The acr form has its own questions (osteoporosis) and keeps the answers given.
    expect(page.locator("#q-osteoporosis")).to_be_visible()
    assert page.get_by_label("Age (years)").input_value() == "40"
    assert page.locator("#q-paresthesia input[value=yes]").is_checked()
    for finding in RB.policy("acr").required:
        if finding != "age":
            answer(page, finding, "No")
    page.get_by_role("button", name="Assess").click()
    expect(page.locator("#banner")).to_contain_text("No imaging now")
    expect(page.locator("#compare")).to_contain_text("The seed policy disagrees")
    shot(page, "05-acr-side-by-side")


def test_phone_sized_screen_has_no_sideways_scrolling(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Age (years)").fill("70")
    page.get_by_role("button", name="Assess").click()
    expect(page.locator("#banner")).to_contain_text("Image now and refer")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    shot(page, "06-phone")
    context.close()


def test_every_control_has_a_label(page: Page) -> None:
    page.goto("/")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => !(el.labels && el.labels.length))
            .map(el => el.name)"""
    )
    assert unlabelled == []
    fieldsets_without_legend = page.evaluate(
        "() => [...document.querySelectorAll('fieldset')].filter(f => !f.querySelector('legend')).length"
    )
    assert fieldsets_without_legend == 0


def test_prints_cleanly(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Age (years)").fill("40")
    answer(page, "fever", "Yes")
    page.get_by_role("button", name="Assess").click()
    expect(page.locator("#banner")).to_contain_text("Image now and refer")
    page.emulate_media(media="print")
    expect(page.locator(".actions")).to_be_hidden()
    expect(page.locator("#q-fever .help-text")).to_be_hidden()
    expect(page.locator("#q-fever input[value=yes]")).to_be_visible()
    # The decision first, with the lines for the patient, the date and the clinician.
    banner_box = page.locator("#banner").bounding_box()
    form_box = page.locator("#assess-form h1").bounding_box()
    assert banner_box is not None and form_box is not None
    assert banner_box["y"] < form_box["y"]
    expect(page.locator("#print-lines")).to_be_visible()
    expect(page.locator("#print-lines")).to_contain_text("Patient:")
    expect(page.locator("#print-lines")).to_contain_text("Clinician:")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "07-printed.pdf"))
    shot(page, "07-print")


def test_paste_a_note_prefills_the_answers_with_evidence(page: Page) -> None:
    page.goto("/")
    page.get_by_text("Paste a note to pre-fill the answers").click()
    page.get_by_label("Clinical note (free text)").fill(
        "ED triage: 64 yo F with 5 days of low back pain. h/o breast CA s/p mastectomy 2016.\n"
        "Denies fever, saddle anesthesia, bowel or bladder incontinence. No leg weakness.\n"
        "Mother with osteoporosis. Return to the ED if you develop numbness."
    )
    page.get_by_role("button", name="Read the note").click()
    expect(page.locator("#note-status")).to_contain_text("Nothing is assessed until you do")
    assert page.get_by_label("Age (years)").input_value() == "64"
    assert page.locator("#q-history_of_cancer input[value=yes]").is_checked()
    assert page.locator("#q-fever input[value=no]").is_checked()
    assert page.locator("#q-osteoporosis input[value=unknown]").is_checked()  # the mother's
    assert page.locator("#q-paresthesia input[value=unknown]").is_checked()  # hypothetical
    expect(page.locator("mark.present")).to_contain_text("breast CA")
    expect(page.locator("#q-history_of_cancer .from-note")).to_contain_text("breast CA")
    expect(page.locator(".placeholder")).to_be_visible()  # nothing assessed yet
    shot(page, "08-note-prefilled")
    page.get_by_role("button", name="Assess").click()
    expect(page.locator("#banner")).to_contain_text("Image now and refer")
