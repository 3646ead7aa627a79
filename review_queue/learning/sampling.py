"""Learn: what the model is unsure of, and what it may have missed.

- Uncertainty is the margin of the relevance score: 1 at 0.5 (a coin toss), 0 at 0 or 1.
  It is part of every queued item's priority (priority.uncertainty_of), and the
  "most uncertain first" list (`/queue/uncertain`) orders pending items by it alone.
- The low-score sample: each day a configurable share of the queue is random articles
  the model did NOT flag (below its threshold), queued with origin 'low_score_sample',
  so that monitors find the model's misses and their decisions become training data.
"""
from __future__ import annotations

import random

from ..storage.store import Store, utc_now
from ..storage.transactions import write_transaction

DEFAULT_SAMPLE_SHARE = 0.05      # 5% of a day's queue
LOW_SCORE_ORIGIN = "low_score_sample"
SAMPLE_PRIORITY = 0.0            # after every model candidate of the same severity; the uncertain view shows them

LATEST = "JOIN predictions p ON p.id = (SELECT MAX(id) FROM predictions WHERE article_id = {}.id)"


def most_uncertain(store: Store, limit: int = 50) -> list[dict]:
    """Pending items, the model's least certain first (relevance margin), then by priority."""
    rows = store.db.execute_returning_dicts(
        f"""SELECT r.id, r.priority, r.origin, a.title, a.url, p.relevance, p.model_version,
                   1.0 - abs(2.0 * p.relevance - 1.0) AS uncertainty
            FROM review_items r JOIN articles a ON a.id = r.article_id {LATEST.format('a')}
            WHERE r.status = 'pending' ORDER BY uncertainty DESC, r.priority DESC, r.id LIMIT ?""", [limit])
    return rows


def queue_low_score_sample(store: Store, since: str, share: float = DEFAULT_SAMPLE_SHARE,
                           seed: int | None = None) -> list[int]:
    """Queue a random sample of articles fetched since `since` whose latest prediction was not a
    candidate: `share` of the candidates queued in the same window (at least one when any exist).
    Returns the new review item ids."""
    candidates = store.db.execute("SELECT COUNT(*) FROM review_items WHERE created_at >= ? AND origin = 'model'",
                                  [since]).fetchone()[0]
    pool = [row[0] for row in store.db.execute(
        f"""SELECT a.id FROM articles a {LATEST.format('a')}
            WHERE a.fetched_at >= ? AND p.is_candidate = 0
              AND NOT EXISTS (SELECT 1 FROM review_items r WHERE r.article_id = a.id) ORDER BY a.id""",
        [since]).fetchall()]
    wanted = min(len(pool), max(1 if pool and share > 0 else 0, round(share * candidates)))
    chosen = random.Random(seed).sample(pool, wanted)
    now, ids = utc_now(), []
    with write_transaction(store.db):
        for article_id in chosen:
            ids.append(store.db.execute(
                "INSERT INTO review_items (article_id, status, priority, origin, created_at, updated_at) "
                "VALUES (?, 'pending', ?, ?, ?, ?)",
                [article_id, SAMPLE_PRIORITY, LOW_SCORE_ORIGIN, now, now]).lastrowid)
    return ids


def sample_miss_rate(store: Store) -> dict:
    """Of the decided low-score sample, how many monitors confirmed: an estimate of the model's misses."""
    # CASE, not SUM(status = 'confirmed'): PostgreSQL has no SUM over booleans.
    decided, confirmed = store.db.execute(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END), 0) FROM review_items "
        "WHERE origin = ? AND status IN ('confirmed', 'rejected')", [LOW_SCORE_ORIGIN]).fetchone()
    return {"decided": decided, "confirmed": confirmed, "miss_rate": round(confirmed / decided, 4) if decided else None}
