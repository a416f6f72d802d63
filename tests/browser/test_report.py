"""The audit's report.html opened in the real browser, from disk, as a quality lead would: the
headline figures, every chart drawn, no request leaving the page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from spinewise.population.audit import run_audit
from spinewise.population.synth import ORGANIZATIONS, synthesize
from tests.browser.conftest import shot


def test_report_opens_and_reads(browser: Browser, tmp_path: Path) -> None:
    synthesize(400, 2025, tmp_path / "export", seed=21)
    result = run_audit(tmp_path / "export", 2025, tmp_path / "out")
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto((tmp_path / "out" / "report.html").as_uri())
    s = result.summary
    assert page.locator("h1").inner_text() == "Imaging in low back pain: audit 2025"
    kpis = page.locator(".kpi").all_inner_texts()
    assert f"{s['missed_red_flags']}\nmissed red flags" in kpis
    assert f"{s['low_value_imaging']}\nlow-value imaging" in kpis
    headings = page.locator("h2").all_inner_texts()
    for wanted in ("From patients to the measure", "Episodes by class",
                   "Imaging within 28 days, by organization",
                   "Imaging within 28 days, by practitioner"):  # fmt: skip
        assert wanted in headings
    # Every chart is drawn with a size, and each organization has its interval.
    for svg in page.locator("svg").all():
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 20
    organizations = page.locator("svg").nth(3).locator("circle")
    assert organizations.count() == len(ORGANIZATIONS)
    assert requests == [(tmp_path / "out" / "report.html").as_uri()]
    shot(page, "09-audit-report")
    context.close()
