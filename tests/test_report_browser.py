"""Acceptance 4: the HTML report renders in Debian's Chromium — the standalone file that
`sozwatch report --format html` writes, and the report page of the web app.

Set SOZWATCH_SCREENSHOTS=docs/screenshots to (re)write docs/screenshots/report.png
(`make screenshots` does)."""
import os
from pathlib import Path

import pytest

from review_queue.reports.report import monthly_report, render
from review_queue.review.users import add_user

from .browser.support import CHROMIUM, PASSWORD, launch_chromium, live_server, sign_in
from .test_report_monthly import store  # noqa: F401  the September 2024 database

if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _charts_loaded(page) -> list[int]:
    return page.eval_on_selector_all(".report-charts img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")


def test_html_report_renders_in_chromium(store, tmp_path):  # noqa: F811
    html_file = tmp_path / "report.html"
    html_file.write_text(render(monthly_report(store, "2024-09"), "html"), encoding="utf-8")
    add_user(store, "alice", PASSWORD, role="admin", lang="en")
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(html_file.as_uri())
        expect = sync_api.expect
        expect(page.locator('[data-group="A"] .group-line .count')).to_have_text("19")
        expect(page.locator('[data-category="B.info_refusal"] .count')).to_have_text("18")
        assert all(width > 0 for width in _charts_loaded(page)) and len(_charts_loaded(page)) == 2
        out = os.environ.get("SOZWATCH_SCREENSHOTS")
        target = Path(out) / "report.png" if out else tmp_path / "report.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000

        # The same report inside the web app (strict CSP: charts come from same-origin SVG routes).
        with live_server(store.path) as base:
            sign_in(page, base)
            page.goto(f"{base}/reports?month=2024-09")
            expect(page.locator('[data-group="C"] .group-line .count')).to_have_text("9")
            page.wait_for_function("Array.from(document.querySelectorAll('.report-charts img'))"
                                   ".every(i => i.complete && i.naturalWidth > 0)")
            page.goto(f"{base}/admin/agreement")
            expect(page.locator("h1")).to_have_text("Agreement between monitors")
        browser.close()
