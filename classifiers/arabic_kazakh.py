"""Understand: Kazakh written in the Arabic script (tote jazu, the alphabet of Kazakhs in China and of
some Kazakh sites and posts), turned into Cyrillic so that language ID and the classifier see it
as the Cyrillic Kazakh they were built for.

Tote writes each sound with one letter; only the vowel pairs а/ә, о/ө, ұ/ү, ы/і share a letter.
A word's vowels are all front or all back (Kazakh vowel harmony), and tote marks a front word
with a hamza (ء, ٴ, or one built into ٵ ٶ ٷ ٸ) unless the word holds a letter only front
words have (ە е, ك к, گ г).
So the mapping decides front or back once per word, then goes letter by letter.
"""
from __future__ import annotations

import re

_HAMZA = "\u0621\u0674"                       # ء and the raised ٴ: "this word is front"
_FRONT_LETTERS = re.compile("[\u06d5\u0643\u06a9\u06af]")   # ە ك ک گ
_VOWELS = {   # letter: (back, front)
    "\u0627": ("а", "ә"),        # ا
    "\u0648": ("о", "ө"),        # و
    "\u06c7": ("ұ", "ү"),        # ۇ
    "\u0649": ("ы", "і"),        # ى
    "\u064a": ("и", "и"),        # ي (и; й after a vowel: see _convert_word)
}
_PRECOMPOSED = {"\u0675": "ә", "\u0676": "ө", "\u0677": "ү", "\u0678": "і"}   # ٵ ٶ ٷ ٸ (hamza built in)
_CONSONANTS = {
    "\u0628": "б", "\u067e": "п", "\u062a": "т", "\u062c": "ж", "\u062d": "х", "\u0686": "ч", "\u062f": "д",
    "\u0631": "р", "\u0632": "з", "\u0633": "с", "\u0634": "ш", "\u0639": "ғ", "\u063a": "ғ", "\u0641": "ф",
    "\u0642": "қ", "\u0643": "к", "\u06a9": "к", "\u06af": "г", "\u06ad": "ң", "\u0644": "л", "\u0645": "м",
    "\u0646": "н", "\u06be": "һ", "\u0647": "һ", "\u06cb": "у", "\u06c6": "в", "\u06d5": "е", "\u0635": "с",
    "\u0636": "з", "\u0637": "т", "\u0638": "з", "\u062b": "с", "\u0630": "з", "\u062e": "х",
}
_PUNCTUATION = str.maketrans({"\u060c": ",", "\u061b": ";", "\u061f": "?", "\u066a": "%", "\u06d4": ".",
                              "\u0640": ""})   # ، ؛ ؟ ٪ ۔ and the tatweel (a stretch, not a letter)
ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d5]")
_WORD = re.compile("[\u0621-\u065f\u0671-\u06d5]+")
# Letters of Kazakh tote that Arabic, Persian and Urdu text lack: ۇ ۋ ە ڭ ٵ ٶ ٷ ٸ and the raised hamza.
KAZAKH_ARABIC_MARKS = re.compile("[\u06c7\u06cb\u06d5\u06ad\u0674-\u0678]")


def _convert_word(match: re.Match) -> str:
    word = match.group(0)
    front = any(ch in _HAMZA or ch in _PRECOMPOSED for ch in word) or bool(_FRONT_LETTERS.search(word))
    out: list[str] = []
    for letter in word:
        if letter in _HAMZA:
            continue
        if letter == "\u064a" and out and out[-1] in "аәоөұүыіеэиу":
            out.append("й")
        elif letter in _VOWELS:
            out.append(_VOWELS[letter][front])
        else:
            out.append(_PRECOMPOSED.get(letter) or _CONSONANTS.get(letter, letter))
    return "".join(out)


def to_cyrillic(text: str) -> str:
    """Arabic-script Kazakh → Cyrillic (lowercase: the script has no capitals); other characters kept."""
    return _WORD.sub(_convert_word, text).translate(_PUNCTUATION)
