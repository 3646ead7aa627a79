"""Review: blind double review, like Label Studio's overlap or Prodigy's feed_overlap.

An item set for double review stays in the queue until DOUBLE_REVIEW_MONITORS distinct
monitors have each decided it (the "round"). Each of their decisions is applied and
logged as usual, but until the round is complete none of them is shown to a monitor who
has not decided yet: agreement measured on decisions that saw each other is inflated.
The decision that completes the round settles the item: if all monitors agree (same
action; for a confirmation the same categories) the item takes that decision, otherwise
it goes to `second_opinion` and the next decision, by anyone, settles it as usual.

A monitor's label is their first applied decision on the item, here and in agreement.py.
"""
from __future__ import annotations

import json
from collections import defaultdict

from ..storage.store import Store

DOUBLE_REVIEW_MONITORS = 2                      # distinct monitors an item set for double review needs
OPEN_STATUSES = ("pending", "second_opinion")   # an item in the queue

# What the decision that enters a round does (recorded in the decision's `after` as `double_review`).
WAITING, AGREED, DISAGREED = "waiting", "agreed", "disagreed"
# How a round looks to one monitor (item_detail's `review_round`).
BLIND, DECIDED = "blind", "decided"


def first_per_monitor(rows: list[dict]) -> dict[int, list[dict]]:
    """{item id: each monitor's first decision on it, oldest first} from decision rows ordered by (item_id, id)."""
    firsts: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        if all(seen["username"] != row["username"] for seen in firsts[row["item_id"]]):
            firsts[row["item_id"]].append(row)
    return dict(firsts)


def label(action: str, categories) -> tuple:
    """What two monitors must share to agree: the action, and for a confirmation its categories."""
    return (action, tuple(sorted(categories or [])) if action == "confirm" else ())


def round_decisions(store: Store, item: dict) -> list[dict] | None:
    """The first decisions of the monitors who decided the item in its open round, or None when it
    has no open round (not set for double review, out of the queue, or decided by enough monitors).
    `item` needs id, status and double_review (a review_items row)."""
    if not item.get("double_review") or item["status"] not in OPEN_STATUSES:
        return None
    rows = store.db.execute_returning_dicts(
        "SELECT item_id, user_id, username, action, after FROM decisions WHERE item_id = ? AND applied = 1 "
        "ORDER BY id", [item["id"]])
    firsts = first_per_monitor(rows).get(item["id"], [])
    return firsts if len(firsts) < DOUBLE_REVIEW_MONITORS else None


def has_decided(decided: list[dict], username: str) -> bool:
    return any(d["username"] == username for d in decided)


def round_outcome(decided: list[dict], action: str, categories) -> str:
    """What the decision of a monitor not yet in `decided` does to an open round: WAITING for more
    monitors, or the round's result, AGREED or DISAGREED."""
    if len(decided) + 1 < DOUBLE_REVIEW_MONITORS:
        return WAITING
    labels = {label(d["action"], json.loads(d["after"]).get("categories")) for d in decided}
    return AGREED if labels == {label(action, categories)} else DISAGREED


def viewer_state(store: Store, item: dict, username: str) -> str | None:
    """BLIND while the item's round is open and this monitor has not decided it, DECIDED once they
    have (the round still open), None when there is no open round (everything may be shown)."""
    decided = round_decisions(store, item)
    if decided is None:
        return None
    return DECIDED if has_decided(decided, username) else BLIND


def open_round_sql(alias: str) -> str:
    """SQL true for an item (table alias `alias`) whose round is open: round_decisions() as a predicate."""
    statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
    return (f"({alias}.double_review = 1 AND {alias}.status IN ({statuses}) AND "
            f"(SELECT COUNT(DISTINCT od.username) FROM decisions od WHERE od.item_id = {alias}.id "
            f"AND od.applied = 1) < {DOUBLE_REVIEW_MONITORS})")


def not_decided_by_sql(alias: str) -> str:
    """SQL true unless the item is in an open round that the monitor (one bound parameter: user id)
    already decided. The subquery walks only double-review items (partial index) and runs once."""
    return (f"{alias}.id NOT IN (SELECT dr.id FROM review_items dr JOIN decisions dd ON dd.item_id = dr.id "
            f"WHERE dr.double_review = 1 AND dd.user_id = ? AND dd.applied = 1 AND {open_round_sql('dr')})")
