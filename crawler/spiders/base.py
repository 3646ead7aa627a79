"""Crawl: what every sozwatch spider shares: its sources, the database's memory of seen and
pending URLs, the date window, and counting failures per source."""
from __future__ import annotations

from datetime import datetime, timezone

import scrapy
from scrapy import signals

from review_queue.storage import crawl_state

from .. import stats as source_stats
from ..database import open_store
from ..discovery import parse_date
from ..sources import DEFAULT_SOURCES, Source, usable_sources
from ..urls import canonical_url, url_key

# Failures after which retrying the same URL next run is pointless.
PERMANENT = ("http_404", "http_410", "robots_disallowed", "redirect_loop", "too_large")


class SourceSpider(scrapy.Spider):
    """A spider over the sources of one `kind` in the sources file.

    Arguments (scrapy -a, or the SOZWATCH_* settings `sozwatch crawl` sets):
    sources: the YAML file; source: comma-separated names to crawl; since: ISO date,
    nothing older is fetched or stored."""

    kind = ""

    def __init__(self, sources: str | None = None, source: str | None = None, since: str | None = None,
                 *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources_path, self.source_arg, self.since_arg = sources, source, since

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        # per-source politeness: each host's slot gets the source's concurrency and delay
        path = settings.get("SOZWATCH_SOURCES") or DEFAULT_SOURCES
        try:
            sources = usable_sources(path)
        except ValueError:
            return  # reported when the spider loads its sources
        slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
        for source in sources:
            slot = {}
            if source.concurrency:
                slot["concurrency"] = source.concurrency
            if source.delay >= 0:
                slot["delay"] = source.delay
            for host in source.hosts() if slot else ():
                slots.setdefault(host, dict(slot))
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        path = spider.sources_path or settings.get("SOZWATCH_SOURCES") or DEFAULT_SOURCES
        names = [n for n in (spider.source_arg or "").split(",") if n] or settings.getlist("SOZWATCH_SOURCE_NAMES")
        # bad entries were reported by `sozwatch crawl`; the good ones crawl
        spider.sources = {s.name: s for s in usable_sources(path, names or None) if s.kind == cls.kind}
        spider.since = parse_date(spider.since_arg or settings.get("SOZWATCH_SINCE"))
        spider.max_attempts = settings.getint("SOZWATCH_MAX_ATTEMPTS", 3)
        spider.store = open_store(settings)
        spider.started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    def closed(self, reason):
        self.store.close()

    # -- helpers for subclasses ----------------------------------------------------
    def inc(self, source: str, key: str, count: int = 1) -> None:
        source_stats.inc(self.crawler.stats, source, key, count)

    def request(self, url: str, callback, source: Source, errback=None, **meta) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=errback or self.on_error,
                              meta={"source": source.name, **meta})

    def discovery_request(self, url: str, callback, source: Source, **meta) -> scrapy.Request:
        """Feeds, sitemaps, listings: re-read every run, conditionally when the server allows."""
        return self.request(url, callback, source, conditional=True, handle_httpstatus_list=[304], **meta)

    def is_known(self, url: str) -> bool:
        return crawl_state.is_known(self.store, url_key(url), canonical_url(url))

    def too_old(self, when: datetime | None) -> bool:
        return bool(self.since and when and when < self.since)

    def article_request(self, url: str, callback, source: Source, remember: bool = True):
        """A request for an article page, unless it is already stored or seen; it joins the
        frontier first, so a crawl killed before fetching it fetches it on restart."""
        if self.is_known(url):
            self.inc(source.name, "skipped_known")
            return None
        key = url_key(url)
        if remember:
            crawl_state.add_to_frontier(self.store, key, canonical_url(url), source.name)
        return self.request(url, callback, source, key=key)

    def frontier_requests(self, callback):
        """Articles found by an earlier crawl that did not get to fetch them."""
        for name, url in crawl_state.frontier(self.store, list(self.sources)):
            self.inc(name, "resumed")
            request = self.article_request(url, callback, self.sources[name], remember=False)
            if request is not None:
                yield request
            else:
                crawl_state.mark_seen(self.store, url_key(url), canonical_url(url), name, "article")

    def request_dropped(self, request, spider=None):
        """A redirect back to a URL already requested (A → B → A) is dropped by the duplicate
        filter without an errback: that is a redirect loop, and counts as one."""
        if request.meta.get("redirect_times") and request.meta.get("key"):
            source = request.meta.get("source", "?")
            self.inc(source, "errors/redirect_loop")
            crawl_state.mark_seen(self.store, request.meta["key"], canonical_url(request.url), source,
                                  "redirect_loop")

    def on_error(self, failure):
        request = failure.request
        source = request.meta.get("source", "?")
        kind = source_stats.failure_kind(failure)
        self.inc(source, f"errors/{kind}")
        key = request.meta.get("key")
        if key:  # an article: leave the frontier when it will not work next time either
            if kind in PERMANENT:
                crawl_state.mark_seen(self.store, key, canonical_url(request.url), source, kind)
            else:
                crawl_state.fetch_failed(self.store, key, kind, self.max_attempts)
        if kind != "dns":   # DeadHostMiddleware said it once for the host
            self.logger.warning("%s: %s failed: %s (%s)", source, request.url, kind,
                                failure.getErrorMessage() or failure.type.__name__)
