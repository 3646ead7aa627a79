"""The `news` spider: finds articles through each source's feeds and sitemaps
(and, for a source with neither, the links on its start pages) and yields each
article page once. Articles already in the database are not fetched again."""
from __future__ import annotations

import scrapy
from w3lib.url import canonicalize_url

from review_queue.store import Store

from ..discovery import feed_links, sitemap_entries
from ..items import ArticleItem
from ..sources import DEFAULT_SOURCES, Source, load_sources


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, sources: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources_path = sources

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        path = spider.sources_path or crawler.settings.get("SOZWATCH_SOURCES") or DEFAULT_SOURCES
        spider.sources = load_sources(path)
        spider.store = Store(crawler.settings.get("SOZWATCH_DB"))
        return spider

    def closed(self, reason):
        self.store.close()

    async def start(self):
        for source in self.sources:
            for url in source.feeds:
                yield self._request(url, self.parse_feed, source)
            for url in source.sitemaps:
                yield self._request(url, self.parse_sitemap, source)
            if not (source.feeds or source.sitemaps):
                for url in source.start_urls:
                    yield self._request(url, self.parse_listing, source)

    # -- discovery --------------------------------------------------------
    def _request(self, url: str, callback, source: Source, **meta) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error,
                              cb_kwargs={"source": source}, meta={"source": source.name, **meta})

    def _article_requests(self, urls, source: Source):
        for url in urls:
            url = canonicalize_url(url, keep_fragments=False)
            if self.store.has_url(url):
                self.crawler.stats.inc_value("sozwatch/skipped_known")
                continue
            yield self._request(url, self.parse_article, source)

    def parse_feed(self, response, source: Source):
        links = feed_links(response.body)
        if not links:
            self.logger.warning("%s: %s is not a readable feed", source.name, response.url)
        yield from self._article_requests((response.urljoin(u) for u in links), source)

    def parse_sitemap(self, response, source: Source):
        kind, entries = sitemap_entries(response.body)
        if kind == "sitemapindex":
            for loc, _lastmod in entries:
                yield self._request(response.urljoin(loc), self.parse_sitemap, source)
        elif kind == "urlset":
            yield from self._article_requests((response.urljoin(loc) for loc, _ in entries), source)
        else:
            self.logger.warning("%s: %s is not a sitemap", source.name, response.url)

    def parse_listing(self, response, source: Source):
        links = response.css("a::attr(href)").getall()
        same_site = [response.urljoin(u) for u in links if not u.startswith(("#", "mailto:", "javascript:"))]
        yield from self._article_requests(same_site, source)

    # -- articles ---------------------------------------------------------
    def parse_article(self, response, source: Source):
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if "html" not in content_type and content_type:
            self.logger.info("%s: skipping %s (%s)", source.name, response.url, content_type)
            return
        header_charset = content_type.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in content_type else None
        yield ArticleItem(url=canonicalize_url(response.url, keep_fragments=False), source=source.name,
                          language_hint=source.language, body=response.body, header_encoding=header_charset)

    def on_error(self, failure):
        request = failure.request
        self.crawler.stats.inc_value(f"sozwatch/errors/{request.meta.get('source', '?')}")
        self.logger.error("%s: %s failed: %s", request.meta.get("source", "?"), request.url,
                          failure.getErrorMessage() or failure.type.__name__)
