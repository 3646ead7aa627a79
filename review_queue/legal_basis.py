"""The legal basis of court cases, for the report's breakdown of group C: "6 administrative court
proceedings, including 3 for publishing/disseminating false information, 2 for violations of
election laws, and 1 for defamation" (the foundation's monthly report, September 2024).

An incident's legal articles are those classifiers.legal.find_articles finds in the title and text
of its confirmed articles, as normalised codes ("КоАП 456-2"). A code's basis is its `about` in
taxonomy.yaml's legal_articles (the shared contract), without a parenthesised note, and the
category it belongs to is the one given there. Election-law articles are not in that list (and
taxonomy.yaml is not ours to edit), so they are named in EXTRA_ARTICLES below.
"""
from __future__ import annotations

import re
from functools import lru_cache

from classifiers.legal import find_articles
from classifiers.taxonomy import load_taxonomy

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


def including(bases: list[dict]) -> str:
    """The seed's phrasing: "including 3 for false information, 2 for election law and 1 for defamation"."""
    parts = [f"{b['count']} for {b['name']}" for b in bases]
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return "including " + listed
