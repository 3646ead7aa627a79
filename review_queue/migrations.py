"""Schema changes, applied in order and recorded in the `_migrations` table.

Add a function at the end of MIGRATIONS; never edit one that has shipped.
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlite_utils


def m001_initial(db: sqlite_utils.Database) -> None:
    db["articles"].create({
        "id": int, "url": str, "source": str, "lang": str, "title": str, "text": str, "author": str,
        "published": str, "fetched_at": str, "content_hash": str, "encoding": str,
    }, pk="id", not_null={"url"})
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["content_hash"])
    db["predictions"].create({
        "id": int, "article_id": int, "model_version": str, "relevance": float, "is_candidate": int,
        "scores": str, "categories": str, "created_at": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id")])
    db["predictions"].create_index(["article_id"])
    db["review_items"].create({
        "id": int, "article_id": int, "status": str, "priority": float,
        "created_at": str, "updated_at": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id")], defaults={"status": "pending"})
    db["review_items"].create_index(["article_id"], unique=True)
    db["review_items"].create_index(["status", "priority"])


MIGRATIONS = [m001_initial]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now."""
    table = db["_migrations"]
    if not table.exists():
        table.create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in table.rows}
    applied = []
    for migration in MIGRATIONS:
        if migration.__name__ in done:
            continue
        with db.atomic():
            migration(db)
            table.insert({"name": migration.__name__, "applied_at": datetime.now(timezone.utc).isoformat()})
        applied.append(migration.__name__)
    return applied
