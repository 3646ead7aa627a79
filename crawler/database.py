"""Crawl: the queue database as the crawl's components open it (one place, so they all agree)."""
from __future__ import annotations

from review_queue.storage.store import Store


def open_store(settings) -> Store:
    """The `SOZWATCH_DB` database, with commits not synced one by one: the crawl commits once or
    twice per page, and what a power cut may undo is fetched again (Store's `durable`)."""
    return Store(settings.get("SOZWATCH_DB"), durable=False)
