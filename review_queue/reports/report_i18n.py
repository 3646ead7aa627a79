"""Report: the report in the foundation's three publishing languages: English, Russian and Kazakh.

One table of fixed phrases, in web/i18n.py's shape (key: (ru, en, kk)), plus what a table of
phrases cannot hold: Russian plural forms after numerals, month names in the cases the
foundation's Russian and Kazakh reports use, and dates. Group and category names are not here:
they come from taxonomy.yaml's own ru/en/kk fields. Legal-basis names are in legal_basis.py,
next to the articles they name. English output is what the report printed before it had a
language, word for word. The Kazakh strings are a working translation, to be checked by a
native-speaking monitor (as web/i18n.py's are).
"""
from __future__ import annotations

from classifiers.taxonomy import load_taxonomy

from ..i18n import LANG_INDEX

LANGUAGES = ("ru", "kk", "en")
DEFAULT_LANG = "en"        # the report's language before it had one; --lang and the web page change it

# key: (ru, en, kk)
MESSAGES: dict[str, tuple[str, str, str]] = {
    "title_month": ("Нарушения свободы слова в Казахстане, {label}",
                    "Violations of freedom of speech in Kazakhstan, {label}",
                    "Қазақстандағы сөз бостандығының бұзылуы, {label}"),
    "title_year": ("Атаки на медиаработников в Казахстане в {year} году",
                   "Attacks on media workers in Kazakhstan in {year}",
                   "{year} жылы Қазақстандағы медиа қызметкерлеріне жасалған шабуылдар"),
    "recorded": ("В {when} зафиксировано", "In {when}, the following were recorded", "{when} мыналар тіркелді"),
    "including_colon": ("в том числе:", "including:", "оның ішінде:"),
    # the annual change, in the Markdown lines and the HTML intro ...
    "vs_previous": ("{change}, в прошлом году — {previous}", "{change} vs {previous} the year before",
                    "{change}, өткен жылы — {previous}"),
    # ... and on the HTML group lines, which have always been shorter in English
    "vs_previous_short": ("{change}, в прошлом году — {previous}", "{change} vs {previous}",
                          "{change}, өткен жылы — {previous}"),
    "total": ("Всего", "Total", "Барлығы"),
    "not_available": ("н/д", "n/a", "дерек жоқ"),
    # group C's breakdown: "including 3 for false information, 2 for election law and 1 for defamation"
    "including": ("в том числе {list}", "including {list}", "оның ішінде {list}"),
    "basis_count": ("{count} — {name}", "{count} for {name}", "{count} — {name}"),
    "and": ("и", "and", "және"),
    "by_attack_type": ("По типу атак", "By attack type", "Шабуыл түрі бойынша"),
    "by_perpetrator": ("По исполнителям", "By perpetrator", "Жасаушылар бойынша"),
    "col_incidents": ("инциденты", "incidents", "оқиғалар"),
    "col_share": ("доля", "share", "үлесі"),
    "col_previous_year": ("предыдущий год", "previous year", "өткен жыл"),
    "col_change": ("изменение", "change", "өзгеріс"),
    "col_month": ("месяц", "month", "ай"),
    "key_incidents": ("Ключевые события", "Key incidents", "Негізгі оқиғалар"),
    "extracted_outlets": ("СМИ", "Outlets", "БАҚ"),
    "extracted_state_bodies": ("Госорганы", "State bodies", "Мемлекеттік органдар"),
    "extracted_amounts": ("Суммы", "Amounts", "Сомалар"),
    "extracted_legal_articles": ("Статьи", "Legal articles", "Баптар"),
    "no_incidents": ("Подтверждённых инцидентов нет.", "No confirmed incidents.", "Расталған оқиғалар жоқ."),
    "undated": ("без даты", "undated", "күні белгісіз"),
    "per_month": ("Инциденты по месяцам", "Incidents per month", "Айлар бойынша оқиғалар"),
    "chart_categories": ("Инциденты по категориям", "Incidents by category", "Санаттар бойынша оқиғалар"),
    "chart_trend": ("Инциденты по месяцам, последние 12 месяцев", "Incidents per month, last 12 months",
                    "Айлар бойынша оқиғалар, соңғы 12 ай"),
    "note": ("Считаются инциденты, а не публикации; длящееся дело учитывается один раз, в месяце, когда оно "
             "началось (сообщения о длящихся делах повторно не учитываются).",
             "Counts are of incidents, not articles; an ongoing case is counted once, in the month it started "
             "(reports on ongoing cases are not counted again).",
             "Мақалалар емес, оқиғалар саналады; жалғасып жатқан іс бір рет, басталған айында саналады "
             "(жалғасып жатқан істер туралы хабарлар қайта саналмайды)."),
    # the web Reports page's form
    "form_month": ("Месяц", "Month", "Ай"),
    "form_or_year": ("или год", "or year", "немесе жыл"),
    "form_show": ("Показать", "Show", "Көрсету"),
    # taxonomy.yaml names attack types and perpetrators in English only: English ("") is read from there
    "attack_type.physical": ("Физические нападения и угрозы жизни, свободе и здоровью", "",
                             "Өмірге, бостандыққа және денсаулыққа төнген физикалық шабуылдар мен қауіптер"),
    "attack_type.non_physical": ("Нефизические и/или кибератаки и угрозы", "",
                                 "Физикалық емес және/немесе кибершабуылдар мен қауіптер"),
    "attack_type.judicial_economic": ("Атаки судебными и/или экономическими средствами", "",
                                      "Сот және/немесе экономикалық тәсілдермен жасалған шабуылдар"),
    "perpetrator.state": ("Государственные служащие, правоохранительные и государственные органы "
                          "(в т. ч. иностранных государств)", "",
                          "Мемлекеттік қызметшілер, құқық қорғау және мемлекеттік органдар "
                          "(оның ішінде шет мемлекеттердің)"),
    "perpetrator.non_state": ("Частные лица, бизнес, негосударственные организации и группы", "",
                              "Жеке тұлғалар, бизнес, мемлекеттік емес ұйымдар мен топтар"),
    "perpetrator.unknown": ("Неизвестные или неустановленные лица", "",
                            "Белгісіз немесе анықталмаған тұлғалар"),
    "unspecified": ("Не указано", "Not specified", "Көрсетілмеген"),
}

