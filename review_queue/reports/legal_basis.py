"""Report: the legal basis of court cases, for the report's breakdown of group C: "6 administrative court
proceedings, including 3 for publishing/disseminating false information, 2 for violations of
election laws, and 1 for defamation" (the foundation's monthly report, September 2024).

An incident's legal articles are those classifiers.legal.find_articles finds in the title and text
of its confirmed articles, as normalised codes ("КоАП 456-2"). A code's basis is its `about` in
taxonomy.yaml's legal_articles (the shared contract), without a parenthesised note, and the
category it belongs to is the one given there. Election-law articles are not in that list (and
taxonomy.yaml is not ours to edit), so they are named in EXTRA_ARTICLES below. taxonomy.yaml gives
the bases in English only; BASIS_NAMES gives them in Russian and Kazakh for the reports.
"""
from __future__ import annotations

import re
from functools import lru_cache

from classifiers.legal import find_articles
from classifiers.taxonomy import load_taxonomy

from .report_i18n import text

BREAKDOWN_GROUP = "C"      # court cases: the only group the reports break down by legal basis
ELECTION_LAW = "violation of election law"

# Articles of the Code of Administrative Offences of Kazakhstan (2014), chapter on electoral rights,
# that are brought against media, journalists and bloggers: 112, breaking the conditions of election
# campaigning through the media and online platforms; 122, breaking the conditions of election
# campaigning. Same shape as taxonomy.yaml's entries; add an article here when reports need it.
EXTRA_ARTICLES = [
    {"code": "КоАП 112", "about": ELECTION_LAW, "category": "C.administrative"},
    {"code": "КоАП 122", "about": ELECTION_LAW, "category": "C.administrative"},
]


# The basis of each article above and in taxonomy.yaml, in Russian and Kazakh, in the nominative: the
# report lists them as "в том числе 3 — публикация/распространение ложной информации, 1 — клевета".
# Keyed by the English basis (bases_by_code); a basis missing here is printed in English.
BASIS_NAMES: dict[str, dict[str, str]] = {
    "publication/dissemination of false information": {
        "ru": "публикация/распространение ложной информации", "kk": "жалған ақпаратты жариялау/тарату"},
    "defamation": {"ru": "клевета", "kk": "жала жабу"},
    "disobeying a lawful demand of a police officer": {
        "ru": "неповиновение законному требованию сотрудника полиции",
        "kk": "полиция қызметкерінің заңды талабына бағынбау"},
    "petty hooliganism": {"ru": "мелкое хулиганство", "kk": "ұсақ бұзақылық"},
    "dissemination of knowingly false information": {
        "ru": "распространение заведомо ложной информации", "kk": "көрінеу жалған ақпарат тарату"},
    "knowingly false denunciation": {"ru": "заведомо ложный донос", "kk": "көрінеу жалған сөз жеткізу"},
    "extortion": {"ru": "вымогательство", "kk": "қорқытып алушылық"},
    "incitement of social, national, religious discord": {
        "ru": "возбуждение социальной, национальной, религиозной розни",
        "kk": "әлеуметтік, ұлттық, діни алауыздықты қоздыру"},
    "obstruction of a journalist's lawful professional activity": {
        "ru": "воспрепятствование законной профессиональной деятельности журналиста",
        "kk": "журналистің заңды кәсіптік қызметіне кедергі келтіру"},
    "battery": {"ru": "побои", "kk": "ұрып-соғу"},
    "protection of honour, dignity and business reputation": {
        "ru": "защита чести, достоинства и деловой репутации",
        "kk": "ар-намысты, қадір-қасиетті және іскерлік беделді қорғау"},
    "compensation of moral damage": {"ru": "возмещение морального вреда", "kk": "моральдық зиянды өтеу"},
    ELECTION_LAW: {"ru": "нарушение избирательного законодательства", "kk": "сайлау туралы заңнаманы бұзу"},
}


@lru_cache(maxsize=1)
def bases_by_code() -> dict[str, tuple[str, str]]:
    """{article code: (basis, category)} for every article whose basis is known."""
    entries = [*load_taxonomy().legal_articles, *EXTRA_ARTICLES]
    # "defamation (клевета), administrative since 2020" reads as "defamation" in a report line.
    return {entry["code"]: (re.split(r"\s*\(", entry["about"])[0].strip(), entry["category"]) for entry in entries}


def in_breakdown(category: str) -> bool:
    return load_taxonomy().group_of(category) == BREAKDOWN_GROUP


def incident_bases(texts: list[str], categories: list[str]) -> dict[str, list[str]]:
    """{category: [bases]} of one incident: the bases of the articles cited in `texts` whose category
    is one of the incident's own categories in the breakdown group; unknown articles are left out."""
    known = bases_by_code()
    wanted = set(filter(in_breakdown, categories))
    found: dict[str, list[str]] = {}
    for text in texts:
        for article in find_articles(text):
            basis, category = known.get(article["code"], (None, None))
            if category in wanted and basis not in found.setdefault(category, []):
                found[category].append(basis)
    return found


def basis_name(basis: str, lang: str = "en") -> str:
    """The English basis (bases_by_code) in the report's language."""
    return BASIS_NAMES.get(basis, {}).get(lang) or basis


def including(bases: list[dict], lang: str = "en") -> str:
    """The seed's phrasing: "including 3 for false information, 2 for election law and 1 for defamation",
    or in Russian "в том числе 3 — …, 2 — … и 1 — …"; `bases` are named in `lang` already."""
    parts = [text(lang, "basis_count", count=b["count"], name=b["name"]) for b in bases]
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {text(lang, 'and')} " + parts[-1]
    return text(lang, "including", list=listed)
