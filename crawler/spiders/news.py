"""Crawl: the `news` spider: finds each news source's articles through its feeds, sitemaps or
listing pages and yields each new article page once.

Discovery falls back as news-please does: feeds first; when they yield nothing usable
(missing, broken, empty), the sitemaps; when those yield nothing, the listing pages.
A source with `discovery: all` reads feeds and sitemaps every run (feeds carry only the
newest items; sitemaps carry the rest), listings still being the last resort.
Articles already stored or seen are not fetched again."""
from __future__ import annotations

from review_queue.storage import crawl_state

from .. import stats as source_stats
from ..discovery import feed_entries, gunzipped, is_stale, listing_links, sitemap_entries
from ..items import ArticleItem
from ..sources import Source
from ..urls import canonical_url
from .base import SourceSpider


def discovery_stages(source: Source) -> list[list[tuple[str, str]]]:
    """[[(kind, url), …], …]: the next stage runs only when the one before found nothing."""
    feeds = [("feed", u) for u in source.feeds]
    sitemaps = [("sitemap", u) for u in source.sitemaps]
    listings = [("listing", u) for u in source.start_urls]
    stages = [feeds + sitemaps, listings] if source.discovery == "all" else [feeds, sitemaps, listings]
    return [stage for stage in stages if stage]


class NewsSpider(SourceSpider):
    name = "news"
    kind = "news"

    async def start(self):
        for request in self.frontier_requests(self.parse_article):
            yield request
        self.progress, self.last_success = {}, {}
        for source in self.sources.values():
            self.last_success[source.name] = crawl_state.last_success(self.store, source.name)
            self.progress[source.name] = {"stages": discovery_stages(source), "pending": 0, "usable": False}
            for request in self._next_stage(source):
                yield request

    # -- the fallback between discovery stages ------------------------------------------
    def _next_stage(self, source: Source):
        state = self.progress[source.name]
        if not state["stages"]:
            return
        stage = state["stages"].pop(0)
        state["pending"] += len(stage)
        callbacks = {"feed": self.parse_feed, "sitemap": self.parse_sitemap, "listing": self.parse_listing}
        for kind, url in stage:
            yield self.discovery_request(url, callbacks[kind], source, errback=self.on_discovery_error)

    def _document_done(self, source: Source, usable: bool):
        """One discovery document handled; when its stage is over and found nothing, fall back."""
        state = self.progress[source.name]
        state["pending"] -= 1
        state["usable"] = state["usable"] or usable
        if state["pending"] == 0 and not state["usable"]:
            if state["stages"]:
                self.logger.info("%s: nothing found; falling back to the next way of discovery", source.name)
                self.inc(source.name, "fallbacks")
            yield from self._next_stage(source)

    def on_discovery_error(self, failure):
        self.on_error(failure)
        yield from self._document_done(self.sources[failure.request.meta["source"]], usable=False)

    # -- discovery ------------------------------------------------------------------------
    def _articles(self, urls, source: Source):
        for url in urls:
            request = self.article_request(url, self.parse_article, source)
            if request is not None:
                yield request

    def parse_feed(self, response):
        source = self.sources[response.meta["source"]]
        if response.status == 304:
            yield from self._document_done(source, usable=True)
            return
        entries = feed_entries(response.body)
        if not entries:
            self.logger.warning("%s: %s is not a readable feed", source.name, response.url)
            self.inc(source.name, "errors/not_a_feed")
        fresh = [response.urljoin(link) for link, when in entries if not self.too_old(when)]
        self.inc(source.name, "out_of_window", len(entries) - len(fresh))
        yield from self._articles(fresh, source)
        yield from self._document_done(source, usable=bool(entries))

    def parse_sitemap(self, response):
        source = self.sources[response.meta["source"]]
        if response.status == 304:
            yield from self._document_done(source, usable=True)
            return
        kind, entries = sitemap_entries(gunzipped(response.body, self.settings.getint("DOWNLOAD_MAXSIZE")))
        last = self.last_success.get(source.name)
        fresh = [(response.urljoin(loc), lastmod) for loc, lastmod in entries
                 if not is_stale(lastmod, self.since, last)]
        self.inc(source.name, "sitemap_entries_skipped", len(entries) - len(fresh))
        if kind == "sitemapindex":
            self.progress[source.name]["pending"] += len(fresh)
            for loc, _ in fresh:
                yield self.discovery_request(loc, self.parse_sitemap, source, errback=self.on_discovery_error)
        elif kind == "urlset":
            yield from self._articles((loc for loc, _ in fresh), source)
        else:
            self.logger.warning("%s: %s is not a sitemap", source.name, response.url)
            self.inc(source.name, "errors/not_a_sitemap")
        yield from self._document_done(source, usable=bool(entries))

    def parse_listing(self, response):
        source = self.sources[response.meta["source"]]
        if response.status == 304:
            yield from self._document_done(source, usable=True)
            return
        links = listing_links(response.body, response.url, source.allowed_domains, source.link_allow,
                              source.link_deny)
        yield from self._articles(links, source)
        yield from self._document_done(source, usable=bool(links))

    # -- articles ---------------------------------------------------------------------------
    def parse_article(self, response):
        source = self.sources[response.meta["source"]]
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if content_type and "html" not in content_type:
            self.logger.info("%s: skipping %s (%s)", source.name, response.url, content_type)
            self.inc(source.name, f"{source_stats.REFUSED}not_html")
            crawl_state.mark_seen(self.store, response.meta["key"], canonical_url(response.url), source.name,
                                  "not_html")
            return
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in content_type else None
        yield ArticleItem(url=canonical_url(response.url), url_key=response.meta["key"], source=source.name,
                          language_hint=source.language, body=response.body, header_encoding=charset)
