"""Build the shipped train/held-out split from the hand-written files in classifiers/data/raw/.

Run once when the raw files change: `python scripts/split_data.py`. The split is
stratified by batch, language and first label, deterministic (seeded), and puts 25% of
every stratum (at least one example where the stratum has 3+) into heldout.jsonl.

Batches: `{lang}_{inc|neg}.jsonl` is batch 1; a later file such as `en_inc_2a.jsonl` is
batch 2. Each batch is split on its own and batch 1's strata come first, so adding a
batch leaves every earlier example on the side of the split where it was.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "classifiers" / "data"
HELDOUT_SHARE = 0.25
FIELDS = ("id", "lang", "style", "kind", "text", "labels", "attack_type", "perpetrator")


def batch_of(path: Path) -> str:
    """'en_inc' -> '1', 'en_inc_2a' -> '2'."""
    parts = path.stem.split("_")
    return parts[2][0] if len(parts) > 2 else "1"


def main() -> None:
    rows = []
    strata = defaultdict(list)
    for path in sorted((DATA / "raw").glob("*.jsonl")):
        batch = batch_of(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.append(row)
                strata[(batch, row["lang"], row["labels"][0], row.get("kind", ""))].append(row)
    rng = random.Random(2024)
    train, heldout = [], []
    for key in sorted(strata):
        group = sorted(strata[key], key=lambda r: r["id"])
        rng.shuffle(group)
        n_held = round(len(group) * HELDOUT_SHARE) if len(group) >= 3 else 0
        heldout += group[:n_held]
        train += group[n_held:]
    for name, part in (("train.jsonl", train), ("heldout.jsonl", heldout)):
        part.sort(key=lambda r: r["id"])
        with open(DATA / name, "w", encoding="utf-8") as fh:
            for row in part:
                fh.write(json.dumps({k: row[k] for k in FIELDS if k in row}, ensure_ascii=False) + "\n")
    print(f"train {len(train)}, held-out {len(heldout)} ({len(heldout) / len(rows):.0%})")


if __name__ == "__main__":
    main()
