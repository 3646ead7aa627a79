"""Storage, the bottom layer: `Store` opens the queue database and holds the article and prediction writes.

The crawler's pipeline, the CLI and the web app all go through it; it imports nothing above it.
One SQLite file in WAL mode, so a crawl and the web app can share it; or, selected by a
postgresql:// URL, a PostgreSQL database through the same API (review_queue/storage/dialect.py).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .dialect import PgDatabase, is_postgres_url, postgres_conninfo, sqlite_path, storage_errors
from .migrations import migrate
from .search_terms import search_columns
from .transactions import write_transaction

log = logging.getLogger(__name__)

# What a write that the database refuses raises (disk full, locked past the busy timeout, I/O
# error): the transaction is rolled back, nothing half-written remains.
STORAGE_ERRORS: tuple[type[BaseException], ...] = storage_errors()

def is_damaged(exc: BaseException) -> bool:
    """Whether SQLite's error means the file itself is damaged (not locked, not full)."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError) \
        and any(sign in str(exc) for sign in ("malformed", "not a database", "corrupt"))


def integrity_check(path: Path | str) -> str:
    """`PRAGMA integrity_check`'s answer for a SQLite file (its first lines), read-only."""
    try:
        with sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True) as conn:
            lines = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "; ".join(lines)


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


def _enable_wal(db: sqlite_utils.Database, timeout: float) -> None:
    """Switch a SQLite file to WAL, waiting up to `timeout` seconds for other processes.

    Two crawl workers opening a new file at once both try the switch; SQLite answers the loser
    "database is locked" at once instead of calling the busy handler, so we wait ourselves."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


class Store:
    """The queue database, by path or URL: a plain path or `sqlite:///path.db` is SQLite (the
    default), `postgresql://user@host:port/db` is PostgreSQL. Either way `self.db` offers the same
    API and every module's SQL is written once (the differences: review_queue/dialect.py)."""

    def __init__(self, path: Path | str, busy_timeout: float | None = None, wait: float | None = None,
                 durable: bool = True):
        """`durable=False` (the crawl's and the classify stage's connections, on SQLite): a commit
        is not synced to disk until the next checkpoint. The database cannot be corrupted by it
        (WAL), but a power cut may undo the last commits; for these writers that only means the
        URLs are fetched, or the articles classified, again. It halves the cost of a commit."""
        # a writer waits this long (seconds) for another process's lock before "database is locked"
        if busy_timeout is None:
            busy_timeout = float(os.environ.get("SOZWATCH_BUSY_TIMEOUT") or 10.0)
        if is_postgres_url(path):
            self.url = postgres_conninfo(path)
            self.path = None
            self.dialect = "postgresql"
            # while the server is away, a statement waits this long (seconds) for a connection
            if wait is None:
                wait = float(os.environ.get("SOZWATCH_DB_WAIT") or 10.0)
            self.db = PgDatabase(self.url, lock_timeout=busy_timeout, wait=wait)
        else:
            self.path = Path(sqlite_path(path))
            self.url = f"sqlite:///{self.path}"
            self.dialect = "sqlite"
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.path)
            self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            _enable_wal(self.db, busy_timeout)
            if not durable:
                self.db.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def _migrate(self) -> None:
        """Apply pending migrations, holding the write lock so that two processes opening a new
        database at once (two crawl workers) do not both try."""
        from .migrations import MIGRATIONS
        table = self.db["_migrations"]
        if table.exists() and {row["name"] for row in table.rows} >= {m.__name__ for m in MIGRATIONS}:
            return
        with write_transaction(self.db):
            migrate(self.db)

    def close(self) -> None:
        self.db.close()

    def refresh_statistics(self) -> None:
        """ANALYZE: table statistics for the query planner. Without them SQLite walks the status
        index for a filtered queue count (source + dates: 326 ms at 100k items) where the source
        index or a plain scan is far cheaper (7 ms). Run after each crawl adds rows and when the
        web app starts; ~75 ms at 100k items. Storage errors are logged, never raised: stale
        statistics only make some pages slower."""
        try:
            with write_transaction(self.db):
                self.db.execute("ANALYZE")
        except STORAGE_ERRORS as exc:
            log.warning("could not refresh the database statistics: %s", exc)

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
                  ("url", "source", "lang", "title", "text", "author", "published", "encoding", "reply_to")}
        record.update(partial=int(bool(article.get("partial"))), content_hash=digest,
                      fetched_at=article.get("fetched_at") or utc_now(), **search_columns(record["title"], record["text"]))
        # a plain INSERT: sqlite_utils' insert() reads the schema on every call (three queries)
        columns = ", ".join(record)
        marks = ", ".join("?" * len(record))
        cursor = self.db.execute(f"INSERT INTO articles ({columns}) VALUES ({marks})", list(record.values()))
        return StoredArticle(cursor.lastrowid, created=True)

    def set_language(self, article_id: int, lang: str) -> None:
        self.db["articles"].update(article_id, {"lang": lang})

    def article(self, article_id: int) -> dict:
        return self.db["articles"].get(article_id)

    # -- predictions and the queue ---------------------------------------
    def add_prediction(self, article_id: int, prediction) -> None:
        """Record a model's verdict; a candidate also gets a pending review item, queued at the
        prediction's `priority` (weighed by classifiers/priority.py, not here)."""
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
                    [article_id, prediction.priority, now, now])

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
