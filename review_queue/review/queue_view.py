"""Review: reading the queue for monitors: filtered, searchable, keyset-paginated lists and one item in full.

Pagination is keyset on (priority DESC, id): a page costs the same at item 90,000 as
at item 1, because the index idx_review_items_queue is walked, not counted past.
Every filter value is a bound parameter; the only text spliced into SQL is fixed here.

A search (storage/search_terms.py: stems, any inflected form) lists the items whose title matches
first, then the others, each part by priority; the cursor names the part. How a search runs
depends on how many articles match (search_condition, under a millisecond to estimate): a few
drive the query through the index; many are found by walking the priority index and checking
each row, which finds a page of hits long before sorting thousands of matches would finish.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields

from ..storage.dialect import search_query, search_sql
from ..storage.search_terms import query_groups
from ..storage.store import Store, utc_now
from ..storage.transactions import write_transaction
from .decisions import REVIEW_STATUSES, claim_item, history
from .double_review import BLIND, not_decided_by_sql, viewer_state
from .incidents import get_incident, incident_articles

PAGE_SIZE = 50
COUNT_CAP = 1000           # beyond this a page says "1000+" rather than counting 100k rows
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CURSOR_RE = re.compile(r"^(?:([tb]):)?(-?\d+(?:\.\d+)?):(\d+)$")   # [part:]priority:id
# How a search runs depends on how many articles match (search_condition; measured in README
# "Search"): under FEW the matches drive the query; up to MANY the queue's priority index is walked
# against the matches, collected once; beyond, each walked row is checked alone (text matches).
FEW, MANY = 5_000, 20_000


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


def search_condition(store: Store, q: str, titles: bool = False) -> tuple[str, list]:
    """The condition "r's article matches the search `q`" (in its title, if `titles`) and its
    parameters, in the shape that suits the number of matches. A search with no word in it
    («%», «\\») matches nothing, as a search for something absent would.

    SQLite finds the FEW-th match in id order (cheap: FTS5 stops there); none means few matches,
    else how far into the ids it lies estimates how many match in all. Title matches are never
    checked row by row: a title is short, so hits are sparse and each check costs more than
    collecting them all. PostgreSQL's planner has statistics on the indexed column and chooses
    by itself."""
    groups = query_groups(q)
    if not groups:
        return "1 = 0", []
    query = search_query(store.dialect, groups, titles)
    shape = "in"
    if store.dialect == "sqlite":
        nth = store.db.execute(search_sql(store.dialect, "nth", titles), [query, FEW - 1]).fetchone()
        if nth:
            first, last = store.db.execute(   # two subqueries: MIN and MAX together would scan the table
                "SELECT (SELECT MIN(id) FROM articles), (SELECT MAX(id) FROM articles)").fetchone()
            estimate = FEW * (last - first + 1) / (nth[0] - first + 1)
            shape = "walk" if estimate < MANY or titles else "probe"
    return search_sql(store.dialect, shape, titles), [query]


LATEST_PREDICTION = "JOIN predictions p ON p.id = (SELECT MAX(id) FROM predictions WHERE article_id = r.article_id)"


def _where(store: Store, f: QueueFilter, search: bool = True) -> tuple[list[str], list]:
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
    if search and f.q:
        condition, condition_params = search_condition(store, f.q)
        where.append(condition)
        params += condition_params
    return where, params


def queue_rows(store: Store, f: QueueFilter, extra_where: list[str], extra_params: list, order: str, limit: int,
               search: bool = True):
    """Queue rows under the filters (the search among them unless `search` is False: the caller's
    extra conditions then stand for it, see queue_parts) and `extra_where`, in `order`."""
    where, params = _where(store, f, search)
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


def parse_cursor(cursor: str | None) -> tuple[str, float, int] | None:
    """(part, priority, id) from `[part:]priority:id`; part is "" outside a search."""
    match = CURSOR_RE.match(cursor or "")
    return (match.group(1) or "", float(match.group(2)), int(match.group(3))) if match else None


def queue_parts(store: Store, f: QueueFilter) -> list[tuple[str, list[str], list]]:
    """The queue's order as consecutive parts (cursor name, conditions, parameters), each by priority:
    the whole filtered queue; with a search, the items whose title matches ("t"), then the others
    that match ("b"). The conditions include the search: call queue_rows with search=False."""
    if not f.q:
        return [("", [], [])]
    (title, title_params), (match, match_params) = search_condition(store, f.q, titles=True), search_condition(store, f.q)
    return [("t", [title], title_params), ("b", [match, f"NOT ({title})"], [*match_params, *title_params])]


AFTER = ("(r.priority < ? OR (r.priority = ? AND r.id > ?))", "r.priority DESC, r.id")
BEFORE = ("(r.priority > ? OR (r.priority = ? AND r.id < ?))", "r.priority ASC, r.id DESC")


def list_queue(store: Store, f: QueueFilter, after: str | None = None, limit: int = PAGE_SIZE) -> dict:
    """One page of the queue (title matches of a search first, then by priority) and the cursor of the next page."""
    parts = queue_parts(store, f)
    position = parse_cursor(after)
    names = [name for name, _, _ in parts]
    start = names.index(position[0]) if position and position[0] in names else 0
    found: list[tuple[str, dict]] = []
    for n, (name, where, params) in enumerate(parts[start:]):
        extra, extra_params = list(where), list(params)
        if position and n == 0:
            extra.append(AFTER[0])
            extra_params += [position[1], position[1], position[2]]
        found += [(name, row) for row in queue_rows(store, f, extra, extra_params, AFTER[1], limit + 1 - len(found),
                                                    search=False)]
        if len(found) > limit:
            break
    more = len(found) > limit
    found = found[:limit]
    next_cursor = None
    if more:
        name, row = found[-1]
        next_cursor = f"{name + ':' if name else ''}{row['priority']}:{row['id']}"
    return {"items": [row for _, row in found], "next": next_cursor, "total": count_queue(store, f)}


def count_queue(store: Store, f: QueueFilter) -> str:
    """How many items the filters select, counted up to COUNT_CAP + 1. A search is counted from its
    matches, joined to the queue and stopping at the cap: checking every queue row against the
    search costs more (at 100,000 items, 1.4 s with a language and a category besides two common words)."""
    where, params = _where(store, f, search=False)
    needs_prediction = bool(f.category)
    groups = query_groups(f.q) if f.q else []
    source = "review_items r"
    if f.q and not groups:
        return "0"        # no word to search for (search_condition)
    if groups:
        source = f"{search_sql(store.dialect, 'rows')} m JOIN review_items r ON r.article_id = m.article_id"
        params = [search_query(store.dialect, groups), *params]
    sql = f"""SELECT COUNT(*) FROM (SELECT 1 FROM {source} JOIN articles a ON a.id = r.article_id
              {LATEST_PREDICTION if needs_prediction else ""}
              {"WHERE " + " AND ".join(where) if where else ""} LIMIT ?)"""
    n = store.db.execute(sql, [*params, COUNT_CAP + 1]).fetchone()[0]
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def neighbour(store: Store, f: QueueFilter, item: dict, forward: bool, skip_claimed_for: int | None = None):
    """The item after (or before) `item` in this queue order, or None; optionally the next unclaimed one."""
    parts = queue_parts(store, f)
    here = 0
    if len(parts) > 1:   # a search: is `item` among the title matches (part 0) or the others?
        in_title = store.db.execute(   # one row: checked alone, whatever the part's shape
            f"SELECT 1 FROM review_items r WHERE r.id = ? AND {search_sql(store.dialect, 'probe', titles=True)}",
            [item["id"], *parts[0][2]]).fetchone() if parts[0][2] else None
        here = 0 if in_title else 1
    condition, order = AFTER if forward else BEFORE
    for n, (_, where, params) in enumerate(parts[here:] if forward else parts[here::-1]):
        extra, extra_params = list(where), list(params)
        if n == 0:
            extra.append(condition)
            extra_params += [item["priority"], item["priority"], item["id"]]
        if skip_claimed_for is not None:
            free, free_params = _free_for(skip_claimed_for)
            extra += free
            extra_params += free_params
        rows = queue_rows(store, f, extra, extra_params, order, 1, search=False)
        if rows:
            return rows[0]
    return None


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
