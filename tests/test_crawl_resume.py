"""Kill a crawl with SIGKILL halfway, start it again: the database ends up exactly as
after an uninterrupted crawl — same articles, none twice, none lost."""
import os
import signal
import sqlite3
import subprocess
import time

import pytest

from .conftest import ROOT
from .fixtures.crawl import crawl, crawl_args, write_sources
from .fixtures.sites import HTML, XML, Site, article_html, article_text, urlset

N_ARTICLES = 30
SLOW = {"CONCURRENT_REQUESTS_PER_DOMAIN": "2"}


def slow_site() -> Site:
    site = Site()
    site.routes["/sitemap.xml"] = lambda h, q: (200, XML, urlset(
        [(site.url(f"/n/{i}"), "2024-10-01") for i in range(N_ARTICLES)]))
    site.routes["/feed.xml"] = lambda h, q: (404, HTML, b"")  # the sitemap is the fallback

    def article(i):
        def serve(handler, query):
            time.sleep(0.15)  # slow enough to kill the crawl in the middle
            return 200, HTML, article_html(f"Статья {i}", article_text(3000 + i)).encode()
        return serve

    for i in range(N_ARTICLES):
        site.routes[f"/n/{i}"] = article(i)
    return site


def stored(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        conn.close()


def snapshot(db):
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT url, title, text, published, content_hash FROM articles ORDER BY url").fetchall()
    urls = [r[0] for r in rows]
    frontier = conn.execute("SELECT COUNT(*) FROM crawl_frontier").fetchone()[0]
    seen = conn.execute("SELECT COUNT(*) FROM seen_urls WHERE outcome = 'article'").fetchone()[0]
    conn.close()
    return rows, urls, frontier, seen


@pytest.fixture
def site():
    with slow_site() as s:
        yield s


def test_a_killed_crawl_resumes_to_the_same_database(site, tmp_path):
    sources = write_sources(tmp_path / "sources.yaml", [{"name": "slow", "feeds": [site.url("/feed.xml")],
                                                         "sitemaps": [site.url("/sitemap.xml")]}])
    whole = tmp_path / "whole.db"
    assert crawl(whole, sources, settings=SLOW).returncode == 0

    killed = tmp_path / "killed.db"
    proc = subprocess.Popen(crawl_args(killed, sources, settings=SLOW), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while stored(killed) < 8 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    interrupted_at = stored(killed)
    requests_before_restart = len(site.paths())
    assert 0 < interrupted_at < N_ARTICLES, "the crawl was not killed in the middle"

    again = crawl(killed, sources, settings=SLOW)
    assert again.returncode == 0, again.stderr[-3000:]
    rows_whole, urls_whole, _, _ = snapshot(whole)
    rows_killed, urls_killed, frontier, seen = snapshot(killed)
    assert len(urls_killed) == len(set(urls_killed)) == N_ARTICLES
    assert rows_killed == rows_whole
    assert frontier == 0 and seen == N_ARTICLES
    # the restart fetched exactly the articles the killed run had not stored
    restart_articles = [p for p in site.paths()[requests_before_restart:] if p.startswith("/n/")]
    assert len(restart_articles) == N_ARTICLES - interrupted_at
