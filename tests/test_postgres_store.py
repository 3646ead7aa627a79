"""PostgreSQL as the queue database (issue 7), against a real server that this module starts
(Debian's `postgresql`: initdb in a temporary folder, a free 127.0.0.1 port). The same Store API
and the same code paths as SQLite, selected by the URL: the migrations, articles, predictions, the
queue, users, claims, versioned decisions and their audit trail, the queue page's filters and
search, a crawl; and eight reviewers deciding at once lose no decision."""
from __future__ import annotations

import random
import threading
from types import SimpleNamespace

import pytest

from classifiers.priority import priority_of
from review_queue.review.decisions import Conflict, claim_item, decide, history
from review_queue.review.queue_view import QueueFilter, list_items, list_queue
from review_queue.review.users import add_user, authenticate
from review_queue.storage import crawl_state
from review_queue.storage.bulk import bulk_add_candidates
from review_queue.storage.store import Store

from .browser.support import items_decided_twice
from .fixtures.postgres import any_url, create_database, pg_url, postgres_bin, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(postgres_bin() is None,
                                reason="PostgreSQL (initdb, pg_ctl) is not installed (make system-deps installs it)")
PASSWORD = "correct horse battery"


def prediction(relevance=0.9, categories=("A.detention",), candidate=True):
    return SimpleNamespace(model_version="test-1", relevance=relevance, is_candidate=candidate,
                           scores={c: relevance for c in categories}, categories=list(categories),
                           extras={"evidence": {"A.detention": ["задержали"]}},
                           priority=priority_of(relevance, list(categories)))


def article(i: int, **extra) -> dict:
    """An article; given `relevance` and `categories`, a bulk-load record with its queue priority."""
    if "relevance" in extra:
        extra["priority"] = priority_of(extra["relevance"], extra["categories"])
    return {"url": f"https://kz.example/{i}", "source": f"src{i % 3}", "lang": ["ru", "kk", "en"][i % 3],
            "title": f"Журналиста задержали {i}", "text": f"Полиция задержала журналиста номер {i} в Павлодаре. " * 8,
            "published": f"2024-10-{1 + i % 28:02d}", **extra}


def scenario(url: str) -> dict:
    """One run through the core path; returns what it saw, to compare SQLite with PostgreSQL."""
    store = Store(url)
    seen = {"dialect": store.dialect}
    ids = [store.add_article(article(i)).id for i in range(6)]
    seen["again"] = store.add_article(article(0)).created
    seen["same_text"] = store.add_article({**article(1), "url": "https://other.example/copy"}).created
    for n, article_id in enumerate(ids):
        store.add_prediction(article_id, prediction(0.5 + n / 20, ("A.detention",) if n % 2 else ("A.threat",),
                                                    candidate=n != 5))
    seen["items"] = [(r["article_id"], r["categories"]) for r in list_items(store)]
    seen["detention"] = [r["article_id"] for r in list_items(store, category="A.detention")]
    seen["kk"] = [r["article_id"] for r in list_items(store, lang="kk")]
    counts = store.counts()
    seen["counts"] = (counts["articles"], counts["articles_by_lang"], counts["items_by_status"],
                      counts["pending_by_category"])
    alice = add_user(store, "alice", PASSWORD, role="admin")
    bob = add_user(store, "bob", PASSWORD)
    seen["auth"] = (authenticate(store, "alice", PASSWORD) == alice, authenticate(store, "bob", "wrong password"))
    item = list_items(store)[0]["id"]
    seen["claims"] = (claim_item(store, item, alice).granted, claim_item(store, item, bob).granted)
    after = decide(store, item, alice, 1, "confirm", {"categories": ["A.detention"], "victims": ["Д. Н."]})
    seen["after"] = {k: after[k] for k in ("status", "version", "categories", "victims")}
    with pytest.raises(Conflict) as refused:
        decide(store, item, bob, 1, "reject", {"reject_reason": "not_incident"})
    seen["conflict"] = (refused.value.last_by, refused.value.current_version)
    seen["history"] = [(h["username"], h["action"], h["applied"]) for h in history(store, item)]
    try:
        store.db.execute("UPDATE decisions SET username = 'mallory'")
        seen["audit_editable"] = True
    except Exception as exc:  # noqa: BLE001 - either backend's error type
        seen["audit_editable"] = "append-only" in str(exc)
    page = list_queue(store, QueueFilter(status="all", category="A.detention", q="журналиста Павлодаре"))
    seen["queue_page"] = ([r["article_id"] for r in page["items"]], page["total"])
    seen["search_miss"] = list_queue(store, QueueFilter(status="all", q="землетрясение"))["total"]
    crawl_state.mark_seen(store, "k1", "https://kz.example/x", "src0", "not_article")
    crawl_state.mark_seen(store, "k1", "https://kz.example/x", "src0", "article")
    crawl_state.link_story(store, ids[0], "story-1", b"\x00\x01sig")
    crawl_state.link_story(store, ids[0], "story-1", b"\x00\x02sig")
    seen["crawl_state"] = (crawl_state.is_known(store, "k1", "https://kz.example/x"),
                           crawl_state.story_signatures(store, "2000-01-01"))
    seen["bulk"] = bulk_add_candidates(store, [article(100 + i, relevance=0.3, categories=["C.civil"])
                                               for i in range(5)])
    seen["after_bulk"] = store.add_article(article(200)).id    # the serial id continues after explicit ids
    store.close()
    return seen


