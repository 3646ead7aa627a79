"""Understand: legal articles and money amounts in kk/ru/en wording, normalised to the taxonomy's codes.

"ч. 3 ст. 456-2 КоАП", "ӘҚБтК 456-2-бабы", "Article 456-2 of the Code of Administrative
Offences" all become {"code": "КоАП 456-2", "part": "3", "category": "C.administrative"}.
Codes: КоАП (administrative), УК (criminal), ГК (civil), as in taxonomy.yaml.

Amounts: tenge are returned in tenge (млн/million/миллион/млрд expanded); fines in
МРП/АЕК/MCI are kept as MRP units ({"mrp": 50}), because the MRP value changes every
year and the article rarely says which year's applies.
"""
from __future__ import annotations

import re

from .taxonomy import load_taxonomy

NUM = r"\d+(?:-\d+)?"
# the code's name in any of the three languages -> our short code
CODE_NAMES = [
    ("КоАП", r"коап(?:\s*рк)?|кодекс\w*\s+(?:республики казахстан\s+)?об административных правонарушениях"
             r"|(?:қр\s*|кр\s*)?[әа][қк]б?т?к|әкімшілік құқық бұзушылық туралы кодекс\w*|акимшилик кукык бузушылык туралы кодекс\w*"
             r"|code of administrative offen[cs]es|administrative (?:offen[cs]es )?code"),
    ("УК", r"ук(?:\s*рк)?|уголовн\w+\s+кодекс\w*|(?:қр\s*|кр\s*)?[қк]к|қылмыстық кодекс\w*|кылмыстык кодекс\w*|criminal code|penal code"),
    ("ГК", r"гк(?:\s*рк)?|гражданск\w+\s+кодекс\w*|(?:қр\s*|кр\s*)?ак|азаматтық кодекс\w*|азаматтык кодекс\w*|civil code"),
]
_CODE_ALT = "|".join(f"(?P<c{i}>{pattern})" for i, (_, pattern) in enumerate(CODE_NAMES))
_PART = r"(?:(?:ч\.|част\w*|part|paragraph|(?P<kkpart>\d+)-бөлігі|\d+-болиги)\s*(?P<part>\d+)?\s*,?\s*(?:of\s+)?)?"
ARTICLE_PATTERNS = [
    # ru: "ч. 3 ст. 456-2 КоАП", "статьи 143 Гражданского кодекса"; en: "Article 274 of the Criminal Code"
    re.compile(_PART + r"(?:ст\.|стать\w*|article|art\.)\s*(?P<num>" + NUM + r")\s*(?:of\s+the\s+|of\s+)?(?:" + _CODE_ALT + r")",
               re.IGNORECASE),
    # kk: "ӘҚБтК 456-2-бабы", "ҚР ҚК 274-бабы", "Қылмыстық кодекстің 274-бабы"
    re.compile(r"(?<!\w)(?:" + _CODE_ALT + r")(?:-?\w+)?\s*(?P<num>" + NUM + r")-?\s*(?:бап|баб)\w*"
               r"(?:\s*(?P<kkpart2>\d+)-(?:бөлігі|болиги)\w*)?",
               re.IGNORECASE),
    # en/ru code-first: "Criminal Code, Article 274", "УК РК, ст. 274"
    re.compile(r"(?:" + _CODE_ALT + r")\s*,?\s*(?:ст\.|стать\w*|article|art\.)\s*(?P<num>" + NUM + r")", re.IGNORECASE),
]

_SCALE = {"тыс": 1e3, "thousand": 1e3, "мың": 1e3, "млн": 1e6, "миллион": 1e6, "million": 1e6, "mln": 1e6,
          "млрд": 1e9, "миллиард": 1e9, "billion": 1e9, "bn": 1e9}
_NUMBER = r"(?P<n>\d+(?:[ \u00a0,.]\d{3})*(?:[.,]\d+)?)"
_SCALE_RE = r"(?:\s*(?P<scale>тыс\w*|мың|млн|миллион\w*|million|mln|млрд|миллиард\w*|billion|bn)\.?)?"
MONEY = re.compile(_NUMBER + _SCALE_RE + r"\s*(?P<unit>тенге|теңге|тенгe|tenge|kzt|₸|мрп|аек|mrp|mci|monthly calculation ind\w*)",
                   re.IGNORECASE)


def _code_of(match: re.Match) -> str:
    for i, (code, _) in enumerate(CODE_NAMES):
        if match.group(f"c{i}"):
            return code
    raise AssertionError("a code group always matches")


def find_articles(text: str) -> list[dict]:
    """Every legal article cited in `text`, once each, in order of first mention."""
    categories = {a["code"]: a["category"] for a in load_taxonomy().legal_articles}
    found: dict[str, dict] = {}
    for pattern in ARTICLE_PATTERNS:
        for m in pattern.finditer(text):
            code = f"{_code_of(m)} {m.group('num')}"
            groups = m.groupdict()
            part = groups.get("part") or groups.get("kkpart") or groups.get("kkpart2")
            item = {"code": code, "text": m.group(0).strip(), "start": m.start()}
            if part:
                item["part"] = part
            if code in categories:
                item["category"] = categories[code]
            found.setdefault(code, item)
    return sorted(found.values(), key=lambda a: a["start"])


def _number(raw: str) -> float:
    raw = raw.replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[ ,.]\d{3})+", raw):       # 1 500 000 / 1,500,000 / 1.500.000
        return float(re.sub(r"[ ,.]", "", raw))
    return float(raw.replace(" ", "").replace(",", "."))   # 1,5 / 1.5


def find_amounts(text: str) -> list[dict]:
    """Money in the text: {"tenge": 50000000.0} or {"mrp": 50.0}, with the words they came from."""
    amounts = []
    for m in MONEY.finditer(text):
        value = _number(m.group("n"))
        scale = (m.group("scale") or "").lower()
        for prefix, factor in _SCALE.items():
            if scale.startswith(prefix):
                value *= factor
                break
        unit = "tenge" if m.group("unit").lower() in ("тенге", "теңге", "тенгe", "tenge", "kzt", "₸") else "mrp"
        amounts.append({unit: value, "text": m.group(0)})
    return amounts
