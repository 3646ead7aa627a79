"""`sozwatch db copy SRC DST`: a SQLite queue moved into a new PostgreSQL database (a real server,
tests/fixtures/postgres.py) keeps every row and id, serves the same queue page and search, gives new
rows fresh ids and keeps the audit trail append-only; a target that already holds rows is refused."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from review_queue.review.queue_view import QueueFilter, list_queue
from review_queue.storage import crawl_state
from review_queue.storage.copy_db import TargetNotEmpty, copy_database, rows_in, schema_tables
from review_queue.storage.store import Store
from sozwatch.cli import cli, main

from .fixtures.postgres import pg_url, postgres_bin, server  # noqa: F401 - fixtures
from .test_postgres_store import article, scenario

pytestmark = pytest.mark.skipif(postgres_bin() is None,
                                reason="PostgreSQL (initdb, pg_ctl) is not installed (make system-deps installs it)")


@pytest.fixture
def lite(tmp_path):
    """A SQLite queue with articles, predictions, items, users, decisions (a refused attempt too),
    incidents, crawl state and story signatures: test_postgres_store's scenario."""
    path = str(tmp_path / "queue.db")
    scenario(path)
    return path


def test_a_sqlite_queue_copied_to_postgresql_works_the_same(lite, pg_url, monkeypatch, capsys):
    monkeypatch.setattr("review_queue.storage.copy_db.BATCH_ROWS", 3)        # several batches per table
    result = CliRunner().invoke(cli, ["db", "copy", lite, pg_url])
    assert result.exit_code == 0, result.output
    source, target = Store(lite), Store(pg_url)
    tables = schema_tables()
    counts = rows_in(source, tables)
    assert rows_in(target, tables) == counts
    assert counts["articles"] == 12 and counts["decisions"] == 2 and counts["incidents"] == 1 and counts["users"] == 2
    assert f"articles         {counts['articles']:>9} rows" in result.output
    assert list(tables).index("articles") < list(tables).index("review_items") < list(tables).index("decisions")

    for table, (columns, key) in tables.items():     # every row, ids kept
        select = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {key}"
        assert target.db.execute(select).fetchall() == [tuple(r) for r in source.db.execute(select).fetchall()], table
    for f in (QueueFilter(status="all"), QueueFilter(status="confirmed"), QueueFilter(status="all", lang="kk"),
              QueueFilter(status="all", q="журналиста Павлодаре")):
        assert list_queue(target, f) == list_queue(source, f)
    assert list_queue(target, QueueFilter(status="all", q="задержали"))["total"] == \
        list_queue(source, QueueFilter(status="all", q="задержали"))["total"] == "10"
    assert crawl_state.story_signatures(target, "2000-01-01") == crawl_state.story_signatures(source, "2000-01-01")

    top = source.db.execute("SELECT MAX(id) FROM articles").fetchone()[0]
    assert target.add_article(article(500)).id == top + 1        # the sequence continues after the copied ids
    assert list_queue(target, QueueFilter(status="all", q="номер 500"))["total"] == "0"   # no prediction: not queued
    assert target.db.execute("SELECT id FROM articles WHERE search_vector @@ to_tsquery('simple', '500')").fetchone() == (top + 1,)
    with pytest.raises(Exception, match="append-only"):
        target.db.execute("UPDATE decisions SET username = 'mallory'")

    with pytest.raises(SystemExit) as again:                      # the entry point: one line, exit 2
        main(["db", "copy", lite, pg_url])
    assert again.value.code == 2
    refused = capsys.readouterr().err.strip().splitlines()
    assert len(refused) == 1 and refused[0].startswith("sozwatch: ") and "already holds rows (" in refused[0]


def test_a_target_that_holds_rows_is_refused_and_left_alone(lite, pg_url):
    target = Store(pg_url)
    target.add_article(article(1))
    with pytest.raises(TargetNotEmpty, match="1 in articles"):
        copy_database(Store(lite), target)
    assert target.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1


def test_postgresql_back_to_sqlite(lite, pg_url, tmp_path):
    """Any Store URL to any other: the copy back gives the original rows and a working FTS5 index."""
    copy_database(Store(lite), Store(pg_url))
    back = Store(tmp_path / "back.db")
    copied = copy_database(Store(pg_url), back)
    assert copied == rows_in(Store(lite), schema_tables())
    assert list_queue(back, QueueFilter(status="all", q="журналиста")) == \
        list_queue(Store(lite), QueueFilter(status="all", q="журналиста"))
