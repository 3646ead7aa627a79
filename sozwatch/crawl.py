"""Run a Scrapy crawl in this process and return its figures."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from classifiers.registry import Registry
from crawler.sources import load_sources

from .config import Config


@dataclass
class CrawlResult:
    pages_fetched: int
    articles_stored: int
    candidates: int
    not_articles: int
    errors: int
    finish_reason: str


def scrapy_settings(config: Config, **overrides) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("SOZWATCH_DB", str(config.db), priority="cmdline")
    settings.set("SOZWATCH_SOURCES", str(config.sources), priority="cmdline")
    settings.set("SOZWATCH_MODELS_DIR", str(config.models_dir), priority="cmdline")
    settings.set("LOG_LEVEL", config.log_level, priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(config: Config, spider: str = "news", **overrides) -> CrawlResult:
    """Crawl every source in config.sources into config.db. Blocks until done.

    Scrapy's reactor runs once per process, so call this once per process."""
    # fail early, with a clear message, on a bad sources file or a missing model
    load_sources(config.sources)
    Registry(config.models_dir).load()
    # the CLI configured logging once; Scrapy must not add a second root handler
    logging.getLogger().setLevel(config.log_level)
    process = CrawlerProcess(scrapy_settings(config, **overrides), install_root_handler=False)
    crawler = process.create_crawler(spider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    errors = sum(v for k, v in stats.items() if k.startswith("sozwatch/errors/"))
    return CrawlResult(
        pages_fetched=stats.get("downloader/response_count", 0),
        articles_stored=stats.get("sozwatch/articles_stored", 0),
        candidates=stats.get("sozwatch/candidates", 0),
        not_articles=stats.get("sozwatch/not_article", 0),
        errors=errors,
        finish_reason=stats.get("finish_reason", "?"),
    )
