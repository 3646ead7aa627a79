"""Train a model version from labeled examples and describe it in a model card."""
from __future__ import annotations

import platform
from collections import Counter
from pathlib import Path

import sklearn

from .dataset import Example, data_hash
from .embeddings import EmbeddingCache, embeddings_available
from .evaluation import evaluate
from .model import IncidentModel
from .registry import Registry
from .taxonomy import NONE, load_taxonomy

CACHE_PATH = Path.home() / ".cache" / "sozwatch" / "embeddings.sqlite"


def _sizes(examples: list[Example]) -> dict:
    per_lang = Counter(ex.lang or "?" for ex in examples)
    per_code: Counter = Counter()
    for ex in examples:
        for code in ex.labels:
            per_code[(ex.lang or "?", code)] += 1
    table: dict[str, dict[str, int]] = {}
    for (lang, code), n in sorted(per_code.items()):
        table.setdefault(code, {})[lang] = n
    return {"n": len(examples), "per_language": dict(per_lang), "per_category": table,
            "incidents": sum(ex.labels != [NONE] for ex in examples)}


def train_version(train: list[Example], heldout: list[Example], registry: Registry,
                  use_embeddings: bool | None = None, cache_path: Path | None = CACHE_PATH,
                  extra_card: dict | None = None) -> str:
    """Fit a model on `train`, score it on `heldout`, save it as a new version; return the version."""
    if use_embeddings is None:
        use_embeddings = embeddings_available()
    codes = load_taxonomy().codes
    cache = EmbeddingCache(cache_path) if (use_embeddings and cache_path) else None
    model = IncidentModel(codes, use_embeddings=use_embeddings)
    model.fit([ex.text for ex in train], [ex.labels for ex in train], cache=cache)
    kind = "e5lr" if use_embeddings else "tfidflr"
    version = registry.new_version_name(kind)
    metrics = evaluate(model.predict, heldout, codes, version, detail=True) if heldout else None
    card = {
        "kind": kind,
        "uses_embeddings": use_embeddings,
        "features": "char 2-5-gram TF-IDF (hashed)" + (" + multilingual-e5-small(title+lead)" if use_embeddings else ""),
        "training_data": {"hash": data_hash(train), **_sizes(train)},
        "heldout_data": {"hash": data_hash(heldout), **_sizes(heldout)} if heldout else None,
        "relevance_threshold": model.relevance_threshold,
        "thresholds": model.thresholds,
        "heldout_metrics": metrics,
        "code_version": {"python": platform.python_version(), "scikit-learn": sklearn.__version__},
        **(extra_card or {}),
    }
    saved = registry.save(model, card, kind)
    assert saved == version
    return version
