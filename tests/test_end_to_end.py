"""The whole path on the bundled demo sites: crawl → extract → classify → queue.

The crawl runs as the real `sozwatch crawl` command in a subprocess (Scrapy's reactor
runs once per process) against the demo servers on 127.0.0.1."""
import json
import sqlite3
import subprocess
from types import SimpleNamespace

import pytest
from w3lib.url import canonicalize_url

from crawler.demo_sites.server import DemoSites

from .conftest import ROOT, sozwatch_cmd


def crawl(db, sources):
    return subprocess.run([*sozwatch_cmd(), "--db", str(db), "crawl", "--sources", str(sources)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    db, sources = tmp / "demo.db", tmp / "sources.yaml"
    with DemoSites() as sites:
        sites.write_sources(sources)
        first = crawl(db, sources)
        counts_after_first = {t: sqlite3.connect(db).execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                              for t in ("articles", "predictions", "review_items")}
        requests_before_second = len(sites.request_log)
        second = crawl(db, sources)
        yield SimpleNamespace(
            truth=sites.articles(), db=sqlite3.connect(db), first=first, second=second,
            counts_after_first=counts_after_first,
            second_run_paths=[path for _, path in sites.request_log[requests_before_second:]],
        )


def rows(demo, sql, *params):
    demo.db.row_factory = sqlite3.Row
    return [dict(r) for r in demo.db.execute(sql, params)]


def test_the_crawl_command_succeeds(demo):
    assert demo.first.returncode == 0, demo.first.stderr[-3000:]
    assert "stored" in demo.first.stdout


def test_every_demo_article_is_stored_once_with_its_language(demo):
    stored = {r["url"]: r for r in rows(demo, "SELECT url, lang FROM articles")}
    for article in demo.truth:
        url = canonicalize_url(article["url"])
        assert url in stored, f"missing: {article['url']}"
        assert stored[url]["lang"] == article["lang"], article["url"]


def test_listing_tag_and_home_pages_are_not_stored(demo):
    urls = [r["url"] for r in rows(demo, "SELECT url FROM articles")]
    assert len(urls) == len(demo.truth)
    assert not [u for u in urls if "/tag/" in u or "page=" in u or u.rstrip("/").count("/") == 2]


def test_windows_1251_article_reads_correctly(demo):
    (article,) = [a for a in demo.truth if a["encoding"] == "windows-1251"]
    (row,) = rows(demo, "SELECT title, text, encoding FROM articles WHERE url = ?", canonicalize_url(article["url"]))
    assert row["title"] == article["title"]
    assert "Ð" not in row["text"] and "журналист" in row["text"].lower()


def test_an_incident_of_each_group_is_queued_with_a_correct_category(demo):
    queued = rows(demo, """SELECT a.url, p.categories FROM review_items r JOIN articles a ON a.id = r.article_id
                           JOIN predictions p ON p.article_id = a.id WHERE r.status = 'pending'""")
    truth = {canonicalize_url(a["url"]): set(a["labels"]) for a in demo.truth}
    correct_groups = set()
    for item in queued:
        for code in set(json.loads(item["categories"])) & truth[item["url"]]:
            correct_groups.add(code[0])
    assert correct_groups == {"A", "B", "C"}


def test_every_stored_article_records_the_model_version(demo):
    versions = rows(demo, "SELECT DISTINCT model_version FROM predictions")
    assert len(versions) == 1 and versions[0]["model_version"]


def test_a_second_crawl_adds_nothing_and_fetches_no_known_article(demo):
    assert demo.second.returncode == 0, demo.second.stderr[-3000:]
    for table, count in demo.counts_after_first.items():
        assert demo.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == count, table
    article_paths = {a["url"].split("/", 3)[3] for a in demo.truth}
    assert not [p for p in demo.second_run_paths if p.lstrip("/") in article_paths]


def test_a_crawl_leaves_query_planner_statistics_for_the_queue_pages(demo):
    # without them SQLite picks a slow plan for filtered queue counts (README, "Review app")
    analysed = {table for (table,) in demo.db.execute("SELECT tbl FROM sqlite_stat1")}
    assert {"articles", "review_items", "predictions"} <= analysed
