"""Crawl: item pipelines, one step each: read (extraction, language, near-duplicate signature; in
worker processes, extract_workers.py) → drop known articles → store (article with its language,
story, `pending` for the classify stage and the seen-URL record, in one transaction); court
notices have their own store step.

Storing everything about an article in one transaction is what makes a killed crawl
safe: an article is either stored, queued for the classifier and marked seen, or not at all
(and then still on the frontier, fetched again on restart). The model never runs here: the
classify stage (workers/classify.py) takes pending articles from the database, so the reactor
never waits for it."""
from __future__ import annotations

import codecs
import logging
from datetime import datetime, timedelta, timezone

from scrapy.exceptions import DropItem

from review_queue.storage import classify_state, crawl_state
from review_queue.storage.store import STORAGE_ERRORS, Store, content_hash
from review_queue.storage.transactions import write_transaction

from . import stats as source_stats
from .database import open_store
from .discovery import parse_date
from .extract_workers import PageReader, read_text
from .items import ArticleItem, CourtNoticeItem
from .stories import StoryIndex, from_bytes

log = logging.getLogger(__name__)


def _same_codec(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return False


class StorePipelineBase:
    """A pipeline step with its own database connection and per-source counters."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.store = open_store(self.crawler.settings)

    def close_spider(self, spider=None):
        self.store.close()

    def inc(self, item, key: str, count: int = 1) -> None:
        source_stats.inc(self.crawler.stats, item["source"], key, count)

    def drop(self, item, outcome: str, message: str, level: str = "DEBUG"):
        """Remember the page as seen (so it is not fetched again) and stop here."""
        item["body"] = None  # Scrapy logs the dropped item: not its raw bytes
        crawl_state.mark_seen(self.store, item["url_key"], item["url"], item["source"], outcome)
        self.inc(item, outcome)
        reason = f"{outcome}: {item['url']}: {message}"
        # our own logger, so the line survives the quiet (warnings-only) Scrapy logging under cron
        log.log(logging.getLevelName(level), "%s: %s", item["source"], reason)
        raise DropItem(reason, log_level="DEBUG")


class ExtractPipeline(StorePipelineBase):
    """Extraction, language ID and the near-duplicate signature of a page, in worker processes
    where the machine has cores to spare (extract_workers.py); of a Telegram post, here."""

    def __init__(self, crawler):
        super().__init__(crawler)
        since = crawler.settings.get("SOZWATCH_SINCE")
        self.since = parse_date(since) if since else None
        self.reader = PageReader(crawler.settings.getint("SOZWATCH_EXTRACT_PROCESSES"))

    def close_spider(self, spider=None):
        self.reader.close()
        super().close_spider(spider)

    async def process_item(self, item, spider=None):
        if not isinstance(item, ArticleItem):
            return item
        if item.get("text") is None:  # a Telegram post arrives with its text already
            page = await self.reader.read(item["body"], item["url"], item.get("header_encoding"))
            if page.refusal:
                reason, message = page.refusal
                self.crawler.stats.inc_value("sozwatch/not_article")
                self.inc(item, f"{source_stats.REFUSED}{reason}")
                self.drop(item, "not_article", message, level="INFO")
            article = page.article
            header = item.get("header_encoding")
            if header and not _same_codec(header, article.encoding):
                self.inc(item, "errors/charset_mismatch")
                log.info("%s: declared %s but is %s", item["url"], header, article.encoding)
            elif article.encoding_guessed and article.encoding != "utf-8":
                log.info("%s: no charset declared; detected %s", item["url"], article.encoding)
            item.update(title=article.title, text=article.text, author=article.author, published=article.published,
                        encoding=article.encoding, partial=article.partial, lang=page.lang, signature=page.signature)
            item["body"] = None  # the raw bytes are not needed past this point
        else:
            item["lang"], item["signature"] = read_text(item["title"], item["text"])
        published = parse_date(item.get("published"))
        if self.since and published and published < self.since:
            self.drop(item, "out_of_window", f"published {item['published']}")
        return item


class KnownArticlePipeline(StorePipelineBase):
    """Drop an article stored before under this URL or with this very text (a copy)
    before the classifier spends time on it."""

    def process_item(self, item, spider=None):
        if not isinstance(item, ArticleItem):
            return item
        row = self.store.db.execute("SELECT id FROM articles WHERE url = ? OR content_hash = ?",
                                    [item["url"], content_hash(item["text"])]).fetchone()
        if row:
            self.crawler.stats.inc_value("sozwatch/duplicate")
            self.drop(item, "duplicate", f"same as article {row[0]}")
        return item


class StorePipeline(StorePipelineBase):
    """Article (with its language), its story, its place in the classify stage's queue and the
    seen-URL record, in one transaction."""

    def open_spider(self, spider=None):
        super().open_spider(spider)
        days = self.crawler.settings.getint("SOZWATCH_STORY_WINDOW_DAYS", 30)
        since = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
        self.stories = StoryIndex(crawl_state.story_signatures(self.store, since))

    def close_spider(self, spider=None):
        self.store.refresh_statistics()   # this crawl added rows: keep the queue's query plans right
        super().close_spider(spider)

    def process_item(self, item, spider=None):
        if not isinstance(item, ArticleItem):
            return item
        lang, mh = item["lang"], from_bytes(item["signature"])
        try:
            # BEGIN IMMEDIATE: a deferred transaction that reads first cannot wait for another
            # process's write lock (SQLite answers "database is locked" at once); this one waits
            with write_transaction(self.store.db):
                stored = self.store.add_article(dict(item))
                if stored.created:
                    story_id = self.stories.story_for(mh) or f"story-{stored.id}"
                    crawl_state.link_story(self.store, stored.id, story_id, item["signature"])
                    classify_state.enqueue(self.store, stored.id)
                    crawl_state.mark_seen(self.store, item["url_key"], item["url"], item["source"], "article")
        except STORAGE_ERRORS as exc:
            self.storage_failed(item, exc)
        if not stored.created:  # stored meanwhile by another crawl
            self.drop(item, "duplicate", f"same as article {stored.id}")
        self.stories.add(stored.id, story_id, mh)
        item.update(article_id=stored.id, story_id=story_id)
        stats = self.crawler.stats
        stats.inc_value("sozwatch/articles_stored")
        self.inc(item, "new")
        stats.inc_value(f"sozwatch/lang/{lang}")
        return item

    def storage_failed(self, item, exc) -> None:
        """The database refused a write (disk full, locked too long, I/O error): the transaction
        was rolled back, so the article is not half-stored and stays on the frontier for the next
        run. One clear log line, then the crawl stops (`finish_reason` storage_error)."""
        if not getattr(self.crawler, "_sozwatch_stopping", False):
            log.error("cannot write to the database %s: %s (disk full? locked? failing?): stopping the crawl; "
                      "articles not stored yet stay on the frontier and are fetched by the next run",
                      self.crawler.settings.get("SOZWATCH_DB"), exc)
        self.crawler.stats.inc_value("sozwatch/storage_errors")
        _stop_crawl(self.crawler, "storage_error")
        item["body"] = None
        raise DropItem(f"not stored ({exc}): {item['url']}", log_level="DEBUG")


def _stop_crawl(crawler, reason: str) -> None:
    from scrapy.utils.defer import deferred_from_coro
    if crawler.engine and not getattr(crawler, "_sozwatch_stopping", False):
        crawler._sozwatch_stopping = True
        deferred_from_coro(crawler.engine.close_spider_async(reason=reason))


class CourtNoticePipeline(StorePipelineBase):
    def process_item(self, item, spider=None):
        if not isinstance(item, CourtNoticeItem):
            return item
        if crawl_state.add_court_notice(self.store, dict(item)):
            self.inc(item, "new")
            self.crawler.stats.inc_value("sozwatch/court_notices_stored")
        else:
            self.inc(item, "duplicate")
        return item
