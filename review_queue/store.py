"""The storage API: every read and write of the queue database goes through `Store`.

The crawler's pipeline, the CLI and (later) the web app all use it; nothing else
writes SQL. One SQLite file in WAL mode, so a crawl and the web app can share it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .migrations import migrate
from .priority import priority_of

STATUSES = ("pending", "second_opinion", "confirmed", "rejected")  # a review item's life


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    normalized = " ".join(text.split()).lower()
    return hashlib.sha256(normalized.encode()).hexdigest()


DETAIL_FIELDS = ("evidence", "attack_type", "perpetrator", "legal_articles", "entities")


def prediction_details(prediction) -> dict:
    """The optional richer fields of a prediction, whether attributes or inside `extras`."""
    extras = getattr(prediction, "extras", None) or {}
    details = {}
    for name in DETAIL_FIELDS:
        value = getattr(prediction, name, None) or extras.get(name)
        if value:
            details[name] = value
    return details


@dataclass
class StoredArticle:
    id: int
    created: bool   # False when the URL (or the same text) was already stored


class Store:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.enable_wal()
        self.db.execute("PRAGMA busy_timeout = 10000")
        migrate(self.db)

    def close(self) -> None:
        self.db.close()

    # -- articles ---------------------------------------------------------
    def has_url(self, url: str) -> bool:
        return bool(self.db.execute("SELECT 1 FROM articles WHERE url = ?", [url]).fetchone())

    def add_article(self, article: dict) -> StoredArticle:
        """Store an extracted article once: a known URL or identical text is not added again."""
        digest = content_hash(article["text"])
        row = self.db.execute("SELECT id FROM articles WHERE url = ? OR content_hash = ?",
                              [article["url"], digest]).fetchone()
        if row:
            return StoredArticle(row[0], created=False)
        record = {key: article.get(key) for key in
                  ("url", "source", "lang", "title", "text", "author", "published", "encoding")}
        record.update(content_hash=digest, fetched_at=article.get("fetched_at") or utc_now())
        with self.db.atomic():
            article_id = self.db["articles"].insert(record).last_pk
        return StoredArticle(article_id, created=True)

    def set_language(self, article_id: int, lang: str) -> None:
        self.db["articles"].update(article_id, {"lang": lang})

    def article(self, article_id: int) -> dict:
        return self.db["articles"].get(article_id)

    # -- predictions and the queue ---------------------------------------
    def add_prediction(self, article_id: int, prediction) -> None:
        """Record a model's verdict; a candidate also gets a pending review item."""
        now = utc_now()
        with self.db.atomic():
            self.db["predictions"].insert({
                "article_id": article_id, "model_version": prediction.model_version,
                "relevance": prediction.relevance, "is_candidate": int(prediction.is_candidate),
                "scores": json.dumps(prediction.scores), "categories": json.dumps(prediction.categories),
                "details": json.dumps(prediction_details(prediction), ensure_ascii=False), "created_at": now,
            })
            if prediction.is_candidate:
                self.db.execute(
                    "INSERT INTO review_items (article_id, status, priority, created_at, updated_at) "
                    "VALUES (?, 'pending', ?, ?, ?) ON CONFLICT(article_id) DO NOTHING",
                    [article_id, priority_of(prediction.relevance, prediction.categories), now, now])

    def list_items(self, status: str | None = "pending", category: str | None = None,
                   lang: str | None = None, limit: int = 50) -> list[dict]:
        """Queue items with their article and latest prediction, highest priority first."""
        where, params = [], []
        if status:
            where.append("r.status = ?")
            params.append(status)
        if lang:
            where.append("a.lang = ?")
            params.append(lang)
        if category:
            where.append("EXISTS (SELECT 1 FROM json_each(p.categories) WHERE value = ?)")
            params.append(category)
        sql = f"""
            SELECT r.id, r.status, r.priority, a.id AS article_id, a.url, a.source, a.lang, a.title,
                   a.published, p.relevance, p.categories, p.model_version
            FROM review_items r
            JOIN articles a ON a.id = r.article_id
            JOIN predictions p ON p.id = (SELECT MAX(id) FROM predictions WHERE article_id = a.id)
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY r.priority DESC, r.id
            LIMIT ?"""
        rows = self.db.execute_returning_dicts(sql, [*params, limit])
        for row in rows:
            row["categories"] = json.loads(row["categories"])
        return rows

    # -- summaries --------------------------------------------------------
    def counts(self) -> dict:
        """Figures for the demo summary and `sozwatch queue stats`."""
        by_lang = dict(self.db.execute("SELECT lang, COUNT(*) FROM articles GROUP BY lang").fetchall())
        by_status = dict(self.db.execute("SELECT status, COUNT(*) FROM review_items GROUP BY status").fetchall())
        by_category = dict(self.db.execute("""
            SELECT j.value, COUNT(*) FROM review_items r
            JOIN predictions p ON p.id = (SELECT MAX(id) FROM predictions WHERE article_id = r.article_id)
            JOIN json_each(p.categories) j
            WHERE r.status = 'pending' GROUP BY j.value ORDER BY 2 DESC""").fetchall())
        return {"articles": sum(by_lang.values()), "articles_by_lang": by_lang,
                "items_by_status": by_status, "pending_by_category": by_category}
