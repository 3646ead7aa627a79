"""A site that fails in every way a real one does, crawled beside a healthy one: the
healthy site's articles are all stored, each fault is counted in the faulty source's
run figures, Retry-After is honoured, nothing crashes."""
import gzip
import json
import sqlite3
import time
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from .fixtures.crawl import crawl, write_sources
from .fixtures.sites import HTML, XML, Site, article_html, article_text, rss

HUGE = 50 * 1024 * 1024
CP1251_TEXT = ["Журналиста редакции «Степной вестник» не пустили на сессию маслихата. " * 3,
               "Секретарь маслихата заявил, что заседание закрытое, хотя повестка была опубликована заранее. " * 2,
               "Редакция направила жалобу в прокуратуру области и ждёт ответа в установленный законом срок. " * 2]


def faulty_site() -> Site:
    site = Site()
    calls = {"429": 0}

    def throttled(handler, query):
        calls["429"] += 1
        if calls["429"] == 1:
            return 429, {**HTML, "Retry-After": "1"}, b"<html><body>Too many requests</body></html>"
        return 200, HTML, article_html("После паузы", article_text(429)).encode()

    def hang(handler, query):
        site.stopping.wait(20)  # longer than DOWNLOAD_TIMEOUT: the crawler must give up on it
        return None

    def huge(handler, query):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(HUGE))
        handler.end_headers()
        chunk = b"<p>" + b"x" * 65536 + b"</p>"
        try:
            for _ in range(HUGE // len(chunk)):
                handler.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return None

    whole = gzip.compress(article_html("Обрезанный", article_text(77)).encode())
    # unclosed <p> and <b>, stray closing tags, no </body>: what old CMS templates serve
    malformed = ("<html><head><title>Сломанная вёрстка</title><body><div class=article><h1>Сломанная вёрстка"
                 "</span></h1>" + "".join(f"<p>{p} <b>важно</i>\n" for p in article_text(88))
                 + "</div></div></td></html>").encode()
    site.routes.update({
        "/feed.xml": lambda h, q: (200, XML, rss([(site.url(p), p, datetime(2024, 10, 1, tzinfo=timezone.utc)) for p in (
            "/a/500", "/a/429", "/a/hang", "/a/loop", "/a/huge", "/a/gzip", "/a/charset", "/a/malformed",
            "/a/garbage")])),
        "/a/500": (500, HTML, b"<html><body>Internal Server Error</body></html>"),
        "/a/429": throttled,
        "/a/hang": hang,
        "/a/loop": (302, {"Location": "/a/loop-2"}, b""),
        "/a/loop-2": (302, {"Location": "/a/loop"}, b""),
        "/a/huge": huge,
        "/a/gzip": (200, {**HTML, "Content-Encoding": "gzip"}, whole[: len(whole) // 2]),
        "/a/charset": (200, {"Content-Type": "text/html; charset=utf-8"},
                       article_html("Журналиста не пустили на сессию", CP1251_TEXT, charset="windows-1251")
                       .encode("windows-1251")),
        "/a/malformed": (200, HTML, malformed),
        "/a/garbage": (200, HTML, b"<html><body><div><<<>>>\x00\x01\x02 <p>\xff\xfe</p></td></span>"),
    })
    return site


def healthy_site() -> Site:
    site = Site()
    site.routes["/feed.xml"] = lambda h, q: (200, XML, rss([(site.url(f"/ok/{i}"), str(i), datetime(
        2024, 10, i, tzinfo=timezone.utc)) for i in range(1, 9)]))
    for i in range(1, 9):
        site.routes[f"/ok/{i}"] = (200, HTML, article_html(f"Здоровая новость {i}", article_text(500 + i)).encode())
    return site


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    faulty, healthy = faulty_site().start(), healthy_site().start()
    sources = write_sources(tmp / "sources.yaml", [
        {"name": "faulty", "feeds": [faulty.url("/feed.xml")]},
        {"name": "healthy", "feeds": [healthy.url("/feed.xml")]}])
    started = time.monotonic()
    result = crawl(tmp / "crawl.db", sources, settings={"DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "1"})
    elapsed = time.monotonic() - started
    faulty.stop()
    healthy.stop()
    conn = sqlite3.connect(tmp / "crawl.db")
    conn.row_factory = sqlite3.Row
    (run,) = conn.execute("SELECT * FROM crawl_runs WHERE source = 'faulty'")
    yield SimpleNamespace(result=result, db=conn, faulty=faulty, healthy=healthy, elapsed=elapsed,
                          errors=json.loads(run["error_kinds"]), stats=json.loads(run["stats"]))


def test_the_crawl_finishes_without_crashing(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    assert "Traceback" not in crawled.result.stderr
    assert crawled.elapsed < 60


def test_the_healthy_sites_articles_are_all_stored(crawled):
    stored = {r["url"] for r in crawled.db.execute("SELECT url FROM articles WHERE source = 'healthy'")}
    assert stored == {crawled.healthy.url(f"/ok/{i}") for i in range(1, 9)}


def test_each_fault_is_counted_in_the_sources_run(crawled):
    errors = crawled.errors
    assert errors.get("http_500") == 1
    assert errors.get("timeout") == 1
    assert errors.get("redirect_loop") == 1
    assert errors.get("too_large") == 1
    assert errors.get("truncated_body") == 1
    assert errors.get("charset_mismatch") == 1
    assert crawled.stats.get("throttled/http_429") == 1
    assert crawled.stats.get("not_article") == 1        # the garbage page


def test_retry_after_is_honoured(crawled):
    first, second = crawled.faulty.requests_for("/a/429")
    assert second["at"] - first["at"] >= 1.0
    assert crawled.db.execute("SELECT 1 FROM articles WHERE url LIKE '%/a/429'").fetchone()


def test_pages_with_a_wrong_charset_or_broken_markup_are_still_read(crawled):
    (row,) = crawled.db.execute("SELECT title, text FROM articles WHERE url LIKE '%/a/charset'")
    assert row["title"] == "Журналиста не пустили на сессию" and "маслихата" in row["text"]
    assert crawled.db.execute("SELECT 1 FROM articles WHERE url LIKE '%/a/malformed'").fetchone()


def test_transient_failures_stay_on_the_frontier_permanent_ones_do_not(crawled):
    pending = {r["url"].rsplit("/", 1)[1] for r in crawled.db.execute("SELECT url FROM crawl_frontier")}
    assert pending == {"500", "hang", "gzip"}
    assert crawled.db.execute("SELECT outcome FROM seen_urls WHERE url LIKE '%/a/huge'").fetchone()[0] == "too_large"
