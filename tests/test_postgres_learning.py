"""The learning loop's own functions on SQLite and on PostgreSQL (a real server, tests/fixtures/postgres.py):
the same scenario on both backends must give the same figures. Training examples from decisions
(with a stable held-out split), the uncertainty list and the low-score sample, alert selection,
agreement on double-reviewed items, re-scoring with history, the exports, and the report."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from classifiers.model import Prediction
from classifiers.priority import priority_of
from classifiers.taxonomy import NONE
from review_queue.learning.agreement import agreement_report, set_double_review
from review_queue.learning.reclassify import pending_article_ids, prediction_history, rescore_articles
from review_queue.learning.sampling import LOW_SCORE_ORIGIN, most_uncertain, queue_low_score_sample, sample_miss_rate
from review_queue.learning.training_data import decision_examples, is_heldout
from review_queue.reports.alerts import AlertSettings, due_alerts, send_pending_alerts
from review_queue.reports.export import export_text, records
from review_queue.review.decisions import decide
from review_queue.review.users import add_user
from review_queue.storage.store import Store
from sozwatch.cli import cli

from .fixtures.learning import RUSSIAN_NEGATIVE, _fill, decide_articles, russian_detentions
from .fixtures.postgres import any_url, postgres_bin, server  # noqa: F401 - fixtures
from .test_learn_agreement import ALPHA, KAPPA, double_reviewed
from .test_learn_alerts import webhook  # noqa: F401 - fixture: a local receiver

pytestmark = pytest.mark.skipif(postgres_bin() is None,
                                reason="PostgreSQL (initdb, pg_ctl) is not installed (make system-deps installs it)")
PASSWORD = "correct horse battery"


def _queue(store, i, relevance=0.8, candidate=True, categories=("B.info_refusal",), title=None):
    """An article and its prediction (a candidate is queued); returns (article id, item id or None)."""
    article = store.add_article({"url": f"https://example.org/{i}", "title": title or f"Article {i}",
                                 "text": f"text {i}", "lang": "en", "source": "example.org"})
    store.add_prediction(article.id, Prediction(relevance, candidate, {c: relevance for c in categories},
                                                list(categories) if candidate else [], "m-1"))
    row = store.db.execute("SELECT id FROM review_items WHERE article_id = ?", [article.id]).fetchone()
    return article.id, row[0] if row else None


def test_decisions_become_training_examples_with_a_stable_heldout_split(any_url):
    store = Store(any_url)
    monitor = add_user(store, "monitor", PASSWORD)
    decide_articles(store, monitor, russian_detentions(0, 15), "confirm", "ru-detention", ["A.detention"])
    decide_articles(store, monitor, _fill(RUSSIAN_NEGATIVE, 0, 9), "reject", "ru-other")
    _, duplicate = _queue(store, "dup")
    decide(store, duplicate, monitor, 1, "reject", {"reject_reason": "duplicate"})   # a real incident: left out

    first = decision_examples(store)
    examples = first.train + first.heldout
    assert sorted({tuple(e.labels) for e in examples}) == [("A.detention",), (NONE,)]
    assert sum(e.labels == ["A.detention"] for e in examples) == 15 and sum(e.labels == [NONE] for e in examples) == 9
    urls = dict(store.db.execute("SELECT 'item-' || r.id, a.url FROM review_items r "
                                 "JOIN articles a ON a.id = r.article_id").fetchall())
    assert all(is_heldout(urls[e.id]) for e in first.heldout) and not any(is_heldout(urls[e.id]) for e in first.train)
    assert first.lineage["skipped_rejections"] == 1
    assert first.lineage["up_to_decision_id"] == 24          # the 25th decision, the duplicate, is not used

    decide_articles(store, monitor, russian_detentions(40, 5), "confirm", "ru-more", ["A.detention"])
    second = decision_examples(store)
    assert {e.id for e in first.heldout} <= {e.id for e in second.heldout}      # nobody moved between parts
    assert {e.id for e in first.train} <= {e.id for e in second.train}
    assert first.lineage == {"trained_on": {"confirmed": 12, "rejected": 7}, "heldout": {"confirmed": 3, "rejected": 2},
                             "skipped_rejections": 1, "up_to_decision_id": 24}


def test_uncertainty_order_and_the_low_score_sample(any_url):
    store = Store(any_url)
    for i, relevance in enumerate([0.97, 0.52, 0.75, 0.61]):
        _queue(store, f"u{i}", relevance)
    assert [round(r["relevance"], 2) for r in most_uncertain(store)] == [0.52, 0.61, 0.75, 0.97]
    assert [round(r["uncertainty"], 2) for r in most_uncertain(store, limit=2)] == [0.96, 0.78]

    for i in range(6):
        _queue(store, f"c{i}", 0.8)
    for i in range(30):
        _queue(store, f"low{i}", 0.1, candidate=False)
    first = queue_low_score_sample(store, "2000-01-01", share=0.2, seed=7)
    assert len(first) == 2                                   # 20% of the 10 candidates
    chosen = [r[0] for r in store.db.execute(
        f"SELECT a.url FROM review_items r JOIN articles a ON a.id = r.article_id WHERE r.id IN "
        f"({','.join('?' * len(first))}) ORDER BY r.id", first)]
    assert chosen == ["https://example.org/low10", "https://example.org/low4"]   # the same draw on both backends
    rows = store.db.execute_returning_dicts(
        f"SELECT status, origin, priority FROM review_items WHERE id IN ({','.join('?' * len(first))})", first)
    assert rows == [{"status": "pending", "origin": LOW_SCORE_ORIGIN, "priority": 0.0}] * 2
    assert len(queue_low_score_sample(store, "2000-01-01", share=0.2, seed=7)) == 2   # never the same article twice
    assert store.db.execute("SELECT COUNT(DISTINCT article_id) FROM review_items").fetchone()[0] == 14

    assert sample_miss_rate(store) == {"decided": 0, "confirmed": 0, "miss_rate": None}
    monitor = add_user(store, "monitor", PASSWORD)
    decide(store, first[0], monitor, 1, "confirm", {"categories": ["A.threat"]})
    decide(store, first[1], monitor, 1, "reject", {"reject_reason": "not_incident"})
    assert sample_miss_rate(store) == {"decided": 2, "confirmed": 1, "miss_rate": 0.5}


def test_alerts_select_grave_incidents_and_candidates_once(any_url, webhook):  # noqa: F811 - fixture
    store = Store(any_url)
    monitor = add_user(store, "monitor", PASSWORD)
    _, detained = _queue(store, "detained", 0.6, categories=("A.detention",), title="Reporter detained in Aktau")
    _, again = _queue(store, "detained-2", 0.6, categories=("A.detention",), title="Aktau detention, day two")
    _queue(store, "beaten", 0.95, categories=("A.attack",), title="Cameraman beaten outside court")
    _queue(store, "refused", 0.99, categories=("B.info_refusal",), title="Akimat ignores request")
    _queue(store, "unsure", 0.7, categories=("A.attack",), title="Below the threshold")
    decide(store, detained, monitor, 1, "confirm", {"categories": ["A.detention"], "place": "Aktau",
                                                    "incident_date": "2025-02-01", "victims": ["A. Reporter"]})
    incident = store.db.execute("SELECT incident_id FROM review_items WHERE id = ?", [detained]).fetchone()[0]
    decide(store, again, monitor, 1, "confirm", {"categories": ["A.detention"]}, join_incident=incident)

    due = due_alerts(store, threshold=0.9)
    assert [(a.key, a.kind, a.categories, a.item_id, a.title) for a in due] == [
        (f"incident-{incident}", "confirmed", ["A.detention"], detained, "Reporter detained in Aktau"),
        ("candidate-3", "candidate", ["A.attack"], 3, "Cameraman beaten outside court")]
    assert due[0].details == {"date": "2025-02-01", "place": "Aktau", "victims": "A. Reporter"}

    url, posted = webhook
    sent = send_pending_alerts(store, AlertSettings(webhook=url, threshold=0.9))
    assert [results for _, results in sent] == [{"webhook": None}] * 2
    assert [p["title"] for p in posted] == ["Reporter detained in Aktau", "Cameraman beaten outside court"]
    assert send_pending_alerts(store, AlertSettings(webhook=url, threshold=0.9)) == []     # each announced once
    assert store.db.execute("SELECT COUNT(*) FROM alerts_sent").fetchone()[0] == 2


def test_agreement_on_double_reviewed_items(any_url):
    """The hand-computed example of test_learn_agreement: kappa and alpha identical on both backends."""
    store = double_reviewed(any_url)
    assert not set_double_review(store, 999)
    report = agreement_report(store)
    assert (report["double_review_items"], report["items_with_two_or_more_labels"], report["monitors"]) == \
        (10, 10, ["alice", "bob"])
    threat = next(r for r in report["rows"] if r["category"] == "A.threat")
    assert (threat["items"], threat["cohen_kappa"], threat["krippendorff_alpha"]) == (10, KAPPA, ALPHA)
    relevance = next(r for r in report["rows"] if r["category"] == "relevance")
    assert (relevance["items"], relevance["cohen_kappa"], relevance["krippendorff_alpha"]) == (10, 0.5238, 0.5476)
    statuses = dict(store.db.execute("SELECT status, COUNT(*) FROM review_items GROUP BY status").fetchall())
    assert statuses == {"confirmed": 6, "rejected": 2, "second_opinion": 2}    # disagreements wait for a third

    result = CliRunner().invoke(cli, ["stats", "agreement", "--json", "--db", any_url])
    assert result.exit_code == 0, result.output
    rows = {r["category"]: r for r in json.loads(result.output)["rows"]}
    assert (rows["A.threat"]["cohen_kappa"], rows["A.threat"]["krippendorff_alpha"]) == (KAPPA, ALPHA)


class FakeUnderstander:
    version = "m-2"

    def understand_many(self, docs):
        return [Prediction(0.9, True, {"A.detention": 0.9}, ["A.detention"], self.version) for _ in docs]


def test_reclassify_keeps_the_old_scores_in_history(any_url):
    store = Store(any_url)
    queued = [_queue(store, i, 0.4) for i in range(3)]
    monitor = add_user(store, "monitor", PASSWORD)
    decide(store, queued[0][1], monitor, 1, "reject", {"reject_reason": "not_incident"})

    assert pending_article_ids(store) == [queued[1][0], queued[2][0]]
    assert rescore_articles(store, FakeUnderstander(), pending_article_ids(store), batch_size=1) == 2
    history = prediction_history(store, queued[1][0])
    assert [(p["model_version"], p["categories"], p["scores"]) for p in history] == [
        ("m-1", ["B.info_refusal"], {"B.info_refusal": 0.4}), ("m-2", ["A.detention"], {"A.detention": 0.9})]
    priorities = dict(store.db.execute("SELECT article_id, priority FROM review_items").fetchall())
    assert priorities == {queued[0][0]: priority_of(0.4, ["B.info_refusal"]),      # decided: left alone
                          queued[1][0]: priority_of(0.9, ["A.detention"]), queued[2][0]: priority_of(0.9, ["A.detention"])}
    assert len(prediction_history(store, queued[0][0])) == 1


def test_exports_and_the_report(any_url):
    store = Store(any_url)
    alice = add_user(store, "alice", PASSWORD, role="admin")
    bob = add_user(store, "bob", PASSWORD)
    items = [_queue(store, i, 0.9, categories=("A.detention",), title=f"=HYPERLINK() {i}")[1] for i in range(5)]
    decide(store, items[0], alice, 1, "confirm", {"categories": ["A.detention"], "incident_date": "2025-03-04",
                                                  "place": "Almaty", "victims": ["D. N."]})
    first = store.db.execute("SELECT incident_id FROM review_items WHERE id = ?", [items[0]]).fetchone()[0]
    decide(store, items[1], bob, 1, "confirm", {"categories": ["A.threat"], "victims": ["E. K."]}, join_incident=first)
    decide(store, items[2], bob, 1, "confirm", {"categories": ["A.detention"]})          # an incident without a date
    decide(store, items[3], bob, 1, "reject", {"reject_reason": "not_incident"})
    set_double_review(store, items[4])
    decide(store, items[4], alice, 1, "confirm", {"categories": ["A.detention"]})         # open blind round: hidden

    incidents = list(records(store, "incidents"))
    assert [(r["date"], r["categories"], r["victims"], r["item_ids"], r["created_by"]) for r in incidents] == [
        (None, ["A.detention"], [], [items[2]], "bob"),
        ("2025-03-04", ["A.detention", "A.threat"], ["D. N.", "E. K."], items[:2], "alice")]
    assert incidents[1]["urls"] == ["https://example.org/0", "https://example.org/1"]
    decisions = list(records(store, "decisions"))
    assert [(r["item_id"], r["user"], r["action"], r["status"]) for r in decisions] == [
        (items[0], "alice", "confirm", "confirmed"), (items[1], "bob", "confirm", "confirmed"),
        (items[2], "bob", "confirm", "confirmed"), (items[3], "bob", "reject", "rejected")]
    csv_text = export_text(store, "incidents", "csv")
    assert csv_text.splitlines()[2].startswith(f"{first},2025-03-04,Almaty,A.detention;A.threat,")
    assert "'=HYPERLINK() 0" in export_text(store, "decisions", "csv")
    assert json.loads(export_text(store, "decisions", "jsonl").splitlines()[-1])["reject_reason"] == "not_incident"

    from review_queue.reports.report import build_report, render
    report = build_report(store, month="2025-03")
    assert report["total"] == 1
    assert "2025" in render(report, "md") and render(report, "csv").startswith("section,group,code")
    assert build_report(store, year=2025)["total"] == 1
    result = CliRunner().invoke(cli, ["report", "--month", "2025-03", "--format", "csv", "--db", any_url])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("section,group,code")


def test_train_finds_the_decisions_of_a_postgresql_queue(any_url):
    import click

    from sozwatch.cli.common import decisions_store
    from sozwatch.config import Config
    Store(any_url).close()
    store = decisions_store(click.Context(cli, obj=Config()), any_url)
    assert store is not None and store.dialect == ("sqlite" if any_url.endswith(".db") else "postgresql")
