"""Kazakh in Latin letters (2021, 2018 acute, 2017 apostrophe and keyboard spellings) is
detected as Kazakh and classified as its Cyrillic original is. The 46 titles and paragraphs
in tests/data/latin_kazakh.jsonl were written by the project, each Latin line by hand."""
import json
from pathlib import Path

import pytest

from classifiers.article_input import classifier_input
from classifiers.language import detect_language
from classifiers.latin_kazakh import to_cyrillic
from classifiers.understand import Understander

PAIRS = [json.loads(line) for line in (Path(__file__).parent / "data" / "latin_kazakh.jsonl").read_text(
    encoding="utf-8").splitlines() if line.strip()]


def test_the_test_set_has_forty_pairs_in_every_spelling():
    assert len(PAIRS) >= 40
    assert {p["alphabet"] for p in PAIRS} == {"2021", "2018", "2017", "keyboard"}


def test_at_least_95_percent_of_latin_kazakh_is_detected_as_kazakh():
    missed = [p["latin"] for p in PAIRS if detect_language(p["latin"]) != "kk"]
    assert len(missed) <= 0.05 * len(PAIRS), missed


def test_relevance_decisions_agree_with_the_cyrillic_originals():
    understander = Understander.from_registry()
    latin = understander.understand_many([("", p["latin"]) for p in PAIRS])
    cyrillic = understander.understand_many([("", p["cyrillic"]) for p in PAIRS])
    disagree = [p["latin"] for p, a, b in zip(PAIRS, latin, cyrillic) if a.is_candidate != b.is_candidate]
    assert len(disagree) <= 0.10 * len(PAIRS), disagree
    assert all(pred.lang == "kk" for pred in latin)


@pytest.mark.parametrize("latin,cyrillic", [
    ("Jurnalist Almatyda ustaldy", "Журналіст Алматыда усталды"),                  # keyboard
    ("Täuelsız basylymnyñ saity buğattaldy", "Тәуелсіз басылымның сайты буғатталды"),  # 2021
    ("Sot jýrnalısti aıyppul saldy", "Сот журналісті айыппул салды"),              # 2018 acute
    ("Redaktorg'a qoqan-loqy jasaldy", "Редакторға қоқан-лоқы жасалды"),           # 2017 apostrophes
    ("QK 274-baby boıynsha", "ҚК 274-бабы бойынша"),                               # legal articles survive
])
def test_latin_letters_become_their_cyrillic_counterparts(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize("text", [
    "Police detain reporter in Zhanaozen",
    "Blogger fined in Almaty",
    "Taraz journalist Aidana Beisenova wins scholarship, will study media management in London",
    "Gazeteci Ankara'da gözaltına alındı",
    "Der Journalist wurde in Berlin verhaftet",
    "El periodista fue detenido por la policía en Madrid",
])
def test_english_and_other_latin_languages_are_not_taken_for_kazakh(text):
    assert detect_language(text) != "kk"


def test_the_classifier_reads_latin_kazakh_in_cyrillic_and_leaves_other_text_alone():
    assert classifier_input("Jurnalist Almatyda ustaldy", "") == "Журналіст Алматыда усталды"
    assert classifier_input("Police detain reporter", "") == "Police detain reporter"
    assert classifier_input("", "Журналиста задержали в Алматы") == "Журналиста задержали в Алматы"
