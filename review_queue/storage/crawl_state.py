"""Storage: the crawler's memory in the queue database: what was seen, what is still to fetch,
HTTP validators, per-source run figures, near-duplicate signatures and court notices.

Plain functions over a `Store`; the tables come from migration m201. Callers compute
URL keys (crawler/urls.py): this module stores them, it does not interpret URLs.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from .store import Store, utc_now
from .transactions import write_transaction

# -- seen URLs ------------------------------------------------------------------


def is_known(store: Store, key: str, url: str) -> bool:
    """True when the URL was fetched before (an article, or a page that is not one)."""
    return bool(store.db.execute(
        "SELECT 1 FROM seen_urls WHERE key = ? UNION ALL SELECT 1 FROM articles WHERE url = ? LIMIT 1",
        [key, url]).fetchone())


def mark_seen(store: Store, key: str, url: str, source: str, outcome: str) -> None:
    """Remember a fetched URL and take it off the frontier, in one step."""
    with store.db.atomic():
        store.db.execute("INSERT INTO seen_urls (key, url, source, outcome, seen_at) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET outcome = excluded.outcome, seen_at = excluded.seen_at",
                         [key, url, source, outcome, utc_now()])
        store.db.execute("DELETE FROM crawl_frontier WHERE key = ?", [key])


# -- the frontier: discovered, not yet fetched ---------------------------------------


def add_to_frontier(store: Store, key: str, url: str, source: str) -> None:
    # not when it was fetched meanwhile (another crawl worker stored it since we looked): checked
    # under the write lock, so a URL never lingers on the frontier after it is stored
    with write_transaction(store.db):
        store.db.execute("INSERT INTO crawl_frontier (key, url, source, discovered_at) "
                         "SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM seen_urls WHERE key = ?) "
                         "ON CONFLICT(key) DO NOTHING", [key, url, source, utc_now(), key])


def frontier(store: Store, sources: list[str]) -> list[tuple[str, str]]:
    """(source, url) of URLs discovered by an earlier, unfinished crawl of these sources."""
    marks = ",".join("?" * len(sources))
    return [tuple(r) for r in store.db.execute(
        f"SELECT source, url FROM crawl_frontier WHERE source IN ({marks}) ORDER BY discovered_at", sources)]


def fetch_failed(store: Store, key: str, error: str, max_attempts: int) -> bool:
    """Count a failed fetch; after max_attempts the URL leaves the frontier. True if it left."""
    with store.db.atomic():
        store.db.execute("UPDATE crawl_frontier SET attempts = attempts + 1, last_error = ? WHERE key = ?",
                         [error, key])
        row = store.db.execute("SELECT attempts FROM crawl_frontier WHERE key = ?", [key]).fetchone()
        if row and row[0] >= max_attempts:
            store.db.execute("DELETE FROM crawl_frontier WHERE key = ?", [key])
            return True
    return row is None


# -- conditional GET ----------------------------------------------------------------


def validators(store: Store, url: str) -> tuple[str | None, str | None]:
    row = store.db.execute("SELECT etag, last_modified FROM http_validators WHERE url = ?", [url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def save_validators(store: Store, found: dict[str, tuple[str | None, str | None]]) -> None:
    now = utc_now()
    with store.db.atomic():
        store.db.conn.executemany(
            "INSERT INTO http_validators (url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "updated_at = excluded.updated_at",
            [(url, etag, modified, now) for url, (etag, modified) in found.items()])


# -- per-source runs ------------------------------------------------------------------


def start_run(store: Store, source: str, spider: str, started_at: str, process: dict) -> int:
    """A run's row, written when it starts (finish_reason 'running'), so that a run killed
    before its end still shows; `process` ({"host", "pid"}) tells a dead run from a live one."""
    return store.db["crawl_runs"].insert({
        "source": source, "spider": spider, "started_at": started_at, "finish_reason": "running",
        "stats": json.dumps({"process": process}, sort_keys=True)}).last_pk


def record_run(store: Store, source: str, spider: str, started_at: str, finish_reason: str,
               fetched: int, new_items: int, error_kinds: dict[str, int], stats: dict,
               refusals: dict[str, int] | None = None, run_id: int | None = None) -> None:
    """A run's figures at its end, into its row from `start_run` or a new row; `refusals`: pages
    fetched and refused as not an article, per reason."""
    record = {
        "source": source, "spider": spider, "started_at": started_at, "finished_at": utc_now(),
        "finish_reason": finish_reason, "fetched": fetched, "new_items": new_items,
        "errors": sum(error_kinds.values()), "error_kinds": json.dumps(error_kinds, sort_keys=True),
        "refusals": json.dumps(refusals or {}, sort_keys=True),
        "stats": json.dumps(stats, sort_keys=True, default=str)}
    if run_id is None:
        store.db["crawl_runs"].insert(record)
    else:
        store.db["crawl_runs"].update(run_id, record)


def unfinished_runs(store: Store, sources: list[str]) -> list[dict]:
    """Rows of these sources still marked 'running', with the process that started each."""
    marks = ",".join("?" * len(sources))
    rows = store.db.execute_returning_dicts(
        f"SELECT id, source, stats FROM crawl_runs WHERE finish_reason = 'running' AND source IN ({marks})", sources)
    return [dict(row, process=json.loads(row["stats"]).get("process", {})) for row in rows]


def mark_interrupted(store: Store, run_ids: list[int]) -> None:
    """Runs whose process died before their end (killed, crashed, power lost)."""
    for run_id in run_ids:
        store.db.execute("UPDATE crawl_runs SET finish_reason = 'interrupted' WHERE id = ?", [run_id])


def _decoded(row: dict) -> dict:
    return dict(row, **{k: json.loads(row[k]) for k in ("error_kinds", "refusals", "stats") if k in row})


def last_success(store: Store, source: str) -> datetime | None:
    """Start time of the source's last crawl that ran to the end; sitemaps changed before it are skipped."""
    row = store.db.execute("SELECT MAX(started_at) FROM crawl_runs WHERE source = ? AND finish_reason = 'finished'",
                           [source]).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def last_started(store: Store, source: str) -> datetime | None:
    row = store.db.execute("SELECT MAX(started_at) FROM crawl_runs WHERE source = ?", [source]).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def runs(store: Store, source: str | None = None, limit: int = 1000) -> list[dict]:
    where, params = ("WHERE source = ?", [source]) if source else ("", [])
    return [_decoded(row) for row in store.db.execute_returning_dicts(
        f"SELECT * FROM crawl_runs {where} ORDER BY started_at DESC, id DESC LIMIT ?", [*params, limit])]


