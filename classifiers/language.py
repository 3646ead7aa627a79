"""Understand: language identification: kk / ru / en / other.

langdetect has no Kazakh model, so we use lingua restricted to the languages a
Kazakhstani news stream actually contains. Neighbours that share an alphabet
(Ukrainian, Bulgarian, Mongolian, Turkish…) are in the set so that they come out
as "other" instead of being forced into kk/ru/en.

Kazakh in Latin letters (latin_kazakh.py) looks like English, Turkish or German to
lingua; mostly-Latin text is therefore also read in Cyrillic, and is Kazakh when that
reading is confidently Kazakh and the text has next to none of the small words every
English sentence has (read in Cyrillic, English itself often passes for Kazakh); Turkish
additionally needs a letter Turkish lacks. Kazakh in the Arabic script (arabic_kazakh.py) is
Arabic to lingua; it is Kazakh when it has letters only Kazakh tote has and its Cyrillic
reading is confidently Kazakh.
"""
from __future__ import annotations

import re
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

from .arabic_kazakh import ARABIC_LETTER, KAZAKH_ARABIC_MARKS, to_cyrillic as arabic_to_cyrillic
from .latin_kazakh import KAZAKH_LATIN_MARKS, LATIN_LETTER, to_cyrillic

MONITORED = {Language.KAZAKH: "kk", Language.RUSSIAN: "ru", Language.ENGLISH: "en"}
NEIGHBOURS = [
    Language.UKRAINIAN, Language.BELARUSIAN, Language.BULGARIAN, Language.MONGOLIAN,
    Language.TURKISH, Language.GERMAN, Language.FRENCH, Language.SPANISH,
    Language.CHINESE, Language.ARABIC,
]
SAMPLE_CHARS = 2000  # enough for a stable decision; long articles cost no more
LATIN_TEXT = 0.8     # share of Latin letters above which a text may be Latin-script Kazakh
KAZAKH_CONFIDENCE = 0.5   # lingua's Kazakh confidence for the Cyrillic reading of Latin or Arabic letters
ARABIC_TEXT = 0.5    # share of Arabic-script letters above which a text may be Arabic-script Kazakh
# Words common in any English sentence and rare as Latin-script Kazakh words ("men", "is", "on"
# are Kazakh words: left out).
ENGLISH_SMALL_WORDS = frozenset("the of in to and for was were are by with from after his has have had said says "
                                "a over into be been that this their they its who not will at as up out than".split())
ENGLISH_SHARE = 0.04
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_LETTER = re.compile(r"[^\W\d_]")


def letter_share(letters: re.Pattern, text: str) -> float:
    """Share of the letters of `text` that `letters` matches (0 for text without letters)."""
    # regular expressions, not a loop over characters: language ID asks this of every English page
    total = len(_LETTER.findall(text))
    return len(letters.findall(text)) / total if total else 0.0


@lru_cache(maxsize=1)
def _detector():
    return LanguageDetectorBuilder.from_languages(*MONITORED, *NEIGHBOURS).build()


def is_latin_kazakh(text: str, detected: Language | None = None) -> bool:
    """Whether `text` is Kazakh written in Latin letters. `detected`: lingua's verdict on the
    text as written, when the caller already has it."""
    sample = (text or "")[:SAMPLE_CHARS]
    if letter_share(LATIN_LETTER, sample) < LATIN_TEXT:
        return False
    words = [w.lower() for w in _WORD.findall(sample)]
    if not words or sum(w in ENGLISH_SMALL_WORDS for w in words) / len(words) >= ENGLISH_SHARE:
        return False
    detected = detected if detected is not None else _detector().detect_language_of(sample)
    if detected == Language.TURKISH and not KAZAKH_LATIN_MARKS.search(sample):
        return False
    kazakh = _detector().compute_language_confidence(to_cyrillic(sample), Language.KAZAKH)
    return kazakh >= KAZAKH_CONFIDENCE and kazakh > _detector().compute_language_confidence(sample, Language.ENGLISH)


def is_arabic_kazakh(text: str) -> bool:
    """Whether `text` is Kazakh written in the Arabic script (tote)."""
    sample = (text or "")[:SAMPLE_CHARS]
    # the marks first: one quick scan that fails for Cyrillic and Latin text (the whole crawl)
    if not KAZAKH_ARABIC_MARKS.search(sample) or letter_share(ARABIC_LETTER, sample) < ARABIC_TEXT:
        return False
    cyrillic = arabic_to_cyrillic(sample)
    return _detector().compute_language_confidence(cyrillic, Language.KAZAKH) >= KAZAKH_CONFIDENCE


def detect_language(text: str) -> str:
    """Return "kk", "ru", "en" or "other" for a title, a post or a whole article."""
    sample = (text or "")[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return "other"
    detected = _detector().detect_language_of(sample)
    # Russian needs Cyrillic letters, so a text lingua calls Russian is never Latin-script Kazakh:
    # the Latin check (a scan of every letter) is skipped for the bulk of the crawl
    if detected not in (Language.KAZAKH, Language.RUSSIAN) and is_latin_kazakh(sample, detected):
        return "kk"
    if detected not in MONITORED and is_arabic_kazakh(sample):
        return "kk"
    return MONITORED.get(detected, "other")
