"""Kazakh in the Arabic script (tote) becomes Cyrillic; Arabic and Persian stay themselves.
(Detection and classification of the test set: test_kazakh_scripts.py.)"""
import pytest

from classifiers.arabic_kazakh import to_cyrillic
from classifiers.article_input import classifier_input
from classifiers.language import detect_language


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
