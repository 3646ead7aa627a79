"""Uncertainty in the queue's priority, the "most uncertain first" list, the random sample of
low-score articles, and re-scoring pending items with a new model (old scores kept)."""
from classifiers.model import Prediction
from classifiers.priority import priority_of
from review_queue.learning.reclassify import pending_article_ids, prediction_history, rescore_articles
from review_queue.learning.sampling import LOW_SCORE_ORIGIN, most_uncertain, queue_low_score_sample, sample_miss_rate
from review_queue.review.decisions import decide
from review_queue.review.users import add_user
from review_queue.storage.store import Store


def _article(store, i, relevance, candidate, categories=("B.info_refusal",)):
    article = store.add_article({"url": f"https://example.org/{i}", "title": f"Article {i}", "text": f"text {i}",
                                 "lang": "en", "source": "example.org"})
    store.add_prediction(article.id, Prediction(relevance, candidate, {c: relevance for c in categories},
                                                list(categories) if candidate else [], "m-1"))
    return article.id


def test_uncertainty_lifts_an_item_within_its_severity_but_never_past_a_graver_one():
    assert priority_of(0.5, ["C.civil"]) > priority_of(0.5, ["C.civil"], uncertainty_weight=0)
    assert priority_of(0.95, ["C.civil"]) > priority_of(0.5, ["C.civil"])      # likelier incidents still first
    assert priority_of(0.01, ["A.detention"]) > priority_of(0.5, ["A.threat"]) > priority_of(0.5, ["C.civil"])


def test_most_uncertain_first(db_path):
    store = Store(db_path)
    for i, relevance in enumerate([0.97, 0.52, 0.75, 0.61]):
        _article(store, i, relevance, True)
    assert [round(row["relevance"], 2) for row in most_uncertain(store)] == [0.52, 0.61, 0.75, 0.97]


def test_a_share_of_low_score_articles_is_queued_and_measures_the_models_misses(db_path):
    store = Store(db_path)
    for i in range(10):
        _article(store, i, 0.8, True)
    for i in range(10, 40):
        _article(store, i, 0.1, False)
    since = "2000-01-01"
    first = queue_low_score_sample(store, since, share=0.2, seed=7)
    assert len(first) == 2      # 20% of the 10 candidates
    rows = store.db.execute_returning_dicts(
        f"SELECT status, origin FROM review_items WHERE id IN ({','.join('?' * len(first))})", first)
    assert rows == [{"status": "pending", "origin": LOW_SCORE_ORIGIN}] * 2
    assert len(queue_low_score_sample(store, since, share=0.2, seed=7)) == 2   # never the same article twice
    assert store.db.execute("SELECT COUNT(DISTINCT article_id) FROM review_items").fetchone()[0] == 14

    monitor = add_user(store, "monitor", "correct horse battery")
    decide(store, first[0], monitor, 1, "confirm", {"categories": ["A.threat"]})
    decide(store, first[1], monitor, 1, "reject", {"reject_reason": "not_incident"})
    assert sample_miss_rate(store) == {"decided": 2, "confirmed": 1, "miss_rate": 0.5}


class FakeUnderstander:
    version = "m-2"

    def understand_many(self, docs):
        return [Prediction(0.9, True, {"A.detention": 0.9}, ["A.detention"], self.version) for _ in docs]


def test_reclassify_rescores_pending_items_and_keeps_the_old_scores(db_path):
    store = Store(db_path)
    ids = [_article(store, i, 0.4, True) for i in range(3)]
    monitor = add_user(store, "monitor", "correct horse battery")
    decided = store.db.execute("SELECT id FROM review_items WHERE article_id = ?", [ids[0]]).fetchone()[0]
    decide(store, decided, monitor, 1, "reject", {"reject_reason": "not_incident"})

    ticks = []
    changed = rescore_articles(store, FakeUnderstander(), pending_article_ids(store), batch_size=1,
                               progress=ticks.append)
    assert changed == 2 and ticks == [1, 1]
    history = prediction_history(store, ids[1])
    assert [(p["model_version"], p["categories"]) for p in history] == [("m-1", ["B.info_refusal"]),
                                                                        ("m-2", ["A.detention"])]
    priorities = dict(store.db.execute("SELECT article_id, priority FROM review_items").fetchall())
    assert priorities[ids[1]] == priority_of(0.9, ["A.detention"])
    assert len(prediction_history(store, ids[0])) == 1         # a decided item is left alone
