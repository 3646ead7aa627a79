"""How fast the crawler asks a host, measured from the local server's request log under the
shipped settings (AutoThrottle on): a robots.txt Crawl-delay holds it back, and a source's own
`delay: 0, concurrency: 8` lets it go faster than the polite default."""
import time
from datetime import datetime, timezone

from .fixtures.crawl import crawl, write_sources
from .fixtures.sites import HTML, XML, Site, article_html, article_text, rss, sitemapindex, urlset

# the shipped politeness, not the fast settings the other crawl tests use
SHIPPED = {"AUTOTHROTTLE_ENABLED": "True", "DOWNLOAD_DELAY": "0.25", "CONCURRENT_REQUESTS_PER_DOMAIN": "2"}
WHEN = datetime(2024, 10, 1, tzinfo=timezone.utc)


def test_robots_crawl_delay_spaces_the_requests(tmp_path):
    site = Site(robots="User-agent: *\nCrawl-delay: 1\n")
    site.routes["/feed.xml"] = (200, XML, rss([(site.url(f"/a/{i}"), str(i), WHEN) for i in range(3)]))
    site.routes.update({f"/a/{i}": (200, HTML, article_html(f"Новость {i}", article_text(70 + i)).encode())
                        for i in range(3)})
    with site:
        sources = write_sources(tmp_path / "s.yaml", [{"name": "slow-site", "feeds": [site.url("/feed.xml")]}])
        done = crawl(tmp_path / "q.db", sources, settings=SHIPPED)
        assert done.returncode == 0, done.stderr[-2000:]
        times = [r["at"] for r in site.log if r["path"] != "/robots.txt"]
    assert len(times) == 4   # the feed and its three articles
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert min(gaps) >= 0.95, gaps   # Scrapy's ±50% jitter would allow 0.5 s


def test_a_sources_own_delay_and_concurrency_take_effect(tmp_path):
    # 60 child sitemaps, each cheap to read, so what is measured is how fast the host is asked,
    # not how fast this machine extracts articles
    site = Site()

    def child(handler, query):
        time.sleep(0.1)   # a server that takes a while to answer: parallel requests pay off
        return 200, XML, urlset([])

    site.routes["/sitemap.xml"] = (200, XML, sitemapindex([(site.url(f"/sitemap-{i}.xml"), "2024-10-01")
                                                           for i in range(60)]))
    site.routes.update({f"/sitemap-{i}.xml": child for i in range(60)})
    with site:
        sources = write_sources(tmp_path / "s.yaml", [
            {"name": "fast-site", "sitemaps": [site.url("/sitemap.xml")], "delay": 0, "concurrency": 8}])
        done = crawl(tmp_path / "q.db", sources, settings=SHIPPED)
        assert done.returncode == 0, done.stderr[-2000:]
        times = [r["at"] for r in site.log if r["path"].startswith("/sitemap-")]
    assert len(times) == 60
    rate = (len(times) - 1) / (times[-1] - times[0])
    # 8 at a time against 0.1 s answers: up to 80 a second; the default (one request per
    # 0.25 s, or two at a time against 0.1 s) stays under 10
    assert rate >= 20, f"{rate:.1f} requests/s"
