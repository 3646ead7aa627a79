"""Kazakh in Latin letters: the 2021, 2018 acute, 2017 apostrophe and keyboard spellings become
Cyrillic; other Latin-script languages stay themselves. (Detection and classification of the
test set: test_kazakh_scripts.py.)"""
import json
from pathlib import Path

import pytest

from classifiers.article_input import classifier_input
from classifiers.language import detect_language
from classifiers.latin_kazakh import to_cyrillic

PAIRS = [json.loads(line) for line in (Path(__file__).parent / "data" / "latin_kazakh.jsonl").read_text(
    encoding="utf-8").splitlines() if line.strip()]


def test_the_test_set_has_forty_pairs_in_every_spelling():
    assert len(PAIRS) >= 40
    assert {p["alphabet"] for p in PAIRS} == {"2021", "2018", "2017", "keyboard"}


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
