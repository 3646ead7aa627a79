"""Acceptance 3: two monitors on one item. Claims route them apart; if both still decide,
exactly one decision wins, the other gets a clear 409, and the audit trail keeps both. And eight
monitors working the queue through "next" at once, on SQLite and PostgreSQL (issue 17)."""
import threading

import pytest

from classifiers.model import Prediction
from review_queue.review.decisions import Conflict, claim_item, decide, history
from review_queue.review.users import get_user

from .browser.support import (app_on_backend, decision_form, item_id_by_url, items_decided_twice, seed,
                              signed_in_client)
from .fixtures.postgres import server as pg_server  # noqa: F401 - fixture

URL = "https://kz.example/detained"


def test_two_sessions_deciding_at_once_one_wins_the_other_gets_a_conflict(server):
    base, store = server
    item_id = item_id_by_url(store, URL)
    alice, bob = signed_in_client(base, "alice"), signed_in_client(base, "bob")
    forms = {"alice": decision_form(alice.get(f"/items/{item_id}").text),
             "bob": decision_form(bob.get(f"/items/{item_id}").text)}
    assert forms["alice"]["version"] == forms["bob"]["version"] == "1"
    choices = {"alice": {"action": "confirm", "categories": ["A.detention"]},
               "bob": {"action": "reject", "reject_reason": "not_incident"}}
    start, responses = threading.Barrier(2), {}

    def submit(name, client):
        start.wait()
        responses[name] = client.post(f"/items/{item_id}/decide", data={**forms[name], **choices[name]})

    threads = [threading.Thread(target=submit, args=args) for args in (("alice", alice), ("bob", bob))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted(r.status_code for r in responses.values())
    assert codes == [303, 409]
    winner = next(name for name, r in responses.items() if r.status_code == 303)
    loser = "bob" if winner == "alice" else "alice"
    conflict_page = responses[loser].text
    assert 'id="decision-error"' in conflict_page and winner in conflict_page
    assert ("not applied" in conflict_page) or ("не применено" in conflict_page)

    entries = history(store, item_id)
    assert [(e["username"], e["applied"]) for e in entries] == [(winner, True), (loser, False)]
    assert entries[1]["after"]["attempted"]["action"] == choices[loser]["action"]   # the refused decision is kept
    status, version = store.db.execute("SELECT status, version FROM review_items WHERE id = ?", [item_id]).fetchone()
    assert status == {"confirm": "confirmed", "reject": "rejected"}[choices[winner]["action"]] and version == 2


def test_an_item_being_reviewed_is_shown_as_taken_and_the_other_monitor_gets_the_next(server):
    base, store = server
    item_id = item_id_by_url(store, URL)          # the top of the queue (detention, highest priority)
    alice, bob = signed_in_client(base, "alice"), signed_in_client(base, "bob")
    assert 'id="claim-notice"' in alice.get(f"/items/{item_id}").text
    page = bob.get(f"/items/{item_id}").text
    assert 'id="taken-notice"' in page and "alice" in page
    nxt = bob.get("/queue/next")
    assert nxt.status_code == 303 and not nxt.headers["location"].startswith(f"/items/{item_id}?")
    assert "alice" in bob.get("/queue").text       # the queue shows who holds what


def test_a_stale_claim_expires_and_a_decision_on_an_outdated_version_is_refused(db_path):
    store = seed(db_path)
    item_id = item_id_by_url(store, URL)
    alice, bob = get_user(store, 1), get_user(store, 2)
    assert claim_item(store, item_id, alice, minutes=-1).granted      # a claim already past its time
    assert claim_item(store, item_id, bob).granted                    # ... does not block bob
    assert not claim_item(store, item_id, alice).granted
    decide(store, item_id, bob, 1, "second_opinion", {"notes": "unsure about the date"})
    with pytest.raises(Conflict) as refused:
        decide(store, item_id, alice, 1, "confirm", {"categories": ["A.detention"]})
    assert refused.value.last_by == "bob" and refused.value.current_version == 2
    decide(store, item_id, alice, 2, "confirm", {"categories": ["A.detention"]})   # on the fresh version: fine
    assert [e["applied"] for e in history(store, item_id)] == [True, False, True]


MONITORS = ("bob", "carol", "dana", "erlan", "farida", "gulnar", "daulet")     # and alice: eight


@pytest.fixture(params=["sqlite", "postgresql"])
def busy_app(request, db_path):
    """The review app over the seeded queue grown to 24 items, eight monitors: (base URL, Store)."""
    store = seed(db_path, extra_users=MONITORS)
    for i in range(19):
        stored = store.add_article({"url": f"https://kz.example/busy{i}", "source": "busy.kz", "lang": "ru",
                                    "title": f"Новость {i}", "text": f"Журналиста {i} вызвали в полицию."})
        store.add_prediction(stored.id, Prediction(relevance=0.5 + i / 50, is_candidate=True, scores={},
                                                   categories=["A.detention"]))
    with app_on_backend(request, store, request.param, server_fixture="pg_server") as served:
        yield served


def test_eight_monitors_taking_next_decide_every_item_once_and_never_land_on_a_decided_one(busy_app):
    base, store = busy_app
    n_items = store.db.execute("SELECT COUNT(*) FROM review_items").fetchone()[0]
    clients = {name: signed_in_client(base, name) for name in ("alice", *MONITORS)}
    start, lock = threading.Barrier(len(clients)), threading.Lock()
    posted, landed_on_decided, errors = [], [], []

    def monitor(k, name, client):
        try:
            start.wait()
            for _ in range(3 * n_items):
                location = client.get("/queue/next").headers["location"]
                if not location.startswith("/items/"):
                    return                                        # the queue is empty
                page = client.get(location).text
                item_id = int(location.split("/")[2].split("?")[0])
                if 'id="decision-form"' not in page:
                    with lock:
                        landed_on_decided.append((name, item_id))
                    continue
                choice = {"action": "confirm", "categories": ["A.detention"]} if k % 2 else \
                    {"action": "reject", "reject_reason": "not_incident"}
                response = client.post(f"/items/{item_id}/decide", data={**decision_form(page), **choice})
                with lock:
                    posted.append((name, item_id, response.status_code))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=monitor, args=(k, name, client))
               for k, (name, client) in enumerate(clients.items())]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert landed_on_decided == []                                   # "next" hands out a claimed item
    assert sorted(item for _, item, _ in posted) == list(range(1, n_items + 1))   # each item decided once
    assert {code for _, _, code in posted} == {303}
    assert items_decided_twice(store) == []                          # no silent second decision
    statuses = store.db.execute("SELECT status, COUNT(*) FROM review_items GROUP BY status").fetchall()
    assert {status for status, _ in statuses} <= {"confirmed", "rejected"}
    assert len({name for name, _, _ in posted}) > 1                  # they really worked side by side
