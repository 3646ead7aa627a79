"""How fast the crawler asks a host, measured from the local server's request log under the
shipped settings (AutoThrottle on): a robots.txt Crawl-delay holds it back, and a source's own
`delay: 0, concurrency: 8` lets it go faster than the polite default."""
import time
from datetime import datetime, timezone

from .fixtures.crawl import crawl, write_sources
from .fixtures.sites import HTML, XML, Site, article_html, article_text, rss

# the shipped politeness, not the fast settings the other crawl tests use
SHIPPED = {"AUTOTHROTTLE_ENABLED": "True", "DOWNLOAD_DELAY": "0.25", "CONCURRENT_REQUESTS_PER_DOMAIN": "2"}
WHEN = datetime(2024, 10, 1, tzinfo=timezone.utc)


def news_site(articles: int, robots: str = "User-agent: *\nDisallow: /private/\n", latency: float = 0.0) -> Site:
    site = Site(robots=robots)
    short = article_text(7, paragraphs=2)

    def article(handler, query):
        time.sleep(latency)   # a server that takes a while to answer: parallel requests pay off
        return 200, HTML, article_html(f"Новость {handler.path}", [f"{handler.path}. {p}" for p in short]).encode()

    site.routes["/feed.xml"] = lambda h, q: (200, XML, rss([(site.url(f"/a/{i}"), str(i), WHEN)
                                                           for i in range(articles)]))
    for i in range(articles):
        site.routes[f"/a/{i}"] = article
    return site


def test_robots_crawl_delay_spaces_the_requests(tmp_path):
    with news_site(3, robots="User-agent: *\nCrawl-delay: 1\n") as site:
        sources = write_sources(tmp_path / "s.yaml", [{"name": "slow-site", "feeds": [site.url("/feed.xml")]}])
        done = crawl(tmp_path / "q.db", sources, settings=SHIPPED)
        assert done.returncode == 0, done.stderr[-2000:]
        times = [r["at"] for r in site.log if r["path"] != "/robots.txt"]
    assert len(times) == 4   # the feed and its three articles
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert min(gaps) >= 0.95, gaps   # Scrapy's ±50% jitter would allow 0.5 s


def test_a_sources_own_delay_and_concurrency_take_effect(tmp_path):
    with news_site(60, latency=0.1) as site:
        sources = write_sources(tmp_path / "s.yaml", [
            {"name": "fast-site", "feeds": [site.url("/feed.xml")], "delay": 0, "concurrency": 8}])
        done = crawl(tmp_path / "q.db", sources, settings=SHIPPED)
        assert done.returncode == 0, done.stderr[-2000:]
        times = [r["at"] for r in site.log if r["path"].startswith("/a/")]
    assert len(times) == 60
    rate = (len(times) - 1) / (times[-1] - times[0])
    # 8 at a time against 0.1 s answers: up to 80 a second; the default (one request per
    # 0.25 s, or two at a time against 0.1 s) stays under 10
    assert rate >= 20, f"{rate:.1f} requests/s"