def source_health(store: Store, recent_runs: int = 3) -> dict[str, dict]:
    """Per source: the last `recent_runs` runs (newest first; `last` the newest), the last successful
    run, the first run and the last run that stored something new."""
    health: dict[str, dict] = {}
    for row in store.db.execute_returning_dicts("""
            SELECT source, MAX(started_at) AS last_run,
                   MAX(CASE WHEN finish_reason = 'finished' THEN finished_at END) AS last_success,
                   MAX(CASE WHEN new_items > 0 THEN started_at END) AS last_new,
                   MIN(started_at) AS first_run,
                   COUNT(*) AS runs FROM crawl_runs GROUP BY source"""):
        health[row["source"]] = row
    for source, row in health.items():
        recent = store.db.execute_returning_dicts(
            "SELECT * FROM crawl_runs WHERE source = ? ORDER BY started_at DESC, id DESC LIMIT ?", [source, recent_runs])
        row["recent"] = [_decoded(r) for r in recent]
        row["last"] = row["recent"][0]
    return health


# -- near-duplicate stories -------------------------------------------------------------


def story_signatures(store: Store, since: str) -> list[tuple[int, str, bytes]]:
    return [tuple(r) for r in store.db.execute(
        "SELECT article_id, story_id, signature FROM article_minhash WHERE created_at >= ?", [since])]


def link_story(store: Store, article_id: int, story_id: str, signature: bytes) -> None:
    store.db.execute("UPDATE articles SET story_id = ? WHERE id = ?", [story_id, article_id])
    store.db.execute("INSERT OR REPLACE INTO article_minhash (article_id, story_id, signature, created_at) "
                     "VALUES (?, ?, ?, ?)", [article_id, story_id, signature, utc_now()])


def story_articles(store: Store, story_id: str) -> list[dict]:
    return store.db.execute_returning_dicts(
        "SELECT id, url, source, title, published FROM articles WHERE story_id = ? ORDER BY published, id",
        [story_id])


# -- court notices ----------------------------------------------------------------------


def add_court_notice(store: Store, notice: dict) -> bool:
    """Store a notice once (per source, case number, date and time); True when it is new."""
    record = {k: notice.get(k) for k in ("source", "url", "court", "date", "time", "case_number", "judge",
                                         "parties", "article", "subject")}
    record.update(matched=json.dumps(notice.get("matched") or [], ensure_ascii=False), fetched_at=utc_now())
    with store.db.atomic():
        cursor = store.db.execute(
            f"INSERT INTO court_notices ({', '.join(record)}) VALUES ({', '.join('?' * len(record))}) "
            "ON CONFLICT(source, case_number, date, time) DO NOTHING", list(record.values()))
    return cursor.rowcount > 0


def court_notices(store: Store, source: str | None = None) -> list[dict]:
    where, params = ("WHERE source = ?", [source]) if source else ("", [])
    rows = store.db.execute_returning_dicts(f"SELECT * FROM court_notices {where} ORDER BY date, time, id", params)
    for row in rows:
        row["matched"] = json.loads(row["matched"])
    return rows


def utc_datetime(value: str) -> datetime:
    when = datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
