"""Storage: loading many already-classified articles at once (imports, benchmarks): executemany, one transaction."""
from __future__ import annotations

import json
from typing import Iterable

from .search_terms import search_columns
from .store import Store, content_hash, utc_now
from .transactions import write_transaction

ARTICLE_COLUMNS = ("url", "source", "lang", "title", "text", "published")


def bulk_add_candidates(store: Store, records: Iterable[dict], model_version: str = "bulk") -> int:
    """Insert articles with their prediction and a pending review item each; return how many.

    Each record has the ARTICLE_COLUMNS plus `relevance`, `categories` and the queue `priority`
    (classifiers.priority.priority_of). URLs must be new.
    """
    records = list(records)
    now = utc_now()
    with write_transaction(store.db):
        start = store.db.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0] + 1
        ids = range(start, start + len(records))
        conn = store.db.conn
        conn.executemany(
            "INSERT INTO articles (id, url, source, lang, title, text, published, fetched_at, content_hash, "
            "search_title, search_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, *(r[c] for c in ARTICLE_COLUMNS), now, content_hash(r["text"]),
              *search_columns(r["title"], r["text"]).values()) for i, r in zip(ids, records)])
        conn.executemany(
            "INSERT INTO predictions (article_id, model_version, relevance, is_candidate, scores, categories, "
            "created_at) VALUES (?, ?, ?, 1, ?, ?, ?)",
            [(i, model_version, r["relevance"], json.dumps({c: r["relevance"] for c in r["categories"]}),
              json.dumps(r["categories"]), now) for i, r in zip(ids, records)])
        conn.executemany(
            "INSERT INTO review_items (article_id, status, priority, created_at, updated_at) "
            "VALUES (?, 'pending', ?, ?, ?)",
            [(i, r["priority"], now, now) for i, r in zip(ids, records)])
    return len(records)
