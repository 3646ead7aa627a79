"""Issue 17 in Debian's Chromium, on SQLite and PostgreSQL: a colleague decides the item that "next"
handed this monitor; the page shows the decided state, `c` applies nothing, and only the deliberate
Re-decide changes the decision, recorded as an override of the colleague's."""

import pytest

from review_queue.review.decisions import history

from ..fixtures.postgres import server  # noqa: F401 - fixture
from .support import CHROMIUM, app_on_backend, decision_form, seed, sign_in, signed_in_client

if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (make system-deps installs it)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' installs playwright")


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, db_path):
    with app_on_backend(request, seed(db_path), request.param) as served:
        yield served


def test_c_on_an_item_a_colleague_decided_applies_nothing_and_redecide_overrides(app, browser):
    base, store = app
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    expect = sync_api.expect
    sign_in(page, base, "alice")
    page.goto(base + "/queue/next")
    page.wait_for_url("**/items/*")
    item_id = int(page.url.split("/items/")[1].split("?")[0])

    bob = signed_in_client(base, "bob")          # he had the item open before alice's "next"
    form = decision_form(bob.get(f"/items/{item_id}").text)
    assert bob.post(f"/items/{item_id}/decide", data={**form, "action": "reject",
                                                      "reject_reason": "not_incident"}).status_code == 303
    page.reload()
    expect(page.locator("#decided-notice")).to_contain_text("bob")
    expect(page.locator("#redecide-form")).to_be_hidden()                   # behind the Re-decide button
    before = page.url
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("c")
    page.wait_for_timeout(700)
    assert page.url == before
    assert [(e["username"], e["applied"]) for e in history(store, item_id)] == [("bob", True)]

    page.click("#redecide-open")
    expect(page.locator("#redecide-replaces")).to_contain_text("bob")
    page.keyboard.press("c")                    # still nothing: the keys never reach this form
    page.locator('#redecide-form input[name="place"]').press("Enter")      # nor does Enter in a field
    page.wait_for_timeout(700)
    assert len(history(store, item_id)) == 1 and page.url == before
    page.click("#redecide-form #confirm")
    page.wait_for_url("**notice=decided*")
    bobs, alices = history(store, item_id)
    assert alices["applied"] and alices["overrides"] == bobs["id"] and alices["after"]["status"] == "confirmed"
    expect(page.locator(".badge.override")).to_contain_text("bob")
    page.keyboard.press("j")                     # moving on still works by key on a decided item
    page.wait_for_url(lambda url: f"/items/{item_id}?" not in url)
    page.close()


def test_the_incident_finder_offers_an_old_incident_and_confirming_joins_it(app, browser):
    from review_queue.review.incidents import attach_to_incident
    from .support import item_id_by_url
    base, store = app
    old = attach_to_incident(store, None, {"categories": ["A.detention"], "place": "Уральск"}, 1)
    for _ in range(12):                    # newer ones: the old incident is not among the menu's recent ones
        attach_to_incident(store, None, {"categories": ["A.detention"], "place": "Алматы"}, 1)
    item_id = item_id_by_url(store, "https://kz.example/detained")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    sign_in(page, base, "alice")
    page.goto(f"{base}/items/{item_id}")
    assert page.locator(f'#incident-choice option[value="{old}"]').count() == 0
    page.fill("#incident-search", "уральск")
    sync_api.expect(page.locator("#incident-choice")).to_have_value(str(old))
    page.keyboard.press("Enter")           # in the finder, Enter searches; it never submits the decision
    page.wait_for_timeout(500)
    assert "notice=decided" not in page.url
    page.click("#confirm")
    page.wait_for_url("**notice=decided*")
    assert store.db.execute("SELECT incident_id FROM review_items WHERE id = ?", [item_id]).fetchone()[0] == old
    page.close()
