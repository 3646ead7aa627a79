"""Review: reading the queue for monitors: filtered, searchable, keyset-paginated lists and one item in full.

Pagination is keyset on (priority DESC, id): a page costs the same at item 90,000 as
at item 1, because the index idx_review_items_queue is walked, not counted past.
Every filter value is a bound parameter; the only text spliced into SQL is fixed here.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields

from ..storage.store import Store, utc_now
from ..storage.transactions import write_transaction
from .decisions import REVIEW_STATUSES, claim_item, history
from .double_review import BLIND, not_decided_by_sql, viewer_state
from .incidents import get_incident, incident_articles

PAGE_SIZE = 50
COUNT_CAP = 1000           # beyond this a page says "1000+" rather than counting 100k rows
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CURSOR_RE = re.compile(r"^(-?\d+(?:\.\d+)?):(\d+)$")


@dataclass(frozen=True)
class QueueFilter:
    status: str = "pending"        # one of REVIEW_STATUSES or "all"
    lang: str = ""
    category: str = ""
    source: str = ""
    date_from: str = ""            # YYYY-MM-DD, on the article's publication date
    date_to: str = ""
    q: str = ""                    # full-text search over title and text

    @classmethod
    def from_params(cls, params) -> "QueueFilter":
        """Build from query parameters, dropping values that are not well-formed."""
        raw = {f.name: (params.get(f.name) or "").strip()[:200] for f in fields(cls)}
        if raw["status"] not in (*REVIEW_STATUSES, "all"):
            raw["status"] = "pending"
        for key in ("date_from", "date_to"):
            if not DATE_RE.match(raw[key]):
                raw[key] = ""
        return cls(**raw)

    def params(self, **override) -> dict:
        """Non-empty values, for building links that keep the current filters."""
        values = {**{f.name: getattr(self, f.name) for f in fields(self)}, **override}
        return {k: v for k, v in values.items() if v not in ("", None)}


def fts_query(text: str) -> str:
    """User words as quoted FTS5 prefix terms: any input is valid syntax, never an operator."""
    terms = [t.replace('"', '""') for t in text.split() if t.strip('"')]
    return " ".join(f'"{t}"*' for t in terms)


LATEST_PREDICTION = "JOIN predictions p ON p.id = (SELECT MAX(id) FROM predictions WHERE article_id = r.article_id)"


def _where(f: QueueFilter) -> tuple[list[str], list]:
    where, params = [], []
    if f.status != "all":
        where.append("r.status = ?")
        params.append(f.status)
    if f.lang:
        where.append("a.lang = ?")
        params.append(f.lang)
    if f.source:
        where.append("a.source = ?")
        params.append(f.source)
    if f.category:
        where.append("(EXISTS (SELECT 1 FROM json_each(p.categories) WHERE value = ?) OR "
                     "EXISTS (SELECT 1 FROM json_each(r.decision, '$.categories') WHERE value = ?))")
        params += [f.category, f.category]
    if f.date_from:
        where.append("substr(a.published, 1, 10) >= ?")
        params.append(f.date_from)
    if f.date_to:
        where.append("substr(a.published, 1, 10) <= ?")
        params.append(f.date_to)
    if f.q and fts_query(f.q):
        where.append("r.article_id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(fts_query(f.q))
    return where, params


def queue_rows(store: Store, f: QueueFilter, extra_where: list[str], extra_params: list, order: str, limit: int):
    where, params = _where(f)
    where += extra_where
    sql = f"""
        SELECT r.id, r.status, r.priority, r.version, r.double_review, r.claimed_by, r.claimed_until, u.username AS claimed_by_name,
               a.id AS article_id, a.url, a.source, a.lang, a.title, a.published,
               p.relevance, p.categories, p.model_version, r.decision
        FROM review_items r
        JOIN articles a ON a.id = r.article_id
        {LATEST_PREDICTION}
        LEFT JOIN users u ON u.id = r.claimed_by
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY {order} LIMIT ?"""
    rows = store.db.execute_returning_dicts(sql, [*params, *extra_params, limit])
    now = utc_now()
    for row in rows:
        row["categories"] = json.loads(row["categories"] or "[]")
        row["decision"] = json.loads(row["decision"]) if row["decision"] else None
        if not (row["claimed_until"] and row["claimed_until"] >= now):
            row["claimed_by"] = row["claimed_by_name"] = None
    return rows


def list_items(store: Store, status: str | None = "pending", category: str | None = None,
               lang: str | None = None, limit: int = 50) -> list[dict]:
    """Queue items with their article and latest prediction, highest priority first:
    the web app's queue query without its paging and counts (`sozwatch queue list`)."""
    f = QueueFilter(status=status or "all", category=category or "", lang=lang or "")
    return queue_rows(store, f, [], [], "r.priority DESC, r.id", limit)


def parse_cursor(cursor: str | None) -> tuple[float, int] | None:
    match = CURSOR_RE.match(cursor or "")
    return (float(match.group(1)), int(match.group(2))) if match else None


