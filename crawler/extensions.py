"""Crawl: extensions: per-source health figures written to the database after each run, and
a progress display for crawls run on a terminal."""
from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from review_queue.storage import crawl_state
from review_queue.storage.store import Store

from . import stats as source_stats


class CrawlHealth:
    """Counts each source's fetched pages, and after the run records per source: fetched,
    new items, errors by kind, and how the run ended (`sozwatch sources status` reads it)."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def response_received(self, response, request, spider=None):
        source = request.meta.get("source")
        if source:
            source_stats.inc(self.crawler.stats, source, "fetched")

    def spider_closed(self, spider, reason):
        all_stats = self.crawler.stats.get_stats()
        store = Store(self.crawler.settings.get("SOZWATCH_DB"))
        try:
            for name in getattr(spider, "sources", {}):
                figures = source_stats.for_source(all_stats, name)
                errors = {k.split("/", 1)[1]: v for k, v in figures.items() if k.startswith("errors/")}
                crawl_state.record_run(store, name, spider.name, spider.started_at, reason,
                                       fetched=figures.get("fetched", 0), new_items=figures.get("new", 0),
                                       error_kinds=errors, stats=figures)
        finally:
            store.close()


class CrawlProgress:
    """On a terminal, one line per source, redrawn every few seconds; under cron (no TTY)
    it stays silent and the command prints one summary at the end."""

    def __init__(self, crawler, interval: float, stream=sys.stderr):
        self.crawler, self.interval, self.stream = crawler, interval, stream
        self.lines_drawn = 0
        self.started = time.monotonic()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        mode = crawler.settings.get("SOZWATCH_PROGRESS", "auto")
        if mode == "off" or (mode == "auto" and not sys.stderr.isatty()):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("SOZWATCH_PROGRESS_INTERVAL", 2.0))

    def spider_opened(self, spider):
        self.spider = spider
        self.loop = task.LoopingCall(self.draw)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if getattr(self, "loop", None) and self.loop.running:
            self.loop.stop()
        self.draw()

    def lines(self) -> list[str]:
        all_stats = self.crawler.stats.get_stats()
        out = []
        for name in getattr(self.spider, "sources", {}):
            figures = source_stats.for_source(all_stats, name)
            errors = sum(v for k, v in figures.items() if k.startswith("errors/"))
            out.append(f"  {name:<28} fetched {figures.get('fetched', 0):>5}  new {figures.get('new', 0):>4}  "
                       f"known {figures.get('skipped_known', 0):>5}  errors {errors:>3}")
        elapsed = int(time.monotonic() - self.started)
        return [f"{self.spider.name}: {elapsed // 60}:{elapsed % 60:02d}", *out]

    def draw(self) -> None:
        lines = self.lines()
        if self.lines_drawn:  # move up and redraw in place
            self.stream.write(f"\x1b[{self.lines_drawn}F")
        self.stream.write("".join(f"\x1b[2K{line}\n" for line in lines))
        self.stream.flush()
        self.lines_drawn = len(lines)

