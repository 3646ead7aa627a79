"""Distributed crawl (issue 7): two `sozwatch crawl --workers redis://…` processes share one
frontier in a real redis-server (Debian's package) started here on a free 127.0.0.1 port. The
database they fill equals a single-process crawl's: the same articles, none twice, and every
article page fetched once between the two workers."""
from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import time
from collections import Counter
from datetime import datetime, timezone

import pytest

from .conftest import ROOT
from .fixtures.crawl import crawl, crawl_args, write_sources
from .fixtures.sites import HTML, XML, Site, article_html, article_text, rss, urlset

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed (make system-deps installs it)")
N = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(folder), "--protected-mode", "yes"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    import redis
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 15
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


def site_with_articles() -> Site:
    site = Site()
    half = N // 2   # half through the feed, half only in the sitemap (discovery: all)
    site.routes["/feed.xml"] = lambda h, q: (200, XML, rss(
        [(site.url(f"/n/{i}"), f"N {i}", datetime(2024, 10, 1, tzinfo=timezone.utc)) for i in range(half)]))
    site.routes["/sitemap.xml"] = lambda h, q: (200, XML, urlset(
        [(site.url(f"/n/{i}"), "2024-10-01") for i in range(N)]))

    def article(i):
        def serve(handler, query):
            time.sleep(0.05)   # slow enough that both workers get a share
            return 200, HTML, article_html(f"Статья {i}", article_text(9000 + i)).encode()
        return serve

    for i in range(N):
        site.routes[f"/n/{i}"] = article(i)
    site.routes["/n/dup"] = (200, HTML, article_html("Копия", article_text(9000)).encode())   # same text as /n/0
    return site


def rows(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT url, title, text, content_hash FROM articles ORDER BY url").fetchall()
    finally:
        conn.close()


def test_two_workers_sharing_redis_crawl_what_one_process_does_with_no_duplicates(redis_url, tmp_path):
    with site_with_articles() as site:
        sources = write_sources(tmp_path / "sources.yaml", [{
            "name": "shared", "discovery": "all", "feeds": [site.url("/feed.xml")],
            "sitemaps": [site.url("/sitemap.xml")]}])
        single = tmp_path / "single.db"
        done = crawl(single, sources)
        assert done.returncode == 0, done.stderr[-3000:]
        single_paths = Counter(p for p in site.paths() if p.startswith("/n/"))
        site.log.clear()

        shared = tmp_path / "shared.db"
        extra = ("--workers", redis_url, "--crawl-id", "test-round-1")
        settings = {"SOZWATCH_WORKER_IDLE": "2"}
        workers = [subprocess.Popen(crawl_args(shared, sources, *extra, settings=settings), cwd=ROOT,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [w.communicate(timeout=120) for w in workers]
        for w, (out, err) in zip(workers, outputs):
            assert w.returncode == 0, err[-3000:]
        worker_paths = Counter(p for p in site.paths() if p.startswith("/n/"))

    assert rows(shared) == rows(single)
    urls = [r[0] for r in rows(shared)]
    assert len(urls) == len(set(urls)) == N
    assert len({r[3] for r in rows(shared)}) == N                     # no text stored twice
    assert set(worker_paths) == set(single_paths)
    assert max(worker_paths.values()) == 1, "a page was fetched by both workers"
    stored = [int(out.split("stored ")[1].split()[0]) for out, _ in outputs]
    assert sum(stored) == N                                              # each worker stored its share
    conn = sqlite3.connect(shared)
    assert conn.execute("SELECT COUNT(*) FROM crawl_frontier").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM crawl_runs WHERE source = 'shared'").fetchone()[0] == 2


def test_a_new_round_starts_with_a_clean_filter_and_stores_nothing_twice(redis_url, tmp_path):
    with site_with_articles() as site:
        sources = write_sources(tmp_path / "sources.yaml", [{"name": "again", "sitemaps": [site.url("/sitemap.xml")]}])
        db = tmp_path / "again.db"
        for round_id in ("r1", "r1", "r2"):
            done = crawl(db, sources, "--workers", redis_url, "--crawl-id", round_id,
                         settings={"SOZWATCH_WORKER_IDLE": "0.5"})
            assert done.returncode == 0, done.stderr[-3000:]
        sitemap_reads = len(site.requests_for("/sitemap.xml"))
    assert len(rows(db)) == N
    assert sitemap_reads == 2        # round r1 read it once (its filter remembers it); round r2 again


def test_an_unreachable_redis_is_a_clear_usage_error(tmp_path):
    sources = write_sources(tmp_path / "sources.yaml", [{"name": "x", "feeds": ["http://127.0.0.1:9/feed.xml"]}])
    done = crawl(tmp_path / "x.db", sources, "--workers", f"redis://127.0.0.1:{_free_port()}/0")
    assert done.returncode == 2
    assert "cannot reach Redis" in done.stderr and "Traceback" not in done.stderr
