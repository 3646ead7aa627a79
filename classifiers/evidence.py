"""Understand: evidence: for each predicted category, the sentences that support it, for the review UI
to highlight ({code: [sentence, ...]}).

A sentence supports a category when it contains one of the category's trigger terms or
a legal article the taxonomy ties to it; when none does, the sentence the category's
classifier scores highest (scored on its text features alone: embedding one sentence
per category would cost more than the whole prediction).
"""
from __future__ import annotations

import re

import numpy as np

from .legal import find_articles
from .triggers import compiled, fold

MAX_SENTENCES = 2
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[^a-zа-яәғқңөұүһі])|\n+")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 2]


def find_evidence(text: str, categories: list[str], model=None) -> dict[str, list[str]]:
    """{code: up to MAX_SENTENCES sentences}; `model` (an IncidentModel) scores sentences
    for categories that no trigger term or article explains."""
    sentences = split_sentences(text)
    if not sentences or not categories:
        return {}
    patterns = compiled()
    evidence: dict[str, list[str]] = {}
    unexplained = []
    for code in categories:
        hits = [s for s in sentences
                if (code in patterns and patterns[code].search(fold(s)))
                or any(a.get("category") == code for a in find_articles(s))]
        if hits:
            evidence[code] = hits[:MAX_SENTENCES]
        else:
            unexplained.append(code)
    if unexplained and model is not None and hasattr(model, "sentence_scores"):
        scores = model.sentence_scores(sentences, unexplained)
        for code in unexplained:
            evidence[code] = [sentences[int(np.argmax(scores[code]))]]
    return evidence
