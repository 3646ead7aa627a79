"""Crawl: distributed crawling: several `sozwatch crawl --workers redis://…` processes (on one machine or
several) share one frontier in Redis through scrapy-redis's scheduler and duplicate filter.

Off by default: without `--workers` (SOZWATCH_WORKERS unset) a crawl runs in one process with
Scrapy's own in-memory scheduler, exactly as before.

- The request queue and the duplicate filter live in Redis under `sozwatch:<crawl id>:…`, so the
  workers started for one round (the same crawl id) fetch every URL once between them; the next
  round (another id) starts with a clean filter. Keys expire a day after their last use.
- The database stays the source of truth: articles, the seen-URL memory and the persistent
  frontier (review_queue/crawl_state.py) are shared by the workers (one SQLite file on one
  machine, or a PostgreSQL server for several), and the store refuses a second copy of an article.
- A worker whose queue runs dry waits SOZWATCH_WORKER_IDLE seconds for more before it finishes:
  another worker may still be reading a sitemap that fills the queue.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

log = logging.getLogger(__name__)
KEY_TTL_S = 24 * 3600


class WorkersError(ValueError):
    """The Redis server named by --workers cannot be used (the message says why)."""


def default_crawl_id(now: datetime | None = None) -> str:
    """Workers started in the same UTC hour share a round unless told otherwise."""
    return f"{(now or datetime.now(timezone.utc)):%Y%m%d%H}"


def check_redis(url: str) -> None:
    """Fail early, in one clear line, when the Redis server does not answer."""
    try:
        import redis
        import scrapy_redis  # noqa: F401
    except ImportError:
        raise WorkersError("--workers: needs scrapy-redis: pip install -e '.[scale]'") from None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise WorkersError(f"--workers: expected a redis:// URL, got {url!r}")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        raise WorkersError(f"--workers: cannot reach Redis at {url}: {exc}") from None


def redis_settings(url: str, crawl_id: str, idle_s: float = 10.0) -> dict:
    """The Scrapy settings that put the scheduler and the duplicate filter in Redis."""
    prefix = f"sozwatch:{crawl_id}:%(spider)s"
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "SCHEDULER_PERSIST": True,          # a worker finishing first must not wipe the others' queue
        "REDIS_URL": url,
        "SOZWATCH_WORKERS": url,
        "SOZWATCH_CRAWL_ID": crawl_id,
        "SOZWATCH_WORKER_IDLE": idle_s,
    }


class WorkerIdle:
    """Keeps a worker alive for SOZWATCH_WORKER_IDLE seconds after its queue runs dry (another
    worker may be about to fill it), and sets the Redis keys of this round to expire."""

    def __init__(self, crawler, idle_s: float):
        self.crawler, self.idle_s = crawler, idle_s
        self.idle_since: float | None = None
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.active, signal=signals.request_scheduled)
        crawler.signals.connect(self.active, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("SOZWATCH_WORKERS"):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("SOZWATCH_WORKER_IDLE", 10.0))

    def active(self, *args, **kwargs):
        self.idle_since = None

    def spider_idle(self, spider):
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_s:
            raise DontCloseSpider

    def spider_closed(self, spider, reason):
        scheduler = getattr(self.crawler.engine, "_slot", None)
        scheduler = getattr(scheduler, "scheduler", None)
        server = getattr(scheduler, "server", None)
        if server is None:
            return
        for key in (scheduler.queue_key, getattr(scheduler.df, "key", None)):
            if key:
                try:
                    server.expire(key, KEY_TTL_S)
                except Exception as exc:  # noqa: BLE001 - expiry is housekeeping, never a failure
                    log.warning("could not set expiry on %s: %s", key, exc)