# Counted nouns: (Russian one / few / many, English, Kazakh). Kazakh keeps the singular after a
# numeral; the English report has always said "reports"/"incidents" whatever the number.
NOUNS: dict[str, tuple[tuple[str, str, str], str, str]] = {
    "report": (("сообщение", "сообщения", "сообщений"), "reports", "хабарлама"),
    "incident": (("инцидент", "инцидента", "инцидентов"), "incidents", "оқиға"),
}

EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")   # not strftime("%B"): that follows the process's locale
# Russian: nominative for a heading ("сентябрь 2024"), genitive in a date ("10 сентября 2024"),
# prepositional after "в" ("в сентябре 2024 года").
RU_MONTHS = (("январь", "января", "январе"), ("февраль", "февраля", "феврале"), ("март", "марта", "марте"),
             ("апрель", "апреля", "апреле"), ("май", "мая", "мае"), ("июнь", "июня", "июне"),
             ("июль", "июля", "июле"), ("август", "августа", "августе"), ("сентябрь", "сентября", "сентябре"),
             ("октябрь", "октября", "октябре"), ("ноябрь", "ноября", "ноябре"), ("декабрь", "декабря", "декабре"))
# Kazakh month names do not change in "2024 жылғы қыркүйек" or "2024 жылғы 10 қыркүйек".
KK_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
             "қараша", "желтоқсан")


def text(lang: str, key: str, **values) -> str:
    """The phrase `key` in `lang` (English for a language the table does not know)."""
    entry = MESSAGES[key]
    phrase = entry[LANG_INDEX.get(lang, LANG_INDEX[DEFAULT_LANG])]
    return phrase.format(**values) if values else phrase


def ru_plural(n: int, forms: tuple[str, str, str]) -> str:
    """The Russian noun form after the number n: 1, 21 сообщение; 2–4, 22 сообщения; 5–20, 11–14 сообщений."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def noun(lang: str, key: str, n: int) -> str:
    """The noun `key` ("report", "incident") as it follows the number n in `lang`."""
    ru, en, kk = NOUNS[key]
    return ru_plural(n, ru) if lang == "ru" else kk if lang == "kk" else en


def month_label(lang: str, year: int, month: int) -> str:
    """A month as a heading names it: "September 2024", "сентябрь 2024", "2024 жылғы қыркүйек"."""
    if lang == "ru":
        return f"{RU_MONTHS[month - 1][0]} {year}"
    if lang == "kk":
        return f"{year} жылғы {KK_MONTHS[month - 1]}"
    return f"{EN_MONTHS[month - 1]} {year}"


def period_in(lang: str, year: int, month: int | None = None) -> str:
    """The period for text("recorded"): "September 2024" / "сентябре 2024 года" / "2024 жылғы қыркүйек айында"."""
    if lang == "ru":
        return f"{RU_MONTHS[month - 1][2]} {year} года" if month else f"{year} году"
    if lang == "kk":
        return f"{year} жылғы {KK_MONTHS[month - 1]} айында" if month else f"{year} жылы"
    return month_label(lang, year, month) if month else str(year)


def date_label(lang: str, iso: str | None) -> str:
    """An incident's date: ISO in English (as before), "10 сентября 2024", "2024 жылғы 10 қыркүйек";
    "undated" when there is none, and the text as given when it is not YYYY-MM-DD."""
    if not iso:
        return text(lang, "undated")
    try:
        year, month, day = (int(part) for part in iso[:10].split("-"))
        if not 1 <= month <= 12:
            raise ValueError(iso)
    except ValueError:
        return iso
    if lang == "ru":
        return f"{day} {RU_MONTHS[month - 1][1]} {year}"
    if lang == "kk":
        return f"{year} жылғы {day} {KK_MONTHS[month - 1]}"
    return iso


def pct(lang: str, value: float | None) -> str:
    return text(lang, "not_available") if value is None else f"{value:+.0f}%"


def group_name(lang: str, group: str) -> str:
    names = load_taxonomy().groups.get(group) or {}
    return names.get(lang) or names.get("en") or group


def attribute_names(lang: str, field: str) -> dict[str, str]:
    """{code: name} of an annual-report attribute ("attack_type", "perpetrator") in taxonomy order,
    then "unspecified" for incidents the monitor left without it. English comes from taxonomy.yaml."""
    taxonomy = load_taxonomy()
    english = taxonomy.attack_types if field == "attack_type" else taxonomy.perpetrators
    names = {}
    for code, name in english.items():
        key = f"{field}.{code}"
        names[code] = (text(lang, key) if key in MESSAGES else "") or name   # a new code: its English name
    return {**names, "unspecified": text(lang, "unspecified")}


def template_helpers(lang: str) -> dict:
    """The phrase functions the report templates call, bound to the report's language. Named rt
    (report text), not t, because the web page's base template already has the interface's t."""
    return {"rt": lambda key, **values: text(lang, key, **values), "noun": lambda key, n: noun(lang, key, n),
            "pct": lambda value: pct(lang, value), "date_label": lambda iso: date_label(lang, iso)}

