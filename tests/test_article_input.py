"""classifier_input: the one function that turns an article's title and text into the model's input."""
from classifiers.article_input import classifier_input


def test_the_title_goes_in_front_of_a_text_that_does_not_begin_with_it():
    assert classifier_input("Журналиста задержали", "Полиция Алматы задержала корреспондента.") == \
        "Журналиста задержали\nПолиция Алматы задержала корреспондента."


def test_a_title_the_text_already_begins_with_is_not_repeated():
    text = "Журналиста задержали в Алматы\nПолиция задержала корреспондента у акимата."
    assert classifier_input("Журналиста задержали в Алматы", text) == text


def test_the_repeat_check_ignores_case_and_spacing():
    text = "Reporter  detained in Almaty. Police held a correspondent."
    assert classifier_input("reporter detained\nin Almaty", text) == text


def test_missing_title_or_text():
    assert classifier_input(None, "Text only.") == "Text only."
    assert classifier_input("Title only", None) == "Title only"
    assert classifier_input("", "") == ""


def test_it_is_idempotent():
    once = classifier_input("Jurnalist Almatyda ustaldy", "Polisia tilshini ustap aldy.")
    assert classifier_input("", once) == once
