"""Crawl: downloader middlewares: polite retries, hosts that do not resolve, conditional GET,
truncated-body detection."""
from __future__ import annotations

import logging
import zlib
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CannotResolveHostError, NotConfigured
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

from review_queue.storage import crawl_state

from . import stats as source_stats
from .database import open_store
from .stats import TruncatedBody, UnresolvableHost

log = logging.getLogger(__name__)
THROTTLE_STATUSES = (429, 503)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent/garbled."""
    if not value:
        return None
    value = value.decode("latin-1") if isinstance(value, bytes) else value
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class PoliteRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, but waiting before each one: exponential backoff, or as long as
    the server's Retry-After asks on 429/503 (up to SOZWATCH_RETRY_AFTER_MAX; longer: give up).

    The wait holds only this request; other sites' requests go on meanwhile."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("SOZWATCH_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("SOZWATCH_RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("SOZWATCH_RETRY_AFTER_MAX", 600.0)

    def _backoff(self, request) -> float:
        return min(self.backoff_max, self.backoff_base * 2 ** request.meta.get("retry_times", 0))

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = self._backoff(request)
        if response.status in THROTTLE_STATUSES:
            source_stats.inc(self.crawler.stats, request.meta.get("source", "?"), f"throttled/http_{response.status}")
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None:
                if asked > self.retry_after_max:
                    log.warning("%s asks us to come back in %.0f s; giving up on it for this run", request.url, asked)
                    return response
                wait = max(wait, asked)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await sleep(wait)
        return retry

    async def process_exception(self, request, exception, spider=None):
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await sleep(self._backoff(request))
        return retry


class DeadHostMiddleware:
    """A host whose name did not resolve is not looked up again in this run: its other requests
    (robots.txt, feeds, articles) fail at once as `dns`, and the log says so once per host."""

    def __init__(self):
        self.dead: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_request(self, request, spider=None):
        host = urlparse_cached(request).hostname
        if host in self.dead:
            raise UnresolvableHost(f"{host} does not resolve")
        return None

    def process_exception(self, request, exception, spider=None):
        host = urlparse_cached(request).hostname
        if isinstance(exception, CannotResolveHostError) and host not in self.dead:
            self.dead.add(host)
            log.warning("host %s does not resolve (%s); its requests are skipped for the rest of this run",
                        host, exception)
        return None


class TruncatedBodyMiddleware:
    """A gzip/deflate body that ends early would decompress to a cut-off page (Scrapy keeps
    what it can); refuse it so it counts as a fault and the article is fetched again later."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_response(self, request, response, spider=None):
        encoding = response.headers.get("Content-Encoding", b"").lower()
        if encoding not in (b"gzip", b"x-gzip", b"deflate") or not response.body:
            return response
        wbits = 16 + zlib.MAX_WBITS if b"gzip" in encoding else zlib.MAX_WBITS
        decompressor = zlib.decompressobj(wbits)
        try:
            decompressor.decompress(response.body)
        except zlib.error:
            if encoding == b"deflate":
                return response  # raw deflate without a zlib header: HttpCompressionMiddleware copes
            raise TruncatedBody(f"corrupt {encoding.decode()} body") from None
        if not decompressor.eof:
            raise TruncatedBody(f"truncated {encoding.decode()} body ({len(response.body)} bytes)")
        return response


class ConditionalGetMiddleware:
    """ETag / Last-Modified for feeds, sitemaps and listings (requests with meta
    `conditional`); the callback sees 304 when nothing changed.

    New validators are saved only when the crawl finishes: a killed crawl must re-read
    its feeds on restart, not be told "not modified" about links it never followed."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.store = open_store(crawler.settings)
        self.found: dict[str, tuple[str | None, str | None]] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("SOZWATCH_CONDITIONAL_GET", True):
            raise NotConfigured
        return cls(crawler)

    def process_request(self, request, spider=None):
        if not request.meta.get("conditional") or "If-None-Match" in request.headers:
            return None
        etag, modified = crawl_state.validators(self.store, request.url)
        if etag:
            request.headers["If-None-Match"] = etag
        if modified:
            request.headers["If-Modified-Since"] = modified
        return None

    def process_response(self, request, response, spider=None):
        if request.meta.get("conditional") and response.status == 200:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            if etag or modified:
                self.found[request.url] = (etag and etag.decode("latin-1"), modified and modified.decode("latin-1"))
        if response.status == 304:
            source_stats.inc(self.crawler.stats, request.meta.get("source", "?"), "not_modified")
        return response

    def spider_closed(self, spider, reason):
        if reason == "finished" and self.found:
            crawl_state.save_validators(self.store, self.found)
        self.store.close()
