import sqlite3

from classifiers.model import Prediction
from review_queue.review.queue_view import list_items
from review_queue.storage.migrations import MIGRATIONS
from review_queue.storage.store import Store

ARTICLE = {"url": "http://127.0.0.1/a.html", "source": "demo", "title": "Журналиста задержали",
           "text": "Журналиста задержали в Уральске. " * 20, "lang": "ru"}


def prediction(candidate=True, categories=("A.detention",), version="test-1"):
    return Prediction(relevance=0.9 if candidate else 0.1, is_candidate=candidate,
                      scores={"A.detention": 0.8}, categories=list(categories), model_version=version)


def test_same_url_or_same_text_is_stored_once(db_path):
    store = Store(db_path)
    first = store.add_article(ARTICLE)
    again = store.add_article(ARTICLE)
    syndicated = store.add_article({**ARTICLE, "url": "http://127.0.0.1/copy.html"})
    assert first.created and not again.created and not syndicated.created
    assert again.id == first.id == syndicated.id
    assert store.db["articles"].count == 1


def test_candidates_are_queued_and_others_are_not(db_path):
    store = Store(db_path)
    flagged = store.add_article(ARTICLE).id
    ordinary = store.add_article({**ARTICLE, "url": "http://127.0.0.1/b.html", "text": "Погода в Астане. " * 30}).id
    store.add_prediction(flagged, prediction())
    store.add_prediction(ordinary, prediction(candidate=False, categories=()))
    items = list_items(store)
    assert [item["article_id"] for item in items] == [flagged]
    assert items[0]["categories"] == ["A.detention"] and items[0]["model_version"] == "test-1"


def test_queue_filters_by_category_and_language(db_path):
    store = Store(db_path)
    article_id = store.add_article(ARTICLE).id
    store.add_prediction(article_id, prediction())
    assert list_items(store, category="A.detention", lang="ru")
    assert not list_items(store, category="B.cyberattack")
    assert not list_items(store, lang="kk")


def test_reopening_a_database_applies_no_migration_twice(db_path):
    Store(db_path).close()
    Store(db_path).close()
    applied = sqlite3.connect(db_path).execute("SELECT name FROM _migrations").fetchall()
    # the table lists them by name, and a name's number says which helper added it, not when
    assert sorted(name for (name,) in applied) == sorted(m.__name__ for m in MIGRATIONS)


def test_refreshing_statistics_lets_a_filtered_queue_count_use_the_source_index(db_path):
    store = Store(db_path)
    for i in range(300):
        article_id = store.add_article({**ARTICLE, "url": f"http://127.0.0.1/{i}.html", "text": f"{i} " + ARTICLE["text"],
                                        "source": "rare" if i == 0 else f"common{i % 3}"}).id
        store.add_prediction(article_id, prediction())
    count_plan = ("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM review_items r JOIN articles a ON a.id = r.article_id "
                  "WHERE r.status = 'pending' AND a.source = 'rare'")
    store.refresh_statistics()
    plan = " ".join(row[-1] for row in store.db.execute(count_plan).fetchall())
    assert "idx_articles_source" in plan


def test_opening_a_new_database_waits_when_another_process_is_switching_it_to_wal(db_path, monkeypatch):
    # two crawl workers opening a new file at once: SQLite tells the loser "database is locked"
    # at once, without the busy timeout, so Store retries until its timeout
    import sqlite_utils
    real_enable_wal, refusals = sqlite_utils.Database.enable_wal, []

    def busy_twice(self):
        if len(refusals) < 2:
            refusals.append(1)
            raise sqlite3.OperationalError("database is locked")
        real_enable_wal(self)

    monkeypatch.setattr(sqlite_utils.Database, "enable_wal", busy_twice)
    store = Store(db_path, busy_timeout=5)
    assert len(refusals) == 2 and store.db.journal_mode == "wal"
