"""Blind double review: an item set for double review waits for two distinct monitors, the second
one decides without seeing the first one's decision, and the pair settles the item (or sends it
to an adjudicator when they disagree)."""
import re

import pytest

from review_queue.learning.agreement import agreement_report, set_double_review
from review_queue.review.decisions import Conflict, DecisionError, decide, history
from review_queue.review.double_review import DOUBLE_REVIEW_MONITORS
from review_queue.review.queue_view import QueueFilter, first_free, item_detail
from review_queue.review.users import list_users

from .browser.support import csrf_from, decision_form, item_id_by_url, live_server, seed, signed_in_client

URL = "https://kz.example/threats"              # the model suggests A.threat
ONLY_THIS_ITEM = QueueFilter(category="A.threat")
MONITORS = ("bob", "carol", "dana")


@pytest.fixture
def store(db_path):
    return seed(db_path, extra_users=MONITORS)


def users(store) -> dict:
    return {user.username: user for user in list_users(store)}


def item_state(store, item_id) -> tuple:
    return store.db.execute("SELECT status, version, decision FROM review_items WHERE id = ?", [item_id]).fetchone()


def test_two_monitors_decide_blind_and_when_they_agree_the_item_is_confirmed(store):
    assert DOUBLE_REVIEW_MONITORS == 2
    who = users(store)
    item_id = item_id_by_url(store, URL)
    assert set_double_review(store, item_id)

    after = decide(store, item_id, who["bob"], 1, "confirm", {"categories": ["A.threat"], "notes": "bob's view"})
    # Logged and applied, but the item stays pending, undecided, for the next monitor.
    assert after["double_review"] == "waiting" and after["status"] == "pending"
    assert item_state(store, item_id) == ("pending", 2, None)
    assert [(e["username"], e["applied"]) for e in history(store, item_id)] == [("bob", True)]

    # Carol's view is blind: the model's suggestion only, none of Bob's decision.
    blind = item_detail(store, item_id, viewer="carol")
    assert blind["review_round"] == "blind"
    assert blind["history"] == [] and blind["decision"] is None and blind["incident"] is None
    # Bob sees his own decision, waits, and cannot decide again before the round is complete.
    assert item_detail(store, item_id, viewer="bob")["review_round"] == "decided"
    with pytest.raises(DecisionError, match="already decided"):
        decide(store, item_id, who["bob"], 2, "reject", {"reject_reason": "not_incident"})

    after = decide(store, item_id, who["carol"], 2, "confirm", {"categories": ["A.threat"]})
    assert after["double_review"] == "agreed" and after["status"] == "confirmed" and after["incident_id"]
    status, version, decision = item_state(store, item_id)
    assert (status, version) == ("confirmed", 3) and '"A.threat"' in decision
    # Settled: everyone sees everything again.
    open_view = item_detail(store, item_id, viewer="dana")
    assert open_view["review_round"] is None and [e["username"] for e in open_view["history"]] == ["bob", "carol"]
    # Each monitor's first decision is their label for the agreement figures.
    report = agreement_report(store)
    assert report["items_with_two_or_more_labels"] == 1 and report["monitors"] == ["bob", "carol"]


def test_disagreeing_monitors_send_the_item_to_second_opinion_and_the_next_decision_settles_it(store):
    who = users(store)
    item_id = item_id_by_url(store, URL)
    set_double_review(store, item_id)
    decide(store, item_id, who["bob"], 1, "confirm", {"categories": ["A.threat", "A.insult_discredit"]})
    # A decision on the version before Bob's is still refused and logged.
    with pytest.raises(Conflict):
        decide(store, item_id, who["carol"], 1, "confirm", {"categories": ["A.threat"]})
    assert [(e["username"], e["applied"]) for e in history(store, item_id)] == [("bob", True), ("carol", False)]
    assert item_state(store, item_id) == ("pending", 2, None)

    after = decide(store, item_id, who["carol"], 2, "confirm", {"categories": ["A.threat"]})
    assert after["double_review"] == "disagreed" and after["status"] == "second_opinion"
    assert item_state(store, item_id) == ("second_opinion", 3, None)
    # Both decisions are now visible to the adjudicator, who settles the item as a normal decision.
    view = item_detail(store, item_id, viewer="dana")
    assert view["review_round"] is None and [e["username"] for e in view["history"] if e["applied"]] == ["bob", "carol"]
    after = decide(store, item_id, who["dana"], 3, "confirm", {"categories": ["A.threat"]})
    assert "double_review" not in after and item_state(store, item_id)[:2] == ("confirmed", 4)


