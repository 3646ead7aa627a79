"""Learn: re-scoring pending items with a (new) model.

Each re-score appends a prediction row (the item's scores history: earlier rows stay,
each with the model version that made it) and recomputes the item's priority from
the new scores. Decided items are left alone: their labels are the monitors'.
"""
from __future__ import annotations

import json
from typing import Callable

from ..storage.store import Store, utc_now
from classifiers.priority import priority_of


def pending_article_ids(store: Store) -> list[int]:
    return [row[0] for row in store.db.execute(
        "SELECT article_id FROM review_items WHERE status = 'pending' ORDER BY id").fetchall()]


def latest_categories(store: Store, article_id: int) -> list[str]:
    row = store.db.execute("SELECT categories FROM predictions WHERE article_id = ? ORDER BY id DESC LIMIT 1",
                           [article_id]).fetchone()
    return json.loads(row[0]) if row and row[0] else []


def rescore_articles(store: Store, understander, article_ids: list[int], batch_size: int = 32,
                     progress: Callable[[int], None] | None = None) -> int:
    """Score the articles with `understander` (classifiers.understand.Understander); return how many
    changed categories."""
    changed = 0
    for start in range(0, len(article_ids), batch_size):
        batch = [store.article(article_id) for article_id in article_ids[start:start + batch_size]]
        predictions = understander.understand_many([(a["title"] or "", a["text"] or "") for a in batch])
        for article, prediction in zip(batch, predictions):
            changed += latest_categories(store, article["id"]) != prediction.categories
            store.add_prediction(article["id"], prediction)     # appended: the old scores stay in history
            with store.db.atomic():
                store.db.execute("UPDATE review_items SET priority = ?, updated_at = ? WHERE article_id = ? "
                                 "AND status = 'pending'",
                                 [priority_of(prediction.relevance, prediction.categories), utc_now(), article["id"]])
        if progress:
            progress(len(batch))
    return changed


def prediction_history(store: Store, article_id: int) -> list[dict]:
    """Every prediction made for an article, oldest first, with the model version that made it."""
    rows = store.db.execute_returning_dicts(
        "SELECT id, model_version, relevance, is_candidate, categories, scores, created_at FROM predictions "
        "WHERE article_id = ? ORDER BY id", [article_id])
    for row in rows:
        row["categories"], row["scores"] = json.loads(row["categories"] or "[]"), json.loads(row["scores"] or "{}")
    return rows
