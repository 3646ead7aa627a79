"""Understand: one call from raw article text to everything the review queue stores about it:
language, relevance, categories, attack type, perpetrator, legal articles, entities, evidence."""
from __future__ import annotations

from .article_input import article_text, classifier_input
from .entities import find_entities
from .evidence import find_evidence
from .language import detect_language
from .legal import find_articles
from .model import Prediction
from .registry import LoadedModel, Registry


class Understander:
    """Holds a loaded model; `understand` is safe to call for every crawled article."""

    def __init__(self, loaded: LoadedModel):
        self.loaded = loaded

    @classmethod
    def from_registry(cls, registry: Registry | None = None, version: str | None = None) -> "Understander":
        return cls((registry or Registry()).load(version))

    @property
    def version(self) -> str:
        return self.loaded.version

    def understand_many(self, docs: list[tuple[str, str]], langs: list[str | None] | None = None) -> list[Prediction]:
        """docs: (title, text) pairs; langs: their languages where already known (the crawl
        stores them), else detected here. Returns one Prediction each, with language and model
        version; candidates also get legal articles, entities and evidence (the costly extraction
        runs only for what a monitor will see)."""
        texts = [article_text(title, text) for title, text in docs]   # as published: for quotes and language
        # classifier_input("", article_text(title, text)) == classifier_input(title, text): joined once
        predictions = self.loaded.model.predict([classifier_input("", text) for text in texts])
        for pred, text, lang in zip(predictions, texts, langs or [None] * len(texts)):
            pred.lang = lang or detect_language(text)
            pred.model_version = self.version
            if pred.is_candidate:
                pred.legal_articles = find_articles(text)
                pred.entities = find_entities(text, pred.lang)
                pred.evidence = find_evidence(text, pred.categories, self.loaded.model)
        return predictions

    def understand(self, title: str, text: str) -> Prediction:
        return self.understand_many([(title, text)])[0]
