"""Storage: the classify stage's queue: which articles wait for the model, who holds them, what failed.

The one place an article is claimed for classification. Every article the crawl stores gets a row
here in state `pending`, in the crawl's own transaction (migration m601 gives older articles theirs).
A worker claims a batch (state `claimed`, `claimed_by`, a lease in `claimed_until`); an article in
`claimed` whose lease has run out is pending again for everyone, which is how a killed worker's
batch is taken again: no start-up ever clears other workers' claims. The worker's results are
written only for rows it still holds, in one transaction with the state `done`, so an article is
classified exactly once even when a slow worker lost its lease to another.

SQLite: claims run under BEGIN IMMEDIATE, whose write lock serialises claimers. PostgreSQL:
`FOR UPDATE SKIP LOCKED`, so several workers (machines) claim side by side without waiting.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from .dialect import for_update_skip_locked
from .store import Store, utc_now
from .transactions import write_transaction

PENDING, CLAIMED, DONE, QUARANTINED = "pending", "claimed", "done", "quarantined"
STATES = (PENDING, CLAIMED, DONE, QUARANTINED)


def _later(seconds: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).isoformat(timespec="seconds")


def _marks(ids) -> str:
    return ", ".join("?" * len(ids))


@contextmanager
def _claim_transaction(store: Store):
    """SQLite: take the write lock up front (claimers queue behind it). PostgreSQL: a plain
    transaction; the rows themselves are locked (FOR UPDATE SKIP LOCKED, UPDATE)."""
    if store.dialect == "postgresql":
        with store.db.atomic():
            yield
    else:
        with write_transaction(store.db):
            yield


def enqueue(store: Store, article_id: int) -> None:
    """Mark a stored article as waiting for the classifier (call inside the transaction that stores it)."""
    now = utc_now()
    store.db.execute("INSERT INTO classify_state (article_id, state, queued_at, updated_at) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT(article_id) DO NOTHING", [article_id, PENDING, now, now])


def claim(store: Store, worker: str, limit: int, lease_seconds: float) -> list[dict]:
    """Take up to `limit` articles for `worker` until now + `lease_seconds`: first those whose lease
    ran out (a killed worker's), then pending ones, oldest first. Returns them as {id, title, text, lang}."""
    now = utc_now()
    ids: list[int] = []
    with _claim_transaction(store):
        # two statements, not one with OR: each walks the (state, article_id) index in order
        for condition, params in (("state = ? AND claimed_until < ?", [CLAIMED, now]), ("state = ?", [PENDING])):
            if len(ids) >= limit:
                break
            ids += [row[0] for row in store.db.execute(
                f"""UPDATE classify_state SET state = ?, claimed_by = ?, claimed_until = ?, updated_at = ?
                WHERE article_id IN (SELECT article_id FROM classify_state WHERE {condition}
                    ORDER BY article_id LIMIT ?{for_update_skip_locked(store.db)})
                RETURNING article_id""",
                [CLAIMED, worker, _later(lease_seconds), now, *params, limit - len(ids)]).fetchall()]
    if not ids:
        return []
    ids.sort()
    return store.db.execute_returning_dicts(
        f"SELECT id, title, text, lang FROM articles WHERE id IN ({_marks(ids)}) ORDER BY id", ids)


def finish(store: Store, worker: str, model_version: str, results: list[tuple[int, object]]) -> list[int]:
    """Store each (article id, prediction) that `worker` still holds: the prediction, a review item
    for a candidate, the language where the article has none yet, state `done` with the model
    version, claim cleared; all in one transaction. Returns the ids written (an article whose lease
    another worker took meanwhile is left to that worker)."""
    if not results:
        return []
    by_id = dict(results)
    ids = sorted(by_id)
    with _claim_transaction(store):
        held = sorted(row[0] for row in store.db.execute(
            f"""UPDATE classify_state SET state = ?, model_version = ?, claimed_by = NULL, claimed_until = NULL,
                updated_at = ? WHERE article_id IN ({_marks(ids)}) AND state = ? AND claimed_by = ?
            RETURNING article_id""", [DONE, model_version, utc_now(), *ids, CLAIMED, worker]).fetchall())
        for article_id in held:
            prediction = by_id[article_id]
            store.add_prediction(article_id, prediction)
            if prediction.lang:   # articles stored before the crawl named languages
                store.db.execute("UPDATE articles SET lang = ? WHERE id = ? AND lang IS NULL",
                                 [prediction.lang, article_id])
    return held


def fail(store: Store, worker: str, article_id: int, error: str, max_attempts: int) -> str:
    """Count a failed attempt on an article `worker` holds: pending again, or `quarantined` after
    `max_attempts`. Returns the new state ('' when the article is no longer this worker's)."""
    now = utc_now()
    with _claim_transaction(store):
        row = store.db.execute(
            """UPDATE classify_state SET attempts = attempts + 1, last_error = ?, claimed_by = NULL,
                claimed_until = NULL, updated_at = ?, state = CASE WHEN attempts + 1 >= ? THEN ? ELSE ? END
            WHERE article_id = ? AND state = ? AND claimed_by = ? RETURNING state""",
            [f"{now} {worker}: {error}"[:1000], now, max_attempts, QUARANTINED, PENDING,
             article_id, CLAIMED, worker]).fetchone()
    return row[0] if row else ""


def release(store: Store, worker: str, article_ids: list[int]) -> None:
    """Hand back articles `worker` holds, unscored and with no attempt counted (a clean shutdown)."""
    if article_ids:
        with _claim_transaction(store):
            store.db.execute(
                f"""UPDATE classify_state SET state = ?, claimed_by = NULL, claimed_until = NULL, updated_at = ?
                WHERE article_id IN ({_marks(article_ids)}) AND state = ? AND claimed_by = ?""",
                [PENDING, utc_now(), *article_ids, CLAIMED, worker])


def requeue_quarantined(store: Store) -> int:
    """Give quarantined articles another round of attempts; returns how many."""
    with _claim_transaction(store):
        return store.db.execute(
            "UPDATE classify_state SET state = ?, attempts = 0, updated_at = ? WHERE state = ?",
            [PENDING, utc_now(), QUARANTINED]).rowcount


def status(store: Store, errors: int = 5) -> dict:
    """Counts by state, the oldest pending article's queue time, and the latest quarantined errors."""
    counts = {state: 0 for state in STATES}
    counts.update(dict(store.db.execute("SELECT state, COUNT(*) FROM classify_state GROUP BY state").fetchall()))
    oldest = store.db.execute("SELECT MIN(queued_at) FROM classify_state WHERE state IN (?, ?)",
                              [PENDING, CLAIMED]).fetchone()[0]
    quarantined = store.db.execute_returning_dicts(
        "SELECT article_id, attempts, last_error FROM classify_state WHERE state = ? "
        "ORDER BY updated_at DESC LIMIT ?", [QUARANTINED, errors])
    return {"counts": counts, "oldest_pending": oldest, "quarantined": quarantined}
