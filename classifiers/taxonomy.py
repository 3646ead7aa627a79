"""Understand: the Adil Soz category codes, read from the project's copy of taxonomy.yaml."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yaml")
NONE = "NONE"


@dataclass(frozen=True)
class Taxonomy:
    categories: dict[str, dict[str, str]]   # code -> {"en": .., "ru": .., "kk": ..}
    groups: dict[str, dict[str, str]]       # "A" -> names
    attack_types: dict[str, str]
    perpetrators: dict[str, str]
    legal_articles: list[dict[str, str]]

    @property
    def codes(self) -> list[str]:
        return list(self.categories)

    def group_of(self, code: str) -> str:
        return code.split(".", 1)[0]

    def validate_labels(self, labels: list[str]) -> None:
        """Raise ValueError unless labels is ["NONE"] or a non-empty list of known codes."""
        if not labels:
            raise ValueError("labels is empty")
        if labels == [NONE]:
            return
        unknown = [code for code in labels if code not in self.categories]
        if unknown:
            raise ValueError(f"unknown category code(s): {', '.join(unknown)}")


@lru_cache(maxsize=None)
def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return Taxonomy(
        categories=raw["categories"],
        groups=raw["groups"],
        attack_types=raw["attack_type"],
        perpetrators=raw["perpetrator"],
        legal_articles=raw.get("legal_articles", []),
    )
