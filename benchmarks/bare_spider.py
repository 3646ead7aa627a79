"""The crawl benchmark's floor: a bare Scrapy spider that fetches the sitemap's pages and calls
trafilatura on each, nothing else (no database, no politeness, none of our middlewares).

    .venv/bin/python benchmarks/bare_spider.py SITEMAP_URL

Prints one JSON line: pages fetched, texts extracted, seconds from the first request to the end.
"""
from __future__ import annotations

import json
import sys
import time

import scrapy
import trafilatura
from scrapy.crawler import CrawlerProcess

from benchmarks.run import FAST_CRAWL   # the same concurrency as the measured crawls


class BareSpider(scrapy.spiders.SitemapSpider):
    name = "bare"
    extracted = 0

    def parse(self, response):
        # the same call and options crawler/extract.py makes
        doc = trafilatura.bare_extraction(response.text, with_metadata=True, include_comments=False)
        BareSpider.extracted += bool(doc is not None and (doc.text or "").strip())


def main() -> int:
    settings = {name: value for name, value in FAST_CRAWL.items() if name.isupper() and not name.startswith("SOZWATCH")}
    settings.update(ROBOTSTXT_OBEY=False, TELNETCONSOLE_ENABLED=False)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, sitemap_urls=[sys.argv[1]])
    started = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - started
    pages = crawler.stats.get_value("downloader/response_count", 0)
    print(json.dumps({"pages": pages, "extracted": BareSpider.extracted, "seconds": round(seconds, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
