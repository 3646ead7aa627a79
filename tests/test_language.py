import pytest

from classifiers.language import detect_language

KAZAKH_ONLY_LETTERS = set("әғқңөұүһі")


@pytest.mark.parametrize("text", [
    # short Kazakh titles written without any Kazakh-only letter
    "Журналист полицияда отыр",
    "Редактор сотта",
    "Блогер полицияга шакырылды",
    "Прокуратура редакторга ескерту жасады",
    "Журналист сотта жауап берди",
    # ordinary Kazakh
    "Сот журналистке айыппұл салды",
    "Редакция сайты DDoS-шабуылға ұшырады",
])
def test_kazakh_titles_are_kazakh_even_without_kazakh_only_letters(text):
    assert detect_language(text) == "kk"


def test_the_no_kazakh_letter_titles_really_have_none():
    assert not set("Журналист полицияда отыр Редактор сотта".lower()) & KAZAKH_ONLY_LETTERS


@pytest.mark.parametrize("text,expected", [
    ("Журналиста задержали в Уральске", "ru"),
    ("Суд оштрафовал редактора по статье 456-2 КоАП", "ru"),
    ("Police detain reporter in Zhanaozen", "en"),
    ("Blogger fined in Almaty", "en"),
    ("Журналіста затримали у Києві", "other"),
    ("Der Journalist wurde verhaftet", "other"),
    ("12345 — 678", "other"),
    ("", "other"),
])
def test_russian_english_and_other_languages(text, expected):
    assert detect_language(text) == expected
