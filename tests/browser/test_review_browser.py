"""Acceptance 1: a monitor's day in Debian's Chromium, driven by Playwright.

Log in, filter, open an item, decide with the keyboard, watch it leave the pending
list, read the audit entry, reject with a reason, download the CSV export.
"""
import csv
import io

import pytest

from .support import CHROMIUM, item_id_by_url, live_server, seed, sign_in

if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (make system-deps installs it)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' installs playwright")

DETAINED = "https://kz.example/detained"
HOSTILE = "javascript:alert(document.cookie)"


@pytest.fixture
def app(db_path):
    store = seed(db_path)
    with live_server(db_path) as base:
        yield base, store


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_confirm_with_the_keyboard_then_reject_with_a_reason_then_export(app, page):
    base, store = app
    expect = sync_api.expect
    sign_in(page, base)

    # Filter the queue: Russian, detentions.
    page.select_option("#filter-lang", "ru")
    page.select_option("#filter-category", "A.detention")
    page.click("#apply-filters")
    page.wait_for_url("**/queue?*lang=ru*")
    expect(page.locator(".queue-row")).to_have_count(1)
    expect(page.locator(".queue-row")).to_contain_text("Журналиста задержали в Уральске")

    # Open it with the keyboard (j selects the first row, Enter opens it).
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/items/*")
    expect(page.locator("#item-title")).to_have_text("Журналиста задержали в Уральске")
    expect(page.locator("#article-text mark.ev")).to_have_count(2)             # evidence sentences highlighted

    # Shortcuts do not fire while typing; digits toggle categories; ? shows the help.
    page.fill('textarea[name="victims"]', "")
    page.click('textarea[name="victims"]')
    page.keyboard.type("Аяна Ахметова c x 3")
    assert "/items/" in page.url
    expect(page.locator('textarea[name="victims"]')).to_have_value("Аяна Ахметова c x 3")
    page.fill('textarea[name="victims"]', "Аяна Ахметова")
    page.locator("body").click(position={"x": 5, "y": 300})
    third = page.locator('input[data-hotkey="3"]')
    was = third.is_checked()
    page.keyboard.press("3")
    assert third.is_checked() != was
    page.keyboard.press("3")
    assert third.is_checked() == was
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")

    # c = confirm and next: nothing else matches these filters, so the queue says so.
    detained_id = item_id_by_url(store, DETAINED)
    page.keyboard.press("c")
    page.wait_for_url("**/queue?*notice=queue_empty*")
    expect(page.locator(".notice")).to_have_text("Свободных материалов нет.")

    # It left the pending list ...
    page.goto(base + "/queue")
    expect(page.locator(f'.queue-row[data-item-id="{detained_id}"]')).to_have_count(0)
    page.select_option("#filter-status", "confirmed")
    page.click("#apply-filters")
    expect(page.locator(f'.queue-row[data-item-id="{detained_id}"]')).to_have_count(1)
    # ... and its page shows the audit entry.
    page.goto(f"{base}/items/{detained_id}")
    expect(page.locator("#item-status")).to_have_text("Подтверждено")
    entry = page.locator("#history .audit-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("alice")
    expect(page.locator("#incident")).to_contain_text("Аяна Ахметова")

    # Reject another item with a reason: x opens the reason, x again rejects.
    blocked_id = item_id_by_url(store, "https://kz.example/site-blocked")
    page.goto(f"{base}/items/{blocked_id}")
    page.keyboard.press("x")
    expect(page.locator("#reject-reason")).to_be_focused()
    page.select_option("#reject-reason", "outside_kazakhstan")
    page.fill('input[name="reject_note"]', "Это Кыргызстан")
    page.click("#reject")
    expect(page.locator("#item-status")).to_have_text("Отклонено")
    expect(page.locator("#history .audit-entry")).to_contain_text("alice")
    assert store.db.execute("SELECT status FROM review_items WHERE id = ?", [blocked_id]).fetchone()[0] == "rejected"

    # Download the incidents CSV from the app.
    page.goto(base + "/queue")
    with page.expect_download() as download_info:
        page.click('a[href="/export?what=incidents&format=csv"]')
    rows = list(csv.DictReader(io.StringIO(open(download_info.value.path(), encoding="utf-8").read())))
    assert len(rows) == 1 and "A.detention" in rows[0]["categories"].split(";")
    assert rows[0]["victims"] == "Аяна Ахметова" and rows[0]["urls"] == DETAINED


def test_hostile_article_runs_no_script_and_offers_no_javascript_link(app, page):
    base, store = app
    sign_in(page, base)
    page.goto(f"{base}/items/{item_id_by_url(store, HOSTILE)}")
    sync_api.expect(page.locator("#item-title")).to_contain_text("<script>")   # visible as text
    assert page.evaluate("window.__pwned") is None
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.locator("#article-text img, #article-text script, #article-text a").count() == 0
    page.goto(base + "/queue")
    assert page.evaluate("window.__pwned") is None


def test_interface_language_is_a_saved_user_preference(app, page):
    base, _ = app
    sign_in(page, base, "bob")                         # bob prefers English
    sync_api.expect(page.locator("#apply-filters")).to_have_text("Filter")
    page.select_option("#lang-select", "kk")
    page.click('form[action="/settings/language"] button')
    sync_api.expect(page.locator("#apply-filters")).to_have_text("Сүзгі")
    sync_api.expect(page.locator("#filter-category")).to_contain_text("Журналисті ұстау немесе қамауға алу")


def status_of(store, item_id):
    return store.db.execute("SELECT status, decision, claimed_by FROM review_items WHERE id = ?", [item_id]).fetchone()


def test_a_whole_shift_by_keyboard_alone_on_a_1366x768_screen(app, browser):
    """Next, toggle categories (after a mouse click too), confirm, reject with a reason and a comment,
    ask for a second opinion: keys only, with the decision buttons in view without scrolling."""
    base, store = app
    expect = sync_api.expect
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, base)

    page.keyboard.press("n")                                                  # next free item
    page.wait_for_url("**/items/*")
    first = int(page.url.split("/items/")[1].split("?")[0])
    assert first == item_id_by_url(store, DETAINED)
    for control in ("#confirm-next", "#second-opinion", "#reject-reason", "#reject"):
        box = page.locator(control).bounding_box()
        assert box and box["y"] + box["height"] <= 768, control              # above the fold
    # What the model extracted is shown by value and prefilled, editable.
    expect(page.locator('#extracted dd[data-kind="victims"]')).to_have_text("Аяна Ахметова")
    expect(page.locator('textarea[name="victims"]')).to_have_value("Аяна Ахметова")
    expect(page.locator('textarea[name="outlets"]')).to_have_value("Уральская неделя")

    # A mouse click on a checkbox must not swallow the shortcuts that follow.
    second_box = page.locator('input[data-hotkey="2"]')
    second_box.click()
    was = second_box.is_checked()
    page.keyboard.press("2")
    assert second_box.is_checked() != was
    page.keyboard.press("3")
    page.keyboard.press("3")
    page.keyboard.press("c")                                                  # confirm and next
    page.wait_for_url(lambda url: f"/items/{first}" not in url)
    assert status_of(store, first)[0] == "confirmed"

    second = int(page.url.split("/items/")[1].split("?")[0])
    page.keyboard.press("x")
    expect(page.locator("#reject-reason")).to_be_focused()
    page.keyboard.press("Enter")                                              # no reason yet: nothing happens
    assert status_of(store, second)[0] == "pending"
    page.keyboard.press("3")                                                  # reason 3: outside Kazakhstan
    expect(page.locator("#reject-reason")).to_have_value("outside_kazakhstan")
    page.keyboard.press("Tab")
    page.keyboard.type("Это Кыргызстан")
    page.keyboard.press("Enter")                                              # Enter in the comment rejects
    expect(page.locator("#item-status")).to_have_text("Отклонено")
    status, decision, _ = status_of(store, second)
    assert status == "rejected" and '"reject_note": "Это Кыргызстан"' in decision and "outside_kazakhstan" in decision

    page.keyboard.press("j")                                                  # on to the next item
    page.wait_for_url(lambda url: f"/items/{second}" not in url)
    third = int(page.url.split("/items/")[1].split("?")[0])
    page.keyboard.press("s")                                                  # needs a second opinion
    expect(page.locator("#item-status")).to_have_text("Нужно второе мнение")
    assert status_of(store, third)[0] == "second_opinion" and status_of(store, third)[2] is None
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_contain_text("второе мнение")
    context.close()
