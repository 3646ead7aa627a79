"""Crawl: extensions: politeness per host (robots.txt Crawl-delay, a source's own delay and
concurrency under AutoThrottle), per-source health figures written to the database, and a
progress display for crawls run on a terminal."""
from __future__ import annotations

import os
import socket
import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from twisted.internet import task

from review_queue.storage import crawl_state

from . import stats as source_stats
from .database import open_store


def _slot_settings(crawler, key: str) -> dict:
    """The downloader's per-host settings (DOWNLOAD_SLOTS: a source's delay and concurrency, and
    the Crawl-delay added below); a slot created later, after an idle one was dropped, gets them too."""
    return crawler.engine.downloader.per_slot_settings.setdefault(key, {})


class CrawlDelay:
    """robots.txt `Crawl-delay` for our user agent becomes the host's least delay between
    requests (capped at AUTOTHROTTLE_MAX_DELAY), without the usual ±50% jitter: the site
    asked for at least that long. Scrapy reads robots.txt but ignores the field."""

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.cap = settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 30.0)
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        return cls(crawler)

    def robots_parsed(self, robotparser, request):
        asked = robotparser.crawl_delay(self.user_agent) if hasattr(robotparser, "crawl_delay") else None
        if not asked:
            return
        key = self.crawler.engine.downloader.get_slot_key(request)
        delay = min(float(asked), self.cap)
        slot_settings = _slot_settings(self.crawler, key)
        slot_settings.update(delay=max(delay, slot_settings.get("delay", 0.0)), jitter=0.0)
        slot = self.crawler.engine.downloader.slots.get(key)
        if slot is not None:
            slot.delay, slot.jitter = max(slot.delay, slot_settings["delay"]), 0.0


class SourceThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, but per host: it slows down from the host's own delay (a source's
    `delay:`, the site's Crawl-delay, else DOWNLOAD_DELAY) and aims at the source's `concurrency:`.
    Scrapy's version holds every host at DOWNLOAD_DELAY and 2 requests in flight, so a source's
    `delay: 0, concurrency: 8` had no effect."""

    def _response_downloaded(self, response, request, spider=None):
        key = request.meta.get("download_slot")
        if key is None:
            return
        own = self.crawler.engine.downloader.per_slot_settings.get(key, {})
        self.mindelay = own.get("delay", self.default_mindelay)
        self.target_concurrency = own.get("concurrency", self.default_target)
        super()._response_downloaded(response, request, spider)

    def _spider_opened(self, spider):
        super()._spider_opened(spider)
        self.default_mindelay, self.default_target = self.mindelay, self.target_concurrency


def this_process() -> dict:
    return {"host": socket.gethostname(), "pid": os.getpid()}


def process_alive(process: dict) -> bool | None:
    """Whether the process that started a run still runs; None when it ran on another machine."""
    if not process or process.get("host") != socket.gethostname():
        return None
    try:
        os.kill(int(process["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, KeyError, ValueError, TypeError):
        return None
    return True


class CrawlHealth:
    """Counts each source's fetched pages; writes each source's run row when the crawl starts
    (so a killed crawl leaves one, read as `interrupted`) and its figures at the end: fetched,
    new items, errors by kind, and how the run ended (`sozwatch sources status` reads it)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.run_ids: dict[str, int] = {}
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        names = list(getattr(spider, "sources", {}))
        if not names:
            return
        store = open_store(self.crawler.settings)
        try:
            dead = [r["id"] for r in crawl_state.unfinished_runs(store, names) if process_alive(r["process"]) is False]
            crawl_state.mark_interrupted(store, dead)
            for name in names:
                self.run_ids[name] = crawl_state.start_run(store, name, spider.name, spider.started_at, this_process())
        finally:
            store.close()

    def response_received(self, response, request, spider=None):
        source = request.meta.get("source")
        if source:
            source_stats.inc(self.crawler.stats, source, "fetched")

    def bytes_received(self, data, request, spider=None):
        """Mark a body cut at the size limit: without a Content-Length, Scrapy cancels it with no
        reason given, and it must count as `too_large` (leaving the frontier), not as a fault."""
        received = request.meta.get("bytes_received", 0) + len(data)
        request.meta["bytes_received"] = received
        maxsize = request.meta.get("download_maxsize", self.maxsize)
        if maxsize and received > maxsize:
            request.meta["too_large"] = True

    def spider_closed(self, spider, reason):
        all_stats = self.crawler.stats.get_stats()
        store = open_store(self.crawler.settings)
        try:
            for name in getattr(spider, "sources", {}):
                figures = source_stats.for_source(all_stats, name)
                crawl_state.record_run(store, name, spider.name, spider.started_at, reason,
                                       fetched=figures.get("fetched", 0), new_items=figures.get("new", 0),
                                       error_kinds=source_stats.by_kind(figures, "errors/"), stats=figures,
                                       refusals=source_stats.by_kind(figures, source_stats.REFUSED),
                                       run_id=self.run_ids.get(name))
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
            errors = sum(source_stats.by_kind(figures, "errors/").values())
            refused = sum(source_stats.by_kind(figures, source_stats.REFUSED).values())
            out.append(f"  {name:<28} fetched {figures.get('fetched', 0):>5}  new {figures.get('new', 0):>4}  "
                       f"known {figures.get('skipped_known', 0):>5}  refused {refused:>4}  errors {errors:>3}")
        elapsed = int(time.monotonic() - self.started)
        return [f"{self.spider.name}: {elapsed // 60}:{elapsed % 60:02d}", *out]

    def draw(self) -> None:
        lines = self.lines()
        if self.lines_drawn:  # move up and redraw in place
            self.stream.write(f"\x1b[{self.lines_drawn}F")
        self.stream.write("".join(f"\x1b[2K{line}\n" for line in lines))
        self.stream.flush()
        self.lines_drawn = len(lines)

