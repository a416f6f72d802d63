"""The page for a busy clinician, in a real browser: the quick path to a decision, the keyboard,
the banner's colour, provisional and age-alone decisions, errors, print and the handouts in
both languages. Screenshots of each state are kept in test-artifacts/screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from spinewise import default_rulebook
from tests.browser.conftest import shot
from tests.conftest import LiveServer

RB = default_rulebook()


def assess_button(page: Page) -> None:
    page.get_by_role("button", name="Assess").click()


@pytest.mark.parametrize("policy", ["seed", "acr"])
def test_conservative_in_at_most_six_actions_after_the_age(page: Page, policy: str) -> None:
    page.goto(f"/?policy={policy}")
    page.get_by_label("Age (years)").fill("35")
    actions = 0
    for box in page.locator(".none-of input").all():
        group = box.get_attribute("value")
        required = [q for q in RB.policy(policy).required if q != "age"]
        questions = page.locator(f"section[data-group={group}] fieldset.question").evaluate_all(
            "els => els.map(e => e.dataset.finding)"
        )
        if not set(questions) & set(required):
            continue  # a group of optional questions: no need to answer it
        box.check()
        actions += 1
        # Visibly: every question of the group now shows "no".
        for fid in questions:
            assert page.locator(f"#q-{fid} input[value=no]").is_checked(), fid
    assess_button(page)
    actions += 1
    assert actions <= 6
    expect(page.locator("#banner")).to_contain_text("No imaging now")
    shot(page, f"20-quick-path-conservative-{policy}")


def test_one_present_answer_is_one_click_after_none_of_these(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Age (years)").fill("40")
    page.locator("section[data-group=cauda_equina_syndrome] .none-of input").check()
    page.locator("#q-leg_weakness").get_by_label("Yes", exact=True).check()
    assert page.locator("#q-saddle_anesthesia input[value=no]").is_checked()
    assert not page.locator("section[data-group=cauda_equina_syndrome] .none-of input").is_checked()
    assess_button(page)
    expect(page.locator("#banner")).to_contain_text("Image now and refer")
    expect(page.locator(".why")).to_contain_text("leg weakness")


@pytest.mark.parametrize("policy", ["seed", "acr"])
def test_at_most_15_tab_stops_from_the_age_to_assess(page: Page, policy: str) -> None:
    page.goto(f"/?policy={policy}")
    page.get_by_label("Age (years)").focus()
    stops = 0
    while stops < 60:
        page.keyboard.press("Tab")
        stops += 1
        if page.evaluate("document.activeElement.textContent.trim()") == "Assess":
            break
    assert stops <= 15, stops


def test_arrow_keys_move_between_questions_and_change_answers(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Age (years)").focus()
    page.keyboard.press("Tab")  # the group's "none of these"
    page.keyboard.press("Tab")  # its questions: one stop
    assert page.evaluate("document.activeElement.name") == "saddle_anesthesia"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.name") == "bladder_dysfunction"
    page.keyboard.press("ArrowLeft")  # unknown -> no
    assert page.locator("#q-bladder_dysfunction input[value=no]").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "malignancy"  # the next group


def background_of(page: Page, selector: str) -> str:
    return str(page.locator(selector).evaluate("el => getComputedStyle(el).backgroundColor"))


def test_banner_colour_by_urgency_and_provisional_first(page: Page) -> None:
    page.goto("/?policy=acr")
    page.get_by_label("Age (years)").fill("75")
    assess_button(page)
    expect(page.locator("#banner")).to_contain_text("Imaging and referral")
    expect(page.locator("#banner")).to_contain_text("provisional")
    routine = background_of(page, "#banner")
    notice = page.locator("#notice-ask_before_ordering")
    expect(notice).to_contain_text("Ask before ordering: saddle anesthesia")
    expect(notice).to_contain_text("A yes would make this an emergency")
    expect(page.locator("#q-saddle_anesthesia")).to_have_class(re.compile(r"\bask-first\b"))
    assert page.title().startswith("Imaging and referral (routine), provisional")
    shot(page, "21-provisional-routine-radiograph")
    page.locator("#q-saddle_anesthesia").get_by_label("Yes", exact=True).check()
    assess_button(page)
    expect(page.locator("#banner")).to_contain_text("emergency")
    emergency = background_of(page, "#banner")
    assert routine != emergency
    assert emergency == "rgb(165, 14, 14)"  # red is for emergencies only
    assert page.title().startswith("Image now and refer (emergency)")


def test_age_alone_shows_the_acr_view_first(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Age (years)").fill("62")
    for box in page.locator(".none-of input").all():
        box.check()
    assess_button(page)
    expect(page.locator("#banner")).to_contain_text("urgent")
    expect(page.locator("#notice-age_alone")).to_contain_text("This decision rests on age alone")
    # The acr view, with what it still needs that the seed form does not ask.
    expect(page.locator("#compared")).to_contain_text(
        "acr: not decided; planned: Radiography lumbar spine with or without ESR"
    )
    expect(page.locator("#compared")).to_contain_text("still to ask: prior lumbar surgery")
    shot(page, "22-age-alone")


@pytest.mark.parametrize("javascript", [True, False])
def test_a_bad_age_is_named(browser: Browser, live_server: LiveServer, javascript: bool) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Age (years)").fill("12")
    assess_button(page)
    words = "Age: spinewise is for adults: give an age from 18 to 120 years, not 12"
    expect(page.locator("#banner")).to_contain_text(words)
    expect(page.locator("#age")).to_have_attribute("aria-invalid", "true")
    if not javascript:
        expect(page.locator("#problems")).to_contain_text(words)
    shot(page, f"23-bad-age-{'js' if javascript else 'no-js'}")
    context.close()


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    def luminance(rgb: tuple[float, ...]) -> float:
        def channel(c: float) -> float:
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in rgb[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", text)[:3])


@pytest.mark.parametrize(
    "selector",
    [
        "#age",
        "#q-fever input[value=unknown]",
        ".none-of input",
        "button.primary",
        "a.button",
        "#policy",
    ],
)
def test_focus_ring_contrast_at_least_3_to_1(page: Page, selector: str) -> None:
    page.goto("/")
    target = page.locator(selector).first
    target.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so that :focus-visible applies
    style = target.evaluate(
        """el => { const s = getComputedStyle(el);
            let bg = 'rgba(0, 0, 0, 0)', node = el.parentElement;
            while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
                bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
            return {color: s.outlineColor, width: s.outlineWidth, style: s.outlineStyle,
                    focused: document.activeElement === el, bg}; }"""
    )
    assert style["focused"], selector
    assert style["style"] != "none" and float(style["width"].rstrip("px")) >= 2
    assert contrast(rgb(style["color"]), rgb(style["bg"])) >= 3, style


def test_note_highlights_are_not_colour_alone(page: Page) -> None:
    page.goto("/")
    page.get_by_text("Paste a note to pre-fill the answers").click()
    page.get_by_label("Clinical note (free text)").fill(
        "52 yo with back pain. Fever 38.9. Denies saddle anesthesia."
    )
    page.get_by_role("button", name="Read the note").click()
    present = page.locator("mark.present").first
    absent = page.locator("mark.absent").first
    lines = [m.evaluate("el => getComputedStyle(el).textDecorationLine") for m in (present, absent)]
    assert lines == ["underline", "line-through"]
    # Words for screen readers too, right after the mark.
    assert "(present)" in present.evaluate("el => el.nextElementSibling.textContent")
    shot(page, "24-note-highlights")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_handout_in_each_language(page: Page, lang: str) -> None:
    page.goto("/")
    page.get_by_label("Age (years)").fill("40")
    page.locator("section[data-group=cauda_equina_syndrome] .none-of input").check()
    page.locator("#q-saddle_anesthesia").get_by_label("Yes", exact=True).check()
    assess_button(page)
    expect(page.locator("#banner")).to_contain_text("emergency")
    page.locator(f"#handout-{lang}").click()
    handout = RB.handouts[lang]
    expect(page.locator("h1")).to_have_text(handout.image.titles["emergency"])
    expect(page.locator("#action")).to_contain_text(handout.image.when["emergency"][:20])
    assert page.evaluate("document.documentElement.lang") == lang
    # The saddle numbness the patient has is not listed as a new warning sign.
    expect(page.locator(".warning-emergency")).not_to_contain_text(
        handout.warnings.emergency[1].text
    )
    shot(page, f"25-handout-emergency-{lang}")
    for paper in ("letter", "a4"):
        pdf = page.request.get(page.locator(f"#pdf-{paper}").get_attribute("href") or "")
        assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")


@pytest.mark.parametrize(("policy", "most"), [("seed", 2300), ("acr", 2600)])
def test_page_height_at_1280_wide(page: Page, policy: str, most: int) -> None:
    page.goto(f"/?policy={policy}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < most, height  # was about 3,500 px
