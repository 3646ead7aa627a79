"""Decisions, incidents, the audit trail, queue order, search, pagination and exports
through the storage layer and the command line."""
import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from classifiers.model import Prediction
from classifiers.priority import priority_of
from review_queue.reports.export import export_text
from review_queue.review.decisions import DecisionError, decide, history
from review_queue.review.queue_view import QueueFilter, list_queue
from review_queue.storage.search_terms import search_columns
from review_queue.review.users import get_user
from sozwatch.cli import cli

from .browser.support import PASSWORD, item_id_by_url, seed

DETAINED, BLOCKED, THREAT = "https://kz.example/detained", "https://kz.example/site-blocked", "https://kz.example/threats"


@pytest.fixture
def store(db_path):
    return seed(db_path)


def test_attacks_and_detentions_come_first_whatever_the_relevance():
    assert priority_of(0.40, ["A.detention"]) > priority_of(0.99, ["B.closure_blocking"])
    assert priority_of(0.40, ["A.attack", "C.civil"]) > priority_of(0.99, ["A.threat"])
    assert priority_of(0.9, ["C.civil"]) > priority_of(0.5, ["C.civil"])


def test_queue_filters_search_and_status(store):
    titles = lambda f: [row["title"] for row in list_queue(store, f)["items"]]  # noqa: E731
    assert titles(QueueFilter())[0] == "Журналиста задержали в Уральске"
    assert titles(QueueFilter(lang="kk")) == ["Тілшіге қоқан-лоққы көрсетілді"]
    assert titles(QueueFilter(source="orda.kz")) == ["Сайт издания заблокирован"]
    assert titles(QueueFilter(date_from="2025-03-01", date_to="2025-03-04")) == [
        "Журналиста задержали в Уральске", 'Суд <script>window.__pwned = 1</script> над блогером']
    assert titles(QueueFilter(q="камеру")) == ["Журналиста задержали в Уральске"]     # text, not only title
    assert titles(QueueFilter(q="заблокированный")) == ["Сайт издания заблокирован"]  # another form
    decide(store, item_id_by_url(store, BLOCKED), get_user(store, 1), 1, "reject", {"reject_reason": "duplicate"})
    assert "Сайт издания заблокирован" not in titles(QueueFilter())
    assert titles(QueueFilter(status="rejected")) == ["Сайт издания заблокирован"]


def test_full_text_index_follows_article_edits(store):
    article_id = store.db.execute("SELECT id FROM articles WHERE url = ?", [THREAT]).fetchone()[0]
    text = store.article(article_id)["text"]    # a writer stores the analysed columns with the text
    store.db["articles"].update(article_id, {"title": "Редактору угрожали", **search_columns("Редактору угрожали", text)})
    assert [r["title"] for r in list_queue(store, QueueFilter(q="угрожали"))["items"]] == ["Редактору угрожали"]


def test_keyset_pages_cover_the_queue_once_in_priority_order(db_path):
    store = seed(db_path)
    for i in range(120):
        stored = store.add_article({"url": f"https://kz.example/n{i}", "source": "bulk", "lang": "ru",
                                    "title": f"Новость {i}", "text": f"Текст номер {i} о суде"})
        store.add_prediction(stored.id, Prediction(relevance=(i % 17) / 17, is_candidate=True, scores={},
                                                   categories=["C.civil"] if i % 3 else ["A.attack"]))
    seen, cursor = [], None
    while True:
        page = list_queue(store, QueueFilter(), after=cursor, limit=50)
        seen += [(row["priority"], row["id"]) for row in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 125
    assert seen == sorted(seen, key=lambda p: (-p[0], p[1]))


def test_confirming_creates_an_incident_and_a_second_article_can_join_it(store):
    alice, bob = get_user(store, 1), get_user(store, 2)
    first, second = item_id_by_url(store, DETAINED), item_id_by_url(store, BLOCKED)
    after = decide(store, first, alice, 1, "confirm", {
        "categories": ["A.detention"], "attack_type": "physical", "perpetrator": "state",
        "victims": ["Аяна Ахметова"], "place": "Уральск", "incident_date": "2025-03-02"})
    incident_id = after["incident_id"]
    decide(store, second, bob, 1, "confirm", {"categories": ["A.obstruction"], "victims": ["Аяна Ахметова", "оператор"]},
           join_incident=incident_id)
    incidents = [json.loads(line) for line in export_text(store, "incidents", "jsonl").splitlines()]
    assert len(incidents) == 1
    incident = incidents[0]
    assert incident["categories"] == ["A.detention", "A.obstruction"]
    assert incident["victims"] == ["Аяна Ахметова", "оператор"] and incident["place"] == "Уральск"
    assert incident["urls"] == [DETAINED, BLOCKED] and incident["attack_type"] == "physical"


def test_malformed_decisions_are_refused_before_anything_is_written(store):
    alice, item = get_user(store, 1), item_id_by_url(store, DETAINED)
    with pytest.raises(DecisionError, match="reason"):
        decide(store, item, alice, 1, "reject", {})
    with pytest.raises(DecisionError, match="A.kidnap"):
        decide(store, item, alice, 1, "confirm", {"categories": ["A.kidnap"]})
    with pytest.raises(DecisionError, match="at least one category"):
        decide(store, item, alice, 1, "confirm", {"categories": []})
    assert history(store, item) == []


def test_the_audit_trail_is_append_only(store):
    alice, item = get_user(store, 1), item_id_by_url(store, DETAINED)
    decide(store, item, alice, 1, "second_opinion", {"notes": "проверить дату"})
    entry = history(store, item)[0]
    assert entry["before"]["status"] == "pending" and entry["after"]["status"] == "second_opinion"
    assert entry["after"]["notes"] == "проверить дату" and entry["username"] == "alice"
    for statement in ("UPDATE decisions SET username = 'mallory'", "DELETE FROM decisions"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.execute(statement)


def test_users_history_and_export_commands(db_path, tmp_path):
    store = seed(db_path)
    runner = CliRunner()
    db = ["--db", str(db_path)]
    result = runner.invoke(cli, ["users", "add", "carol", "--password-stdin", *db], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["users", "add", "carol", "--password-stdin", *db], input=PASSWORD + "\n").exit_code == 2
    assert runner.invoke(cli, ["users", "add", "dave", "--password-stdin", *db], input="short\n").exit_code == 2
    assert runner.invoke(cli, ["users", "disable", "carol", *db]).exit_code == 0
    listing = runner.invoke(cli, ["users", "list", *db]).output
    assert "carol" in listing and "disabled" in listing and PASSWORD not in listing

    item = item_id_by_url(store, DETAINED)
    decide(store, item, get_user(store, 2), 1, "confirm", {"categories": ["A.detention"], "victims": ["=HYPERLINK()"]})
    result = runner.invoke(cli, ["queue", "history", str(item), *db])
    assert result.exit_code == 0 and "bob" in result.output and "confirm" in result.output
    assert runner.invoke(cli, ["queue", "history", "999", *db]).exit_code == 1

    out = tmp_path / "decisions.csv"
    assert runner.invoke(cli, ["export", "--what", "decisions", "--format", "csv", "--out", str(out), *db]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["user"], r["action"], r["categories"]) for r in rows] == [("bob", "confirm", "A.detention")]
    assert rows[0]["victims"] == "'=HYPERLINK()"          # a spreadsheet will not run crawled formulas
    jsonl = runner.invoke(cli, ["export", "--what", "incidents", "--format", "jsonl", *db]).output
    assert json.loads(jsonl.splitlines()[0])["categories"] == ["A.detention"]
