"""Write docs/screenshots/queue.png and item.png with the browser tests' machinery, on a 1366×768 screen
(the item page as it first appears: the decision buttons must be in view without scrolling).

    .venv/bin/python -m tests.browser.screenshots
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from .support import item_id_by_url, launch_chromium, live_server, seed, sign_in

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "screens.db"
        store = seed(db)
        item_id = item_id_by_url(store, "https://kz.example/detained")
        with live_server(db) as base, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            sign_in(page, base)
            page.screenshot(path=str(OUT / "queue.png"), full_page=True)
            page.goto(f"{base}/items/{item_id}")
            page.screenshot(path=str(OUT / "item.png"))
            browser.close()
    print(f"wrote {OUT / 'queue.png'} and {OUT / 'item.png'}")


if __name__ == "__main__":
    main()
