"""Issue 17: a PostgreSQL restart under a running app and a running worker. Requests during the
outage answer 503 with a clear message (never 500); once the server is back, every page answers
200 within seconds, and a Store held across the restart reads and writes again, without
restarting anything."""
from __future__ import annotations

import itertools
import time

import pytest

from review_queue.storage.store import Store
from review_queue.storage.transactions import write_transaction

from .browser.support import decision_form, item_id_by_url, live_server, seed, signed_in_client
from .fixtures.postgres import copy_to_postgres, postgres_bin, server, start_server, stop_server  # noqa: F401

pytestmark = pytest.mark.skipif(postgres_bin() is None,
                                reason="PostgreSQL (initdb, pg_ctl) is not installed (make system-deps installs it)")
RECOVERY_S = 10
_names = itertools.count()


@pytest.fixture
def pg_store(server, db_path):
    return copy_to_postgres(seed(db_path), server, f"outage{next(_names)}")


def test_pages_answer_503_during_a_restart_and_200_again_without_restarting_the_app(server, pg_store):
    item_id = item_id_by_url(pg_store, "https://kz.example/detained")
    pages = ["/queue", f"/items/{item_id}", "/queue?q=журналист", "/queue/next", "/reports",
             "/export?what=decisions&format=csv"]
    with live_server(pg_store.url) as base:
        alice = signed_in_client(base, "alice")
        assert {page: alice.get(page, follow_redirects=True).status_code for page in pages} == {page: 200 for page in pages}
        form = decision_form(alice.get(f"/items/{item_id}").text)

        stop_server(server)
        try:
            during = {page: alice.get(page, follow_redirects=True) for page in pages}
            post = alice.post(f"/items/{item_id}/decide", data={**form, "action": "second_opinion"})
        finally:
            start_server(server)
        back = time.monotonic()
        assert {page: r.status_code for page, r in during.items()} == {page: 503 for page in pages}
        assert post.status_code == 503
        outage = during["/queue"]
        assert 'id="db-unavailable"' in outage.text and "База данных сейчас не отвечает" in outage.text  # alice: ru
        assert outage.headers["retry-after"] and 'http-equiv="refresh"' in outage.text

        while True:
            codes = {page: alice.get(page, follow_redirects=True).status_code for page in pages}
            if set(codes.values()) == {200} or time.monotonic() - back > RECOVERY_S:
                break
            time.sleep(0.2)
        assert codes == {page: 200 for page in pages}, f"not recovered {RECOVERY_S} s after the restart"
        assert alice.post(f"/items/{item_id}/decide", data={**form, "action": "second_opinion"}).status_code == 303


def test_a_store_held_across_a_restart_reads_and_writes_again_by_itself(server, pg_store):
    """What a crawl or classify worker does: keep one Store for hours. After the restart its pooled
    connections are all dead; the first read and the first write transaction still succeed."""
    worker = Store(pg_store.url, wait=5)
    assert worker.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 5
    stop_server(server)
    start_server(server)
    assert worker.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 5     # retried on a fresh connection
    with write_transaction(worker.db):
        worker.db.execute("UPDATE articles SET author = 'after restart' WHERE id = 1")
    stop_server(server)
    start_server(server)
    worker.set_language(1, "kk")              # a write outside a transaction: found dead at its BEGIN, retried
    assert worker.db.execute("SELECT author, lang FROM articles WHERE id = 1").fetchone() == ("after restart", "kk")
    worker.close()


def test_while_the_server_is_down_a_store_fails_with_a_storage_error_after_its_wait(server, pg_store):
    from review_queue.storage.store import STORAGE_ERRORS
    worker = Store(pg_store.url, wait=1)
    stop_server(server)
    try:
        started = time.monotonic()
        with pytest.raises(STORAGE_ERRORS):
            worker.db.execute("SELECT COUNT(*) FROM articles")
        assert time.monotonic() - started < 5       # bounded: the wait, and a short retry
    finally:
        start_server(server)
    back = time.monotonic()
    while True:        # as a worker's next item would: no new Store, no restart
        try:
            assert worker.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 5
            break
        except STORAGE_ERRORS:
            assert time.monotonic() - back < RECOVERY_S
    worker.close()