def test_a_different_action_is_a_disagreement_and_a_rejection_pair_rejects(store):
    who = users(store)
    threats, lawsuit = item_id_by_url(store, URL), item_id_by_url(store, "https://kz.example/lawsuit")
    for item_id in (threats, lawsuit):
        set_double_review(store, item_id)
        decide(store, item_id, who["bob"], 1, "reject", {"reject_reason": "not_media"})
    decide(store, threats, who["carol"], 2, "second_opinion", {})
    decide(store, lawsuit, who["carol"], 2, "reject", {"reject_reason": "not_incident"})
    assert item_state(store, threats)[0] == "second_opinion"
    assert item_state(store, lawsuit)[0] == "rejected"


def test_next_item_skips_double_review_items_the_monitor_decided_but_not_for_others(store):
    who = users(store)
    item_id = item_id_by_url(store, URL)
    set_double_review(store, item_id)
    assert first_free(store, ONLY_THIS_ITEM, who["bob"].id)["id"] == item_id
    decide(store, item_id, who["bob"], 1, "confirm", {"categories": ["A.threat"]})
    assert first_free(store, ONLY_THIS_ITEM, who["bob"].id) is None
    assert first_free(store, ONLY_THIS_ITEM, who["carol"].id)["id"] == item_id
    # Without the filter Bob gets another item, never this one.
    assert first_free(store, QueueFilter(), who["bob"].id)["id"] != item_id
    # Once the round is complete (a disagreement, back in the queue as second_opinion) anyone may adjudicate.
    decide(store, item_id, who["carol"], 2, "reject", {"reject_reason": "not_incident"})
    second = QueueFilter(status="second_opinion")
    assert first_free(store, second, who["bob"].id)["id"] == item_id


def _history_section(html: str) -> str:
    return html[html.index('id="history"'):html.index("</section>", html.index('id="history"'))]


def test_the_item_page_does_not_leak_the_first_monitors_decision(store):
    item_id = item_id_by_url(store, URL)
    with live_server(store.path) as base:
        admin, bob, carol = (signed_in_client(base, name) for name in ("alice", "bob", "carol"))
        token = csrf_from(admin.get(f"/items/{item_id}").text)
        assert admin.post(f"/items/{item_id}/double-review", data={"csrf_token": token, "on": "1"}).status_code == 303

        # Bob decides with labels the model did not suggest, and notes nobody else may see yet.
        page = bob.get(f"/items/{item_id}").text
        assert 'id="blind-notice"' in page
        response = bob.post(f"/items/{item_id}/decide", data={
            **decision_form(page), "action": "confirm", "categories": ["A.threat", "B.info_refusal"],
            "victims": "Bolat Secretvictim", "notes": "bob-private-note", "place": "Secretplace"})
        assert response.status_code == 303
        assert 'id="blind-notice"' in bob.get(f"/items/{item_id}").text      # Bob waits for another monitor
        nxt = bob.get("/queue/next", params={"category": "A.threat"})
        assert nxt.status_code == 303 and "notice=queue_empty" in nxt.headers["location"]

        # Carol gets the item from "next", blind: the model's suggestion only.
        nxt = carol.get("/queue/next", params={"category": "A.threat"})
        assert nxt.headers["location"].startswith(f"/items/{item_id}?")
        page = carol.get(f"/items/{item_id}").text
        assert 'id="blind-notice"' in page and 'id="claim-notice"' in page
        for secret in ("Bolat Secretvictim", "bob-private-note", "Secretplace"):
            assert secret not in page
        assert re.search(r'value="A\.threat" checked', page)                # the model's category
        assert not re.search(r'value="B\.info_refusal" checked', page)      # Bob's extra one is not
        assert "bob" not in _history_section(page)
        assert "bob-private-note" not in carol.get("/export", params={"what": "decisions", "format": "csv"}).text

        # Carol disagrees (no B.info_refusal): the item goes to second opinion, and now she sees Bob's decision.
        response = carol.post(f"/items/{item_id}/decide", data={
            **decision_form(page), "action": "confirm", "categories": ["A.threat"]})
        assert response.status_code == 303
        page = carol.get(f"/items/{item_id}").text
        assert 'id="blind-notice"' not in page and "bob" in _history_section(page)
        assert "bob-private-note" in page
        assert store.db.execute("SELECT status FROM review_items WHERE id = ?", [item_id]).fetchone()[0] == \
            "second_opinion"
