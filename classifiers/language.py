"""Understand: language identification: kk / ru / en / other.

langdetect has no Kazakh model, so we use lingua restricted to the languages a
Kazakhstani news stream actually contains. Neighbours that share an alphabet
(Ukrainian, Bulgarian, Mongolian, Turkish…) are in the set so that they come out
as "other" instead of being forced into kk/ru/en.
"""
from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

MONITORED = {Language.KAZAKH: "kk", Language.RUSSIAN: "ru", Language.ENGLISH: "en"}
NEIGHBOURS = [
    Language.UKRAINIAN, Language.BELARUSIAN, Language.BULGARIAN, Language.MONGOLIAN,
    Language.TURKISH, Language.GERMAN, Language.FRENCH, Language.SPANISH,
    Language.CHINESE, Language.ARABIC,
]
SAMPLE_CHARS = 2000  # enough for a stable decision; long articles cost no more


@lru_cache(maxsize=1)
def _detector():
    return LanguageDetectorBuilder.from_languages(*MONITORED, *NEIGHBOURS).build()


def detect_language(text: str) -> str:
    """Return "kk", "ru", "en" or "other" for a title, a post or a whole article."""
    sample = (text or "")[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return "other"
    return MONITORED.get(_detector().detect_language_of(sample), "other")
