"""Issue 17: a decision never silently overrides a colleague's, and re-confirming keeps an item in its
incident. Through the web app, on SQLite and on PostgreSQL."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from review_queue.reports.export import export_text
from review_queue.review.decisions import history
from review_queue.review.incidents import attach_to_incident
from review_queue.review.users import get_user
from sozwatch.cli import cli

from .browser.support import app_on_backend, decision_form, item_id_by_url, seed, signed_in_client
from .fixtures.postgres import server  # noqa: F401 - fixture

DETAINED = "https://kz.example/detained"


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, db_path):
    """The review app over the seeded queue (alice, bob): (base URL, Store)."""
    with app_on_backend(request, seed(db_path), request.param) as served:
        yield served


def _item_id(location: str) -> int:
    return int(re.match(r"/items/(\d+)", location).group(1))


def _selected_incident(page: str) -> str:
    menu = page[page.index('id="incident-choice"'):]
    menu = menu[:menu.index("</select>")]
    return re.search(r'<option value="([^"]+)" selected>', menu).group(1)


def test_next_claims_the_item_and_a_colleagues_decision_leaves_the_page_read_only(app):
    base, store = app
    alice, bob = signed_in_client(base, "alice"), signed_in_client(base, "bob")
    handed = alice.get("/queue/next")
    assert handed.status_code == 303
    item_id = _item_id(handed.headers["location"])
    # Claimed when handed out, before alice's page loads: bob's "next" gets another item.
    assert store.db.execute("SELECT claimed_by FROM review_items WHERE id = ?", [item_id]).fetchone()[0] == 1
    assert _item_id(bob.get("/queue/next").headers["location"]) != item_id

    # Bob had the item open already and rejects it while alice's page is on its way.
    form = decision_form(bob.get(f"/items/{item_id}").text)
    assert bob.post(f"/items/{item_id}/decide", data={**form, "action": "reject",
                                                      "reject_reason": "not_incident"}).status_code == 303
    page = alice.get(handed.headers["location"]).text
    assert 'id="decided-notice"' in page and "bob" in page
    assert 'id="decision-form"' not in page        # the hotkeys (c, x, s) act only on that form
    assert 'id="redecide"' in page and 'id="redecide-replaces"' in page

    # What `c` used to post: the loaded page's version, without asking to re-decide. Refused, logged.
    stale = {**decision_form(page, "redecide-form"), "action": "confirm_next", "categories": ["A.detention"]}
    stale.pop("redecide")
    refused = alice.post(f"/items/{item_id}/decide", data=stale)
    assert refused.status_code == 409 and "bob" in refused.text
    assert 'id="decision-form"' not in refused.text
    status = store.db.execute("SELECT status FROM review_items WHERE id = ?", [item_id]).fetchone()[0]
    assert status == "rejected"
    assert [(e["username"], e["applied"]) for e in history(store, item_id)] == [("bob", True), ("alice", False)]


def test_next_leaves_an_item_to_colleagues_once_its_monitor_asked_a_second_opinion(app):
    base, store = app
    alice, bob = signed_in_client(base, "alice"), signed_in_client(base, "bob")
    handed = bob.get("/queue/next").headers["location"]
    item_id = _item_id(handed)
    form = decision_form(bob.get(handed).text)
    assert bob.post(f"/items/{item_id}/decide", data={**form, "action": "second_opinion"}).status_code == 303
    # The only item waiting for a second opinion is not bob's to take, nor to hold.
    assert "notice=queue_empty" in bob.get("/queue/next?status=second_opinion").headers["location"]
    assert _item_id(alice.get("/queue/next?status=second_opinion").headers["location"]) == item_id
    assert store.db.execute("SELECT claimed_by FROM review_items WHERE id = ?", [item_id]).fetchone()[0] == 1


def test_an_explicit_redecision_applies_and_is_recorded_as_overriding_the_colleagues(app):
    base, store = app
    alice, bob = signed_in_client(base, "alice"), signed_in_client(base, "bob")
    item_id = item_id_by_url(store, DETAINED)
    form = decision_form(bob.get(f"/items/{item_id}").text)
    bob.post(f"/items/{item_id}/decide", data={**form, "action": "reject", "reject_reason": "not_incident"})
    page = alice.get(f"/items/{item_id}").text
    replaces = page[page.index('id="redecide-replaces"'):]
    assert "bob" in replaces[:replaces.index("</p>")]         # whose decision it replaces, before deciding

    redecided = alice.post(f"/items/{item_id}/decide", data={
        **decision_form(page, "redecide-form"), "action": "confirm", "categories": ["A.detention"]})
    assert redecided.status_code == 303
    bobs, alices = history(store, item_id)
    assert alices["applied"] and alices["overrides"] == bobs["id"]
    assert alices["after"]["overrides"]["username"] == "bob" and alices["after"]["status"] == "confirmed"
    badge = alice.get(f"/items/{item_id}").text.split('class="badge warn override">')[1]
    assert "bob" in badge[:badge.index("</span>")]             # the history marks the override
    exported = [json.loads(line) for line in export_text(store, "decisions", "jsonl").splitlines()]
    assert [(d["user"], d["overrides"]) for d in exported] == [("bob", None), ("alice", bobs["id"])]


def test_reconfirming_an_item_in_an_old_incident_keeps_it_there(app):
    base, store = app
    alice = signed_in_client(base, "alice")
    item_id = item_id_by_url(store, DETAINED)
    form = decision_form(alice.get(f"/items/{item_id}").text)
    confirmed = alice.post(f"/items/{item_id}/decide", data={
        **form, "action": "confirm", "categories": ["A.detention"], "place": "Уральк", "incident": "new"})
    assert confirmed.status_code == 303
    incident_id = store.db.execute("SELECT incident_id FROM review_items WHERE id = ?", [item_id]).fetchone()[0]
    for _ in range(9):     # newer incidents of the same category push it out of the 8 most recent
        with store.db.atomic():
            attach_to_incident(store, None, {"categories": ["A.detention"], "place": "Алматы"}, 1)

    page = alice.get(f"/items/{item_id}").text
    assert _selected_incident(page) == str(incident_id)       # listed first, and chosen
    fixed = alice.post(f"/items/{item_id}/decide", data={
        **decision_form(page, "redecide-form"), "action": "confirm", "categories": ["A.detention"],
        "place": "Уральск", "incident": _selected_incident(page)})
    assert fixed.status_code == 303
    assert store.db.execute("SELECT incident_id FROM review_items WHERE id = ?", [item_id]).fetchone()[0] == incident_id
    events = [json.loads(line) for line in export_text(store, "incidents", "jsonl").splitlines()]
    assert [e["incident_id"] for e in events] == [incident_id]       # one event, listed once


def test_any_incident_is_found_by_number_or_words(app):
    base, store = app
    alice = signed_in_client(base, "alice")
    first = attach_to_incident(store, None, {"categories": ["A.detention"], "place": "Уральск",
                                             "victims": ["Аяна Ахметова"]}, 1)
    for _ in range(12):
        attach_to_incident(store, None, {"categories": ["A.threat"], "place": "Алматы"}, 1)
    assert [i["id"] for i in alice.get("/incidents/search", params={"q": f"#{first}"}).json()] == [first]
    found = alice.get("/incidents/search", params={"q": "уральск ахметова"}).json()   # any case, every word
    assert [i["id"] for i in found] == [first] and found[0]["label"].startswith(f"#{first} ")
    assert alice.get("/incidents/search", params={"q": "Караганда"}).json() == []


def test_a_decision_on_a_decided_item_through_the_api_needs_redecide(db_path):
    """The same rule below the web app: `decide` refuses, `decide(redecide=True)` overrides."""
    from review_queue.review.decisions import AlreadyDecided, decide
    store = seed(db_path)
    alice, bob = get_user(store, 1), get_user(store, 2)
    item_id = item_id_by_url(store, DETAINED)
    decide(store, item_id, bob, 1, "reject", {"reject_reason": "duplicate"})
    with pytest.raises(AlreadyDecided) as refused:
        decide(store, item_id, alice, 2, "confirm", {"categories": ["A.detention"]})
    assert refused.value.last_by == "bob"
    after = decide(store, item_id, alice, 2, "confirm", {"categories": ["A.detention"]}, redecide=True)
    assert after["overrides"]["username"] == "bob"
    assert [(e["username"], e["applied"], bool(e["overrides"])) for e in history(store, item_id)] == [
        ("bob", True, False), ("alice", False, False), ("alice", True, True)]
    listing = CliRunner().invoke(cli, ["queue", "history", str(item_id), "--db", str(db_path)]).output.splitlines()
    assert "REFUSED (already decided)" in listing[1] and "OVERRIDES bob's decision 1" in listing[2]