def test_the_same_code_path_gives_the_same_results_on_sqlite_and_postgresql(server, tmp_path):
    lite = scenario(str(tmp_path / "lite.db"))
    pg = scenario(create_database(server, "same_path"))
    assert lite.pop("dialect") == "sqlite" and pg.pop("dialect") == "postgresql"
    assert pg == lite
    assert pg["again"] is False and pg["same_text"] is False
    assert pg["conflict"] == ("alice", 2) and pg["audit_editable"] is True
    assert pg["history"] == [("alice", "confirm", True), ("bob", "reject", False)]


def test_the_migrations_create_the_same_tables_on_both(server, tmp_path):
    lite, pg = Store(tmp_path / "m.db"), Store(create_database(server, "migrations"))
    names = {r[0] for r in lite.db.execute("SELECT name FROM _migrations")}
    assert names == {r[0] for r in pg.db.execute("SELECT name FROM _migrations")}
    lite_tables = {t for t in lite.db.table_names() if not t.startswith(("search_index", "search_titles"))}
    assert lite_tables == set(pg.db.table_names())
    Store(pg.url).close()      # opening again applies nothing twice
    assert {r[0] for r in pg.db.execute("SELECT name FROM _migrations")} == names


def test_a_database_url_selects_the_backend(pg_url, tmp_path):
    assert Store(pg_url).dialect == "postgresql"
    assert Store(pg_url.replace("postgresql://", "postgresql:/")).dialect == "postgresql"   # as pathlib spells it
    assert Store(f"sqlite:///{tmp_path}/u.db").path == tmp_path / "u.db"
    assert Store(tmp_path / "plain.db").dialect == "sqlite"


