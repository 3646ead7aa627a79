"""Learn: agreement between monitors on items set for double review.

An admin sets an item for double review; monitors then decide it blind (double_review.py),
and each monitor's first applied decision on it (from the append-only decision log) is that
monitor's label. Per category, a label is
binary: the monitor confirmed the item with that category, or did not (other
categories, or a rejection). Relevance (confirm vs reject) is scored the same way.

Figures: Cohen's kappa between the first two monitors of each item, and
Krippendorff's alpha (nominal) over every monitor who labeled it.
"""
from __future__ import annotations

import json
from collections import defaultdict
from itertools import permutations

from classifiers.taxonomy import load_taxonomy

from ..review.double_review import first_per_monitor
from ..storage.store import Store
from ..storage.transactions import write_transaction

RELEVANCE = "relevance"


def set_double_review(store: Store, item_id: int, on: bool = True) -> bool:
    """Mark (or unmark) an item for double review; False when there is no such item."""
    with write_transaction(store.db):
        cursor = store.db.execute("UPDATE review_items SET double_review = ? WHERE id = ?", [int(on), item_id])
    return cursor.rowcount == 1


def cohen_kappa(first: list, second: list) -> float | None:
    """Cohen's kappa of two raters' labels on the same units; None when chance agreement is 1."""
    n = len(first)
    if n == 0 or n != len(second):
        return None
    observed = sum(a == b for a, b in zip(first, second)) / n
    values = set(first) | set(second)
    expected = sum((first.count(v) / n) * (second.count(v) / n) for v in values)
    return None if expected == 1 else round((observed - expected) / (1 - expected), 4)


def krippendorff_alpha(units: list[list]) -> float | None:
    """Krippendorff's alpha for nominal data; `units` holds each unit's values (any number of raters,
    missing ratings simply absent). Units with fewer than two values are not pairable and are left out."""
    coincidence: dict[tuple, float] = defaultdict(float)
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for a, b in permutations(range(m), 2):
            coincidence[(values[a], values[b])] += 1 / (m - 1)
    totals: dict = defaultdict(float)
    for (c, _), weight in coincidence.items():
        totals[c] += weight
    n = sum(totals.values())
    if n <= 1:
        return None
    disagreement = sum(w for (c, k), w in coincidence.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    return None if expected == 0 else round(1 - disagreement / expected, 4)


def double_review_labels(store: Store) -> dict[int, list[dict]]:
    """{item id: [each monitor's first applied decision, oldest first]} for double-reviewed items.
    A re-decision (an override, made knowing the decision it replaces) is no independent label."""
    rows = store.db.execute_returning_dicts(
        """SELECT d.item_id, d.user_id, d.username, d.action, d.after FROM decisions d
           JOIN review_items r ON r.id = d.item_id
           WHERE r.double_review = 1 AND d.applied = 1 AND d.overrides IS NULL ORDER BY d.item_id, d.id""")
    labels: dict[int, list[dict]] = {}
    for item_id, firsts in first_per_monitor(rows).items():
        labels[item_id] = []
        for row in firsts:
            confirmed = row["action"] == "confirm"
            categories = set(json.loads(row["after"]).get("categories") or []) if confirmed else set()
            labels[item_id].append({"username": row["username"], "relevant": confirmed, "categories": categories})
    return labels


def agreement_report(store: Store) -> dict:
    """Kappa and alpha for relevance and for each category any monitor chose, with the items they rest on."""
    labels = double_review_labels(store)
    paired = {item: monitors for item, monitors in labels.items() if len(monitors) >= 2}
    chosen = sorted({code for monitors in paired.values() for m in monitors for code in m["categories"]},
                    key=load_taxonomy().codes.index)
    rows = []
    for name in [RELEVANCE, *chosen]:
        def value(label):
            return label["relevant"] if name == RELEVANCE else name in label["categories"]
        units = [[value(m) for m in monitors] for monitors in paired.values()]
        first, second = [u[0] for u in units], [u[1] for u in units]
        rows.append({"category": name, "items": len(units), "positive_labels": sum(sum(u) for u in units),
                     "cohen_kappa": cohen_kappa(first, second), "krippendorff_alpha": krippendorff_alpha(units)})
    monitors = sorted({m["username"] for ms in paired.values() for m in ms})
    return {"double_review_items": len(labels), "items_with_two_or_more_labels": len(paired),
            "monitors": monitors, "rows": rows}


def format_agreement(report: dict) -> str:
    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    lines = [f"{report['items_with_two_or_more_labels']} of {report['double_review_items']} double-review items "
             f"labeled by two or more monitors ({', '.join(report['monitors']) or 'none'})",
             f"{'category':<22} {'items':>5} {'kappa':>7} {'alpha':>7}"]
    lines += [f"{r['category']:<22} {r['items']:>5} {fmt(r['cohen_kappa']):>7} {fmt(r['krippendorff_alpha']):>7}"
              for r in report["rows"]]
    return "\n".join(lines)
