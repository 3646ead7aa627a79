"""Understand: what the classifier reads for an article: the one place that turns (title, text) into the
model's input, for the crawl, `reclassify`, training on decisions, training and `eval` alike.

Crawled pages often begin their text with the headline; putting the title in front again
doubled it, and on real passages that cost relevance F1 (0.881 for the passage alone,
0.854 as crawled; README, "Classifier"). Kazakh in Latin or Arabic letters is read in Cyrillic.
"""
from __future__ import annotations

from .arabic_kazakh import to_cyrillic as arabic_to_cyrillic
from .language import is_arabic_kazakh, is_latin_kazakh
from .latin_kazakh import to_cyrillic as latin_to_cyrillic


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def article_text(title: str | None, text: str | None) -> str:
    """Title, a newline, text; the title left out when the text already begins with it (or is empty)."""
    title, text = (title or "").strip(), (text or "").strip()
    if not title or _normalised(text).startswith(_normalised(title)):
        return text
    return f"{title}\n{text}".strip()


def classifier_input(title: str | None, text: str | None) -> str:
    """The model's input for an article: `article_text`, and in Cyrillic if it is Kazakh in Latin or
    Arabic letters. Idempotent: classifier_input("", classifier_input(title, text)) gives the same string."""
    joined = article_text(title, text)
    if is_latin_kazakh(joined):
        return latin_to_cyrillic(joined)
    return arabic_to_cyrillic(joined) if is_arabic_kazakh(joined) else joined