def test_eight_reviewers_at_once_lose_no_decision(pg_url):
    """Eight monitors, each with their own connection, work the same queue at the same time: every
    item is decided exactly once, every attempt is in the audit trail, nothing is lost."""
    store = Store(pg_url)
    n_items = 40
    bulk_add_candidates(store, [article(i, relevance=0.5 + i / 100, categories=["A.detention"])
                                for i in range(n_items)])
    from argon2 import PasswordHasher
    users = [add_user(store, f"monitor{k}", PASSWORD) for k in range(8)]
    del PasswordHasher
    item_ids = [r[0] for r in store.db.execute("SELECT id FROM review_items ORDER BY id")]
    start = threading.Barrier(len(users))
    outcomes: dict[str, list] = {u.username: [] for u in users}
    errors: list[BaseException] = []

    def reviewer(user, seed):
        mine = Store(pg_url)
        order = item_ids[:]
        random.Random(seed).shuffle(order)
        start.wait()
        try:
            for item_id in order:          # everyone tries every item, on the version they loaded
                version = mine.db.execute("SELECT version FROM review_items WHERE id = ?", [item_id]).fetchone()[0]
                if version != 1:
                    continue
                try:
                    decide(mine, item_id, user, 1, "confirm" if seed % 2 else "reject",
                           {"categories": ["A.detention"], "reject_reason": "not_incident"})
                    outcomes[user.username].append((item_id, "applied"))
                except Conflict:
                    outcomes[user.username].append((item_id, "refused"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            mine.close()

    threads = [threading.Thread(target=reviewer, args=(u, k)) for k, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    applied = [i for rows in outcomes.values() for i, what in rows if what == "applied"]
    refused = [i for rows in outcomes.values() for i, what in rows if what == "refused"]
    assert sorted(applied) == item_ids                     # each item decided exactly once
    log = store.db.execute_returning_dicts("SELECT item_id, username, applied, from_version FROM decisions")
    assert len(log) == len(applied) + len(refused)          # every attempt kept, refused ones too
    assert sorted(r["item_id"] for r in log if r["applied"]) == item_ids
    assert items_decided_twice(store) == []                # no decision applied over another's
    rows = store.db.execute("SELECT status, version, decided_by FROM review_items").fetchall()
    assert all(status in ("confirmed", "rejected") and version == 2 and decided_by for status, version, decided_by in rows)
    by_user = {u.id: u.username for u in users}
    for item_id, status, decided_by in store.db.execute("SELECT id, status, decided_by FROM review_items"):
        winner = next(r for r in log if r["item_id"] == item_id and r["applied"])
        assert by_user[decided_by] == winner["username"]     # the stored state is the logged winner's
    confirmed = store.db.execute("SELECT COUNT(*) FROM review_items WHERE status = 'confirmed'").fetchone()[0]
    assert confirmed == store.db.execute("SELECT COUNT(*) FROM review_items WHERE incident_id IS NOT NULL").fetchone()[0]


def test_a_crawl_stores_into_postgresql(server, tmp_path):
    from .fixtures.crawl import crawl, write_sources
    from .fixtures.sites import HTML, XML, Site, article_html, article_text, urlset
    url = create_database(server, "crawl")
    with Site() as site:
        site.routes["/sitemap.xml"] = lambda h, q: (200, XML, urlset([(site.url(f"/n/{i}"), "2024-10-01")
                                                                      for i in range(12)]))
        for i in range(12):
            site.routes[f"/n/{i}"] = (200, HTML, article_html(f"Статья {i}", article_text(4000 + i)).encode())
        sources = write_sources(tmp_path / "sources.yaml", [{"name": "pg", "sitemaps": [site.url("/sitemap.xml")]}])
        first = crawl(url, sources)
        second = crawl(url, sources)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "stored 12 new articles" in first.stdout and "stored 0 new articles" in second.stdout
    store = Store(url)
    assert store.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 12
    assert store.db.execute("SELECT COUNT(*) FROM seen_urls WHERE outcome = 'article'").fetchone()[0] == 12
    assert store.db.execute("SELECT COUNT(*) FROM crawl_runs WHERE source = 'pg'").fetchone()[0] == 2
    assert store.db.execute("SELECT COUNT(*) FROM article_minhash").fetchone()[0] == 12


def test_the_review_app_serves_from_postgresql(pg_url):
    """The web app on a PostgreSQL URL: queue pages with every filter and search, an item, a
    decision, the admin and report pages, the exports."""
    from .browser.support import PASSWORD as WEB_PASSWORD, decision_form, live_server, signed_in_client
    store = Store(pg_url)
    bulk_add_candidates(store, [article(i, relevance=0.5 + i / 100, categories=["A.detention"]) for i in range(30)])
    add_user(store, "alice", WEB_PASSWORD, role="admin")
    with live_server(pg_url) as base:
        client = signed_in_client(base, "alice")
        pages = {path: client.get(path) for path in [
            "/queue", "/queue?lang=ru&category=A.detention", "/queue?q=журналист",
            "/queue?source=src1&date_from=2024-10-01&date_to=2024-10-31", "/items/1", "/admin/agreement",
            "/reports", "/export?what=decisions&format=csv"]}
        assert {path: r.status_code for path, r in pages.items()} == {path: 200 for path in pages}
        assert '<mark class="hit">Журналиста</mark> задержали 3' in pages["/queue?q=журналист"].text   # another form, marked
        assert "Журналиста задержали 3" not in client.get("/queue?q=землетрясение").text
        form = decision_form(client.get("/items/2").text)
        decided = client.post("/items/2/decide", data={**form, "action": "confirm", "categories": ["A.detention"]})
        assert decided.status_code == 303
        assert "confirm" in client.get("/export?what=decisions&format=csv").text
    assert store.db.execute("SELECT status FROM review_items WHERE id = 2").fetchone()[0] == "confirmed"
