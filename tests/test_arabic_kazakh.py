"""Kazakh in the Arabic script (tote) is detected as Kazakh and classified as its Cyrillic original is.
The 46 pairs in tests/data/arabic_kazakh.jsonl are the project's own Cyrillic lines of
tests/data/latin_kazakh.jsonl, written in tote by its spelling rules (a hamza in front of a
front-vowel word that has none of ە ك گ)."""
import json
from pathlib import Path

import pytest

from classifiers.arabic_kazakh import to_cyrillic
from classifiers.article_input import classifier_input
from classifiers.language import detect_language
from classifiers.understand import Understander

PAIRS = [json.loads(line) for line in (Path(__file__).parent / "data" / "arabic_kazakh.jsonl").read_text(
    encoding="utf-8").splitlines() if line.strip()]


def test_at_least_95_percent_of_arabic_script_kazakh_is_detected_as_kazakh():
    assert len(PAIRS) >= 40
    missed = [p["arabic"] for p in PAIRS if detect_language(p["arabic"]) != "kk"]
    assert len(missed) <= 0.05 * len(PAIRS), missed


def test_relevance_decisions_agree_with_the_cyrillic_originals():
    understander = Understander.from_registry()
    arabic = understander.understand_many([("", p["arabic"]) for p in PAIRS])
    cyrillic = understander.understand_many([("", p["cyrillic"]) for p in PAIRS])
    disagree = [p["cyrillic"] for p, a, b in zip(PAIRS, arabic, cyrillic) if a.is_candidate != b.is_candidate]
    assert len(disagree) <= 0.10 * len(PAIRS), disagree
    assert all(pred.lang == "kk" for pred in arabic)


@pytest.mark.parametrize("arabic,cyrillic", [
    ("قازاقستان", "қазақстан"),                       # back word: а, not ә
    ("ءتىلشى", "тілші"),                               # the hamza makes the word front and is not written out
    ("ۇكىمەت", "үкімет"),                              # ە and ك make the word front without a hamza
    ("سايتى بۇعاتتالدى", "сайты бұғатталды"),          # ي after a vowel is й
    ("مينيستر", "министр"),                            # ي between consonants is и
    ("ءۇش جىلعا سوتتادى، ءبىر جىل", "үш жылға соттады, бір жыл"),   # Arabic comma
    ("ٵدىل ٴسوز", "әділ сөз"),                          # precomposed ٵ and the raised hamza
])
def test_tote_letters_become_their_cyrillic_counterparts(arabic, cyrillic):
    assert to_cyrillic(arabic) == cyrillic


@pytest.mark.parametrize("text", [
    "اعتقلت الشرطة صحفيا في القاهرة بعد نشره تقريرا عن الفساد",     # Arabic
    "روزنامه نگار در تهران بازداشت شد و دوربین او ضبط شد",          # Persian
])
def test_arabic_and_persian_are_not_taken_for_kazakh(text):
    assert detect_language(text) != "kk"
    assert classifier_input("", text) == text


def test_the_classifier_reads_arabic_script_kazakh_in_cyrillic():
    assert classifier_input("", "جۋرناليست الماتىدا ۇستالدى") == "журналист алматыда ұсталды"
