"""Learn: monitors' decisions as training examples, with lineage.

A confirmed item is an example of its confirmed categories; an item rejected as not an
incident (or not about media, or outside Kazakhstan) is a negative (`NONE`). Items
rejected as duplicates or old news are real incidents and are left out, as are
"other" rejections, whose meaning is unknown. An item's current status counts (a later
correction replaces an earlier decision).

A fixed share of decided items is held out for evaluation: membership depends only on
the article's URL, so an item never moves between the training and the held-out part
as the database grows, and successive models are scored on comparable items.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from classifiers.article_input import classifier_input
from classifiers.dataset import Example
from classifiers.taxonomy import NONE

from ..storage.store import Store

NEGATIVE_REASONS = ("not_incident", "not_media", "outside_kazakhstan")
HELDOUT_PERCENT = 20
CONFIRMED_HELDOUT = "confirmed_heldout"   # the evaluation's name in model cards


def is_heldout(url: str, percent: int = HELDOUT_PERCENT) -> bool:
    """Whether a decided article belongs to the fixed held-out part (a stable hash of its URL)."""
    return int(hashlib.sha256(url.encode()).hexdigest()[:8], 16) % 100 < percent


@dataclass
class DecisionExamples:
    train: list[Example] = field(default_factory=list)
    heldout: list[Example] = field(default_factory=list)
    lineage: dict = field(default_factory=dict)


def decision_examples(store: Store, heldout_percent: int = HELDOUT_PERCENT) -> DecisionExamples:
    """Every confirmed and usable rejected item as an Example, split into training and held-out parts.

    `lineage` says how many decisions of each kind went into training and into the
    held-out part, and the highest decision id taken into account."""
    rows = store.db.execute_returning_dicts(
        """SELECT r.id, r.status, r.decision, a.url, a.title, a.text, a.lang,
                  (SELECT MAX(d.id) FROM decisions d WHERE d.item_id = r.id AND d.applied = 1) AS decision_id
           FROM review_items r JOIN articles a ON a.id = r.article_id
           WHERE r.status IN ('confirmed', 'rejected') ORDER BY r.id""")
    result = DecisionExamples()
    counts = {"train": {"confirmed": 0, "rejected": 0}, "heldout": {"confirmed": 0, "rejected": 0}}
    skipped, max_id = 0, 0
    for row in rows:
        decision = json.loads(row["decision"] or "{}")
        if row["status"] == "rejected" and decision.get("reject_reason") not in NEGATIVE_REASONS:
            skipped += 1
            continue
        labels = (decision.get("categories") or []) if row["status"] == "confirmed" else [NONE]
        if not labels:
            skipped += 1
            continue
        example = Example(text=classifier_input(row["title"], row["text"]), labels=labels, lang=row["lang"],
                          id=f"item-{row['id']}", attack_type=decision.get("attack_type"),
                          perpetrator=decision.get("perpetrator"))
        part = "heldout" if is_heldout(row["url"], heldout_percent) else "train"
        (result.heldout if part == "heldout" else result.train).append(example)
        counts[part][row["status"]] += 1
        max_id = max(max_id, row["decision_id"] or 0)
    result.lineage = {"trained_on": counts["train"], "heldout": counts["heldout"],
                      "skipped_rejections": skipped, "up_to_decision_id": max_id}
    return result


def train_with_decisions(store: Store | None, registry, train: list[Example], heldout: list[Example],
                         use_embeddings: bool | None = None, cache_path: Path | None = None, progress=None) -> str:
    """Train a new version on `train` plus the decisions' training part, score it on `heldout`
    (the shipped split) and on the confirmed held-out items; record lineage in the card."""
    from classifiers.quality_gate import record_evaluation
    from classifiers.training import CACHE_PATH, train_version
    decisions = decision_examples(store) if store is not None else DecisionExamples(
        lineage={"trained_on": {"confirmed": 0, "rejected": 0}, "up_to_decision_id": 0})
    baseline = registry.active_version()
    version = train_version(train + decisions.train, heldout, registry, use_embeddings=use_embeddings,
                            cache_path=cache_path or CACHE_PATH, extra_card={"decisions": decisions.lineage},
                            progress=progress)
    if decisions.heldout:
        record_evaluation(registry, version, CONFIRMED_HELDOUT, decisions.heldout, baseline_version=baseline)
    return version
