"""Understand: train a model version from labeled examples and describe it in a model card."""
from __future__ import annotations

import hashlib
import platform
from collections import Counter
from pathlib import Path

import sklearn

from .article_input import classifier_input
from .dataset import Example, data_hash
from .embeddings import EmbeddingCache, embeddings_available, reuse_embeddings
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
                  extra_card: dict | None = None, progress=None) -> str:
    """Fit a model on `train`, score it on `heldout`, save it as a new version; return the version.
    progress: called as progress(step, done, total) (IncidentModel.fit's steps, then "held-out")."""
    if use_embeddings is None:
        use_embeddings = embeddings_available()
    codes = load_taxonomy().codes
    cache = EmbeddingCache(cache_path) if (use_embeddings and cache_path) else None
    model = IncidentModel(codes, use_embeddings=use_embeddings)
    kind = "e5lr" if use_embeddings else "tfidflr"
    features = ("folded char 2-5-gram TF-IDF (hashed) + folded word 1-2-gram TF-IDF + trigger terms per category"
                + (" + multilingual-e5-small(title+lead, first 1,000 chars; TF-IDF screen first)" if use_embeddings else ""))
    with reuse_embeddings(cache):   # the held-out scoring in save_version too
        model.fit(model_inputs(train), [ex.labels for ex in train], cache=cache, attributes=attributes_of(train),
                  progress=progress)
        if progress:
            progress("held-out", 0, 1)
        return save_version(model, kind, features, train, heldout, registry, codes, extra_card)


def scoring_cache():
    """A block in which scoring a model reuses the training embedding cache (where there is one)."""
    return reuse_embeddings(EmbeddingCache(CACHE_PATH) if embeddings_available() else None)


def code_hash() -> str:
    """Hash of the classifiers package source: which code made the model."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def attribute_accuracy(model, heldout: list[Example]) -> dict:
    """Accuracy of attack type and perpetrator on held-out incidents that the model flags."""
    incidents = [ex for ex in heldout if ex.labels != [NONE]]
    predictions = model.predict(model_inputs(incidents))
    result = {}
    for name in ("attack_type", "perpetrator"):
        pairs = [(getattr(ex, name), getattr(p, name)) for ex, p in zip(incidents, predictions)
                 if getattr(ex, name) and p.is_candidate]
        result[name] = {"accuracy": round(sum(a == b for a, b in pairs) / len(pairs), 4) if pairs else None,
                        "n": len(pairs)}
    return result


def model_inputs(examples: list[Example]) -> list[str]:
    """What the model reads for each example (classifier_input: Kazakh in Latin or Arabic letters in Cyrillic)."""
    return [classifier_input("", ex.text) for ex in examples]


def attributes_of(examples: list[Example]) -> dict[str, list[str | None]]:
    return {"attack_type": [ex.attack_type for ex in examples], "perpetrator": [ex.perpetrator for ex in examples]}


def save_version(model, kind: str, features: str, train: list[Example], heldout: list[Example],
                 registry: Registry, codes: list[str], extra_card: dict | None = None) -> str:
    """Score `model` on the held-out split, write it and its card as a new version; return the version."""
    version = registry.new_version_name(kind)
    metrics = evaluate(model.predict, heldout, codes, version, detail=True) if heldout else None
    card = {
        "kind": kind,
        "backend": getattr(model, "backend", "sklearn"),
        "uses_embeddings": bool(getattr(model, "use_embeddings", False)),
        "features": features,
        "training_data": {"hash": data_hash(train), **_sizes(train)},
        "heldout_data": {"hash": data_hash(heldout), **_sizes(heldout)} if heldout else None,
        "relevance_threshold": model.relevance_threshold,
        "screen_threshold": getattr(model, "screen_threshold", None),
        "thresholds": model.thresholds,
        "heldout_metrics": metrics,
        "attribute_accuracy": attribute_accuracy(model, heldout) if heldout else None,
        "code_version": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                         "classifiers_sha256": code_hash()},
        **(extra_card or {}),
    }
    saved = registry.save(model, card, kind)
    assert saved == version
    return version
