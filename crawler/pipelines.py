"""Item pipelines, one step each: extract → store the article → classify → queue."""
from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from classifiers.registry import Registry
from classifiers.understand import Understander
from review_queue.store import Store

from .extract import NotAnArticle, extract_article

log = logging.getLogger(__name__)


def _open_store(crawler) -> Store:
    return Store(crawler.settings.get("SOZWATCH_DB"))


class ExtractPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item, spider=None):
        try:
            article = extract_article(item["body"], item["url"], item.get("header_encoding"))
        except NotAnArticle as exc:
            self.stats.inc_value("sozwatch/not_article")
            raise DropItem(f"not an article: {item['url']}: {exc}", log_level="INFO") from None
        if article.encoding_guessed and article.encoding != "utf-8":
            log.info("%s: no charset declared; detected %s", item["url"], article.encoding)
        item.update(title=article.title, text=article.text, author=article.author,
                    published=article.published, encoding=article.encoding)
        item["body"] = None  # the raw bytes are not needed past this point
        return item


class StorePipeline:
    """Store the article once; an article already known (same URL or same text) stops here."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.store = _open_store(self.crawler)

    def close_spider(self, spider=None):
        self.store.close()

    def process_item(self, item, spider=None):
        stored = self.store.add_article({**item, "source": item["source"]})
        if not stored.created:
            self.crawler.stats.inc_value("sozwatch/duplicate")
            raise DropItem(f"already stored: {item['url']}", log_level="DEBUG")
        item["article_id"] = stored.id
        self.crawler.stats.inc_value("sozwatch/articles_stored")
        return item


class ClassifyPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.understander: Understander | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        models_dir = self.crawler.settings.get("SOZWATCH_MODELS_DIR")
        self.understander = Understander.from_registry(Registry(models_dir) if models_dir else Registry())
        log.info("classifying with model %s", self.understander.version)

    def process_item(self, item, spider=None):
        prediction = self.understander.understand(item["title"], item["text"])
        item["prediction"] = prediction
        item["lang"] = prediction.lang
        return item


class QueuePipeline:
    """Record the prediction and the article's language; candidates join the review queue."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.store = _open_store(self.crawler)

    def close_spider(self, spider=None):
        self.store.close()

    def process_item(self, item, spider=None):
        prediction = item["prediction"]
        self.store.set_language(item["article_id"], prediction.lang)
        self.store.add_prediction(item["article_id"], prediction)
        stats = self.crawler.stats
        stats.inc_value(f"sozwatch/lang/{prediction.lang}")
        if prediction.is_candidate:
            stats.inc_value("sozwatch/candidates")
        return item
