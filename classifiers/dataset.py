"""Understand: labeled examples in JSON Lines, as fixed by shared/contracts.md."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .taxonomy import load_taxonomy

DATA_DIR = Path(__file__).with_name("data")
TRAIN_PATH = DATA_DIR / "train.jsonl"
HELDOUT_PATH = DATA_DIR / "heldout.jsonl"
# Real passages for measuring only (never trained or tuned on); the texts are gitignored and
# rebuilt by scripts/realdev.py, so they may be absent (see data/realdev/README.md).
REALDEV_TEXTS = DATA_DIR / "realdev" / "texts.jsonl"


class DataError(ValueError):
    """A labeled file is unreadable or breaks the contract; the message names the line."""


@dataclass
class Example:
    text: str
    labels: list[str]
    lang: str | None = None
    id: str | None = None
    attack_type: str | None = None
    perpetrator: str | None = None


def read_examples(path: Path | str) -> list[Example]:
    path = Path(path)
    taxonomy = load_taxonomy()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from exc
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row.get("text"), str) or not isinstance(row.get("labels"), list):
                raise ValueError("needs a string 'text' and a list 'labels'")
            taxonomy.validate_labels(row["labels"])
        except ValueError as exc:
            raise DataError(f"{path}:{number}: {exc}") from exc
        examples.append(Example(text=row["text"], labels=row["labels"], lang=row.get("lang"), id=row.get("id"),
                                attack_type=row.get("attack_type"), perpetrator=row.get("perpetrator")))
    if not examples:
        raise DataError(f"{path}: no examples")
    return examples


def realdev_path() -> Path | None:
    """The real-text development set's texts, if present. SOZWATCH_REALDEV names another file;
    set to "" it switches the set off (the test suite does)."""
    path = os.environ.get("SOZWATCH_REALDEV", str(REALDEV_TEXTS))
    return Path(path) if path and Path(path).exists() else None


def data_hash(examples: list[Example]) -> str:
    digest = hashlib.sha256()
    for ex in examples:
        digest.update(json.dumps([ex.text, ex.labels], ensure_ascii=False).encode())
    return digest.hexdigest()[:16]
