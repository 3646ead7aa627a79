"""Kazakh in Latin letters (2021, 2018 acute, 2017 apostrophe and keyboard spellings) and in
Arabic letters (tote) is detected as Kazakh and classified as its Cyrillic original is.
The 46 Latin titles and paragraphs in tests/data/latin_kazakh.jsonl were written by the
project, each Latin line by hand; the 46 tote lines of tests/data/arabic_kazakh.jsonl are the
same Cyrillic lines written in tote by its spelling rules (a hamza in front of a front-vowel
word that has none of ە ك گ)."""
import json
from pathlib import Path

import pytest

from classifiers.language import detect_language
from classifiers.understand import Understander

DATA = Path(__file__).parent / "data"
SCRIPTS = {"latin": "latin_kazakh.jsonl", "arabic": "arabic_kazakh.jsonl"}


def pairs(script: str) -> list[dict]:
    """(Cyrillic original, the same text in `script`) pairs."""
    lines = (DATA / SCRIPTS[script]).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("script", SCRIPTS)
def test_at_least_95_percent_of_forty_or_more_texts_are_detected_as_kazakh(script):
    texts = [p[script] for p in pairs(script)]
    assert len(texts) >= 40
    missed = [text for text in texts if detect_language(text) != "kk"]
    assert len(missed) <= 0.05 * len(texts), missed


@pytest.mark.parametrize("script", SCRIPTS)
def test_relevance_decisions_agree_with_the_cyrillic_originals(script):
    understander = Understander.from_registry()
    written = understander.understand_many([("", p[script]) for p in pairs(script)])
    cyrillic = understander.understand_many([("", p["cyrillic"]) for p in pairs(script)])
    disagree = [p["cyrillic"] for p, a, b in zip(pairs(script), written, cyrillic) if a.is_candidate != b.is_candidate]
    assert len(disagree) <= 0.10 * len(written), disagree
    assert all(prediction.lang == "kk" for prediction in written)