def list_queue(store: Store, f: QueueFilter, after: str | None = None, limit: int = PAGE_SIZE) -> dict:
    """One page of the queue, highest priority first, and the cursor of the next page."""
    extra, extra_params = [], []
    position = parse_cursor(after)
    if position:
        extra.append("(r.priority < ? OR (r.priority = ? AND r.id > ?))")
        extra_params += [position[0], position[0], position[1]]
    rows = queue_rows(store, f, extra, extra_params, "r.priority DESC, r.id", limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = f"{rows[-1]['priority']}:{rows[-1]['id']}" if more else None
    return {"items": rows, "next": next_cursor, "total": count_queue(store, f)}


def count_queue(store: Store, f: QueueFilter) -> str:
    where, params = _where(f)
    needs_prediction = bool(f.category)
    sql = f"""SELECT COUNT(*) FROM (SELECT 1 FROM review_items r JOIN articles a ON a.id = r.article_id
              {LATEST_PREDICTION if needs_prediction else ""}
              {"WHERE " + " AND ".join(where) if where else ""} LIMIT ?)"""
    n = store.db.execute(sql, [*params, COUNT_CAP + 1]).fetchone()[0]
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def neighbour(store: Store, f: QueueFilter, item: dict, forward: bool, skip_claimed_for: int | None = None):
    """The item after (or before) `item` in this queue order, or None; optionally the next unclaimed one."""
    p, i = item["priority"], item["id"]
    if forward:
        extra, order = ["(r.priority < ? OR (r.priority = ? AND r.id > ?))"], "r.priority DESC, r.id"
    else:
        extra, order = ["(r.priority > ? OR (r.priority = ? AND r.id < ?))"], "r.priority ASC, r.id DESC"
    params = [p, p, i]
    if skip_claimed_for is not None:
        free, free_params = _free_for(skip_claimed_for)
        extra += free
        params += free_params
    rows = queue_rows(store, f, extra, params, order, 1)
    return rows[0] if rows else None


def _free_for(user_id: int) -> tuple[list[str], list]:
    """Conditions for an item this monitor can take: no other monitor holds it, it is not a
    double-review item they already decided (it waits for another monitor, see double_review.py),
    nor one they asked a second opinion on (that is a colleague's to take)."""
    return (["(r.claimed_by IS NULL OR r.claimed_by = ? OR r.claimed_until < ?)", not_decided_by_sql("r"),
             "NOT (r.status = 'second_opinion' AND r.decided_by = ?)"],
            [user_id, utc_now(), user_id, user_id])


def first_free(store: Store, f: QueueFilter, user_id: int):
    """The highest-priority item in this queue that this monitor can take (_free_for)."""
    free, params = _free_for(user_id)
    rows = queue_rows(store, f, free, params, "r.priority DESC, r.id", 1)
    return rows[0] if rows else None


def claim_next(store: Store, f: QueueFilter, user, minutes: float):
    """`first_free`, claimed for this monitor in the same write transaction that picks it: no
    colleague is handed the same item, and nobody's "next" lands on it while the page loads."""
    with write_transaction(store.db):
        item = first_free(store, f, user.id)
        if item is not None:
            claim_item(store, item["id"], user, minutes)
    return item


def sources(store: Store) -> list[str]:
    return [s for (s,) in store.db.execute("SELECT DISTINCT source FROM articles WHERE source IS NOT NULL "
                                          "ORDER BY source LIMIT 500").fetchall()]


def item_detail(store: Store, item_id: int, viewer: str | None = None) -> dict | None:
    """Everything the item page shows: article, prediction, decision, claim, duplicates, history.

    For `viewer` (a username) who has not yet decided an item in an open double-review round,
    the item is blind: no decision, incident or other monitor's history entry (`review_round`
    says BLIND; DECIDED once they have decided and the round waits for others)."""
    rows = queue_rows(store, QueueFilter(status="all"), ["r.id = ?"], [item_id], "r.id", 1)
    if not rows:
        return None
    item = rows[0]
    article = store.article(item["article_id"])
    prediction = store.db.execute_returning_dicts(
        "SELECT * FROM predictions WHERE article_id = ? ORDER BY id DESC LIMIT 1", [item["article_id"]])[0]
    item.update(
        article=article,
        scores=json.loads(prediction["scores"] or "{}"),
        details=json.loads(prediction.get("details") or "{}"),
        model_version=prediction["model_version"],
        incident=None,
        duplicates=duplicates(store, article),
        history=history(store, item_id),
    )
    incident_id = store.db.execute("SELECT incident_id FROM review_items WHERE id = ?", [item_id]).fetchone()[0]
    if incident_id:
        item["incident"] = {**get_incident(store, incident_id), "articles": incident_articles(store, incident_id)}
    item["review_round"] = viewer_state(store, item, viewer) if viewer is not None else None
    if item["review_round"] == BLIND:
        item.update(decision=None, incident=None,
                    history=[entry for entry in item["history"] if entry["username"] == viewer])
    return item


def duplicates(store: Store, article: dict, limit: int = 10) -> list[dict]:
    """Other articles on the same story: same story_id (set by a crawler), same text, or same title.

    Three indexed lookups joined by UNION rather than one OR: with planner statistics, SQLite
    judged the story index useless (most articles have no story_id) and scanned every article."""
    return store.db.execute_returning_dicts(
        """SELECT a.id, a.title, a.source, a.url, a.published, r.id AS item_id, r.status FROM articles a
           LEFT JOIN review_items r ON r.article_id = a.id
           WHERE a.id != ? AND a.id IN (SELECT id FROM articles WHERE story_id = ?
                                        UNION SELECT id FROM articles WHERE content_hash = ?
                                        UNION SELECT id FROM articles WHERE title = ? AND title != '')
           ORDER BY a.published LIMIT ?""",
        [article["id"], article.get("story_id"), article.get("content_hash"), article.get("title") or "", limit])
