"""Crawl: per-source figures in Scrapy's stats collector, and what kind of failure a failure is.

Keys look like `sozwatch/source/<name>/errors/timeout`; the CrawlHealth extension
writes them to the database per run, `sozwatch sources status` reads them back."""
from __future__ import annotations

from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                               DownloadFailedError, DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from scrapy.spidermiddlewares.httperror import HttpError

PREFIX = "sozwatch/source/"
REFUSED = "refused/"     # + the reason a fetched page is not an article (NotAnArticle.reason, not_html)


class TruncatedBody(IgnoreRequest):
    """The compressed body ended early: the page we would extract is cut off."""


class UnresolvableHost(IgnoreRequest):
    """The host did not resolve earlier in this run (DeadHostMiddleware); not looked up again."""


def inc(stats, source: str, key: str, count: int = 1) -> None:
    stats.inc_value(f"{PREFIX}{source}/{key}", count)


def for_source(stats: dict, source: str) -> dict:
    """{key: value} of one source, keys without the prefix ("fetched", "errors/timeout", …)."""
    prefix = f"{PREFIX}{source}/"
    return {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}


def by_kind(figures: dict, kind: str) -> dict[str, int]:
    """{"timeout": 2, …} from one source's figures, for a kind of key ("errors/", REFUSED)."""
    return {k[len(kind):]: v for k, v in figures.items() if k.startswith(kind)}


def failure_kind(failure) -> str:
    """A short name for what went wrong, used as the error counter's key."""
    exc = failure.value
    message = str(exc).lower()
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, TruncatedBody):
        return "truncated_body"
    if isinstance(exc, (CannotResolveHostError, UnresolvableHost)):
        return "dns"
    if isinstance(exc, IgnoreRequest):
        if "redirection" in message:
            return "redirect_loop"
        if "robots.txt" in message:
            return "robots_disallowed"
        return "ignored"
    if isinstance(exc, DownloadTimeoutError) or "timeout" in type(exc).__name__.lower() or "timed out" in message:
        return "timeout"
    # Content-Length over the limit: cancelled up front, "max size" in the message; a body without
    # one (chunked, endless) is cut when it passes the limit, with no message: CrawlHealth marks it
    if isinstance(exc, DownloadCancelledError) and (
            "max size" in message or getattr(failure, "request", None) and failure.request.meta.get("too_large")):
        return "too_large"
    if isinstance(exc, ResponseDataLossError) or "dataloss" in repr(exc).lower():
        return "data_loss"
    if isinstance(exc, DownloadConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, DownloadFailedError):
        return "connection_failed"
    return type(exc).__name__.lower()
