"""The audit's report.html opened in the real browser, from disk, as a quality director would:
the headline rate and what it means, every chart drawn with an accessible name, the patient
lists one click away, no request leaving the page; and the same page on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from spinewise.population.audit import run_audit_years
from spinewise.population.synth import ORGANIZATIONS, synthesize
from tests.browser.conftest import shot


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, dict[str, int]]]:
    base = tmp_path_factory.mktemp("report")
    synthesize(400, 2025, base / "export", seed=21)
    synthesize(300, 2024, base / "earlier", seed=22)
    for p in (base / "earlier").glob("*.ndjson"):
        if not p.name.startswith(("Organization", "Practitioner")):
            p.rename(base / "export" / p.name.replace(".000.", ".001."))
    results = run_audit_years(base / "export", [2024, 2025], base / "out")
    return base / "out" / "report.html", {y: r.summary for y, r in results.items()}


def test_report_opens_and_reads(
    browser: Browser, report: tuple[Path, dict[int, dict[str, int]]]
) -> None:
    page_file, summaries = report
    s = summaries[2025]
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    assert page.locator("h1").inner_text() == "Imaging in low back pain: audit 2025"
    assert "Higher is better." in page.locator(".direction").inner_text()
    kpis = page.locator(".kpi").all_inner_texts()
    rate = 100 * (s["denominator"] - s["imaged_within_28_days"]) / s["denominator"]
    assert kpis[0].startswith(f"{rate:.1f}%\nHEDIS rate: not imaged within 28 days")
    assert kpis[1].startswith(f"{s['missed_red_flags']}\nmissed red flags")
    assert kpis[2].startswith(f"{s['low_value_imaging']}\nlow-value imaging")
    headings = page.locator("h2").all_inner_texts()
    for wanted in ("HEDIS rate by year", "Missed red flags", "From patients to the measure",
                   "Episodes by class", "Exclusions by reason", "HEDIS rate by organization",
                   "HEDIS rate by practitioner"):  # fmt: skip
        assert wanted in headings
    # Each chart is drawn, sized, and named for a screen reader; the phone versions are hidden.
    charts = page.get_by_role("img")
    names = [charts.nth(i).get_attribute("aria-label") for i in range(charts.count())]
    assert len(names) == 7 and all(names), names
    assert "HEDIS rate by organization, with 95% intervals" in names
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 40
    organizations = page.get_by_role("img", name="HEDIS rate by organization, with 95% intervals")
    assert organizations.locator("path[aria-roledescription='point']").count() == len(ORGANIZATIONS)
    # The rates by year side by side, each year a link to its own report.
    years = page.locator("#years + figure + .scroll tr").all_inner_texts()
    assert [row.split("\t")[0] for row in years[1:]] == ["2024", "2025"]
    # The lists are links beside the page; following one opens the CSV of that year.
    link = page.get_by_role("link", name="the patients (CSV)").first
    target = (page_file.parent / str(link.get_attribute("href"))).resolve()
    assert target.name == "missed_red_flags.csv" and target.parent.name == "2025"
    assert target.read_text().count("\n") == s["missed_red_flags"] + 1
    assert requests == [page_file.as_uri()]
    shot(page, "09-audit-report")
    context.close()


def test_report_reads_on_a_phone(
    browser: Browser, report: tuple[Path, dict[int, dict[str, int]]]
) -> None:
    page_file, _ = report
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    page.goto(page_file.as_uri())
    # Nothing wider than the screen: no sideways scrolling of the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    charts = page.get_by_role("img")
    assert charts.count() == 7
    for i in range(charts.count()):  # the narrow charts, whole on the screen
        box = charts.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert charts.nth(i).evaluate("e => e.closest('.chart').classList.contains('narrow')")
    # Chart text stays legible: no axis label drawn smaller than 10 CSS pixels.
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.chart.narrow svg text')]
             .map(t => t.getBoundingClientRect().height).filter(h => h > 0))"""
    )
    assert smallest >= 10
    # Missed red flags as cards: each row a block with its labels.
    first = page.locator("#missed ~ .scroll table.cards tr").nth(1)
    assert first.evaluate("e => getComputedStyle(e).display") == "block"
    flags = first.locator("td").nth(2)
    assert flags.get_attribute("data-label") == "red flags"
    assert flags.evaluate("e => getComputedStyle(e, '::before').content") != "none"
    shot(page, "09-audit-report-phone")
    context.close()
