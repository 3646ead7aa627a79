"""Understand: who and where: victims (journalists, bloggers), outlets, state bodies and places, in kk/ru/en.

spaCy has no Kazakh pipeline and none of its trained ru/xx pipelines installs offline, so
we use `spacy.blank("xx")` (it tokenizes all three languages) with rule matchers over
gazetteers, run on folded text (see triggers.fold) so "Қарағанды" and "Караганды" match
one rule. Russian person names come from Natasha's NER (ships its weights, offline).
Names of people in kk/en come from a rule: a profession word followed by capitalised words.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from .legal import find_amounts
from .triggers import fold

log = logging.getLogger(__name__)

# canonical (English) name -> regexes over one folded token; inflected forms share a stem
PLACES = {
    "Astana": ["астан", "astana", "нур-султан", "nur-sultan"], "Almaty": ["алмат", "almaty"],
    "Shymkent": ["шымкент", "shymkent"], "Karaganda": ["караганд", "karaganda", "qaragandy"],
    "Aktobe": ["актобе", "aktobe", "актюбинск"], "Taraz": ["тараз", "taraz"], "Pavlodar": ["павлодар", "pavlodar"],
    "Oskemen": ["оскемен", "усть-каменогорск", "oskemen", "ust-kamenogorsk"], "Semey": ["семе", "semey"],
    "Atyrau": ["атырау", "atyrau"], "Kostanay": ["костана", "kostanay"], "Kyzylorda": ["кызылорд", "kyzylorda"],
    "Oral": ["орал", "уральск", "oral", "uralsk"], "Petropavl": ["петропавл", "petropavl"],
    "Aktau": ["актау", "aktau"], "Turkistan": ["туркестан", "туркистан", "turkistan"],
    "Kokshetau": ["кокшетау", "kokshetau"], "Taldykorgan": ["талдыкорган", "taldykorgan"],
    "Ekibastuz": ["экибастуз", "екибастуз", "ekibastuz"], "Zhanaozen": ["жанаозен", "zhanaozen"],
    "Temirtau": ["темиртау", "temirtau"], "Zhezkazgan": ["жезказган", "zhezkazgan"],
    "Konaev": ["конаев", "konaev", "капшага", "kapchagay"], "Kaskelen": ["каскелен", "kaskelen"],
    "Talgar": ["талгар", "talgar"], "Mangystau": ["мангист", "мангыст", "mangystau"], "Zhetysu": ["жетису", "zhetysu"],
    "Abai region": ["абай облы", "абайск"], "Ulytau": ["улытау", "ulytau"], "Kazakhstan": ["казахстан", "kazakhstan"],
}
STATE_BODIES = {
    "akimat": ["акимат", "акимдик", "akimat", "аким", "akim"], "police": ["полиц", "police", "дп"],
    "prosecutor's office": ["прокурат", "prosecutor", "прокурор"], "KNB": ["кнб", "укк", "knb", "nsc"],
    "court": ["суд", "сот", "court", "судья", "judge"], "Ministry of Internal Affairs": ["мвд", "иим"],
    "Ministry of Foreign Affairs": ["мид", "сим"], "ministry": ["министерств", "министрлик", "ministry", "minister"],
    "maslikhat": ["маслихат", "maslikhat"], "Mazhilis": ["мажилис", "mazhilis", "депутат", "deputy"],
    "Anti-Corruption Agency": ["антикор", "anti-corruption", "сыбайлас"],
}
OUTLETS = {
    "Azattyq": ["азаттык", "azattyq", "azattyk"], "Tengrinews": ["tengrinews"], "Orda.kz": ["orda.kz", "орда"],
    "Vlast.kz": ["vlast.kz"], "Ratel": ["ratel", "ратель", "рател"], "Kursiv": ["kursiv", "курсив"],
    "KazTAG": ["kaztag", "казтаг"], "Khabar": ["хабар", "khabar"], "Kazinform": ["kazinform", "казинформ"],
    "Uralskaya Nedelya": ["уральск\\w* недел", "uralskaya nedelya", "uralsk week"], "Zakon.kz": ["zakon.kz"],
    "Nur.kz": ["nur.kz"], "KTK": ["ктк", "ktk"], "Informburo": ["informburo", "информбюро"],
}
PROFESSIONS = (r"журналист\w*|корреспондент\w*|блогер\w*|блоггер\w*|редактор\w*|оператор\w*|фотограф\w*|тилши\w*|тілші\w*"
               r"|journalist|reporter|correspondent|blogger|editor|camera ?(?:man|operator)|photographer")
NAME = r"[A-ZА-ЯӘҒҚҢӨҰҮҺІЁ][a-zа-яәғқңөұүһіё]+(?:-[A-ZА-ЯӘҒҚҢӨҰҮҺІЁ]?[a-zа-яәғқңөұүһіё]+)?"
VICTIM_AFTER_PROFESSION = re.compile(rf"(?i:{PROFESSIONS})\s+(?:[«\"][^»\"]{{1,40}}[»\"]\s+)?({NAME}(?:\s+{NAME}){{1,2}})")
QUOTED_OUTLET = re.compile(r"(?i:газет\w*|издани\w*|портал\w*|телеканал\w*|сайт\w*|басылым\w*|арна\w*|outlet|newspaper"
                           r"|channel|portal|website)\s+[«\"“]([^»\"”]{2,40})[»\"”]")


def _gazetteer_patterns(gazetteer: dict[str, list[str]]) -> list[tuple[str, list[dict]]]:
    patterns = []
    for name, stems in gazetteer.items():
        for stem in stems:
            words = stem.split()
            patterns.append((name, [{"LOWER": {"REGEX": f"^{w}"}} for w in words]))
    return patterns


@lru_cache(maxsize=1)
def _matchers():
    import spacy
    from spacy.matcher import Matcher
    nlp = spacy.blank("xx")
    matchers = {}
    for kind, gazetteer in (("places", PLACES), ("state_bodies", STATE_BODIES), ("outlets", OUTLETS)):
        matcher = Matcher(nlp.vocab)
        for name, pattern in _gazetteer_patterns(gazetteer):
            matcher.add(f"{kind}|{name}", [pattern])
        matchers[kind] = matcher
    return nlp, matchers


@lru_cache(maxsize=1)
def _natasha():
    try:
        from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter
    except ImportError as exc:   # entities still work, without Russian NER
        log.warning("natasha unavailable (%s): Russian person names come from rules only", exc)
        return None
    return Doc, Segmenter(), NewsNERTagger(NewsEmbedding())


def russian_persons(text: str) -> list[str]:
    loaded = _natasha()
    if loaded is None:
        return []
    doc_cls, segmenter, tagger = loaded
    doc = doc_cls(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [span.text for span in doc.spans if span.type == "PER"]


def _add(found: dict[str, list[str]], kind: str, value: str) -> None:
    value = value.strip()
    if value and value not in found.setdefault(kind, []):
        found[kind].append(value)


def find_entities(text: str, lang: str = "") -> dict[str, list]:
    """{"victims": [...], "outlets": [...], "state_bodies": [...], "places": [...], "amounts": [...]}; empty kinds left out."""
    nlp, matchers = _matchers()
    doc = nlp.make_doc(fold(text))
    found: dict[str, list] = {}
    for kind, matcher in matchers.items():
        for match_id, _, _ in matcher(doc):
            _add(found, kind, nlp.vocab.strings[match_id].split("|", 1)[1])
    for m in QUOTED_OUTLET.finditer(text):
        _add(found, "outlets", m.group(1))
    victims = [m.group(1) for m in VICTIM_AFTER_PROFESSION.finditer(text)]
    if lang == "ru":
        # Natasha finds every person; a victim is one named near a profession word
        near = {p for p in russian_persons(text) if re.search(rf"(?i:{PROFESSIONS})[^.]{{0,80}}{re.escape(p)}"
                                                             rf"|{re.escape(p)}[^.]{{0,40}}(?i:{PROFESSIONS})", text)}
        victims = [v for v in victims if not any(v in p for p in near)] + sorted(near)
    for victim in victims:
        _add(found, "victims", victim)
    amounts = find_amounts(text)
    if amounts:
        found["amounts"] = amounts
    return {k: v for k, v in found.items() if v}
