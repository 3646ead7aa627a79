"""Court notices (hearing schedules, judicial-act listings) from a portal page, and the
filter that keeps those about media, journalists or the speech-related articles.

Where each field sits on the page comes from the source's `court:` block in
sources.yaml (CSS selectors), so a portal redesign is a config change:

    court:
      row: "table.hearings tbody tr"          # one notice
      fields: {court: "td:nth-child(2)", date: "td:nth-child(3)", case_number: "td:nth-child(4)", …}
      page_fields: {court: "h1.court-name"}   # optional: the same for every row on the page
      next_page: "a.next::attr(href)"         # optional: pagination
      follow: "ul.dates a::attr(href)"        # optional: more listing pages (dates, courts)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector

# Articles of the Code of Administrative Offences (КоАП), the Criminal Code (УК) and the
# Civil Code (ГК) used against journalists (Adil Soz reports); a source may replace them.
DEFAULT_ARTICLES = ["КоАП 456-2", "КоАП 73-3", "КоАП 453", "УК 274", "УК 130", "УК 131", "УК 174",
                    "ГК 143", "ГК 951"]
DEFAULT_KEYWORDS = ["СМИ", "журналист", "редакц", "блогер", "сетевое издание", "интернет-издани",
                    "телеканал", "газет", "информационное агентство", "честь, достоинств", "деловой репутации",
                    "БАҚ", "тілші", "журналшы"]
CODE_NAMES = {  # how each code is written in notices, Russian and Kazakh
    "КоАП": r"КоАП|КРКоАП|ӘҚБтК|административн",
    "УК": r"УК|Уголовн|ҚК|Қылмыстық",
    "ГК": r"ГК|Гражданск|АК|Азаматтық",
}


@dataclass
class NoticeFilter:
    articles: list[str]
    keywords: list[str]

    @classmethod
    def from_config(cls, match: dict | None) -> "NoticeFilter":
        match = match or {}
        return cls(articles=match.get("articles") or DEFAULT_ARTICLES,
                   keywords=match.get("keywords") or DEFAULT_KEYWORDS)

    def matches(self, notice: dict) -> list[str]:
        """The configured articles and keywords this notice mentions; [] when none."""
        found = []
        article_text = notice.get("article") or ""
        for entry in self.articles:
            code, _, number = entry.rpartition(" ")
            number_re = rf"(?<![\d.-]){re.escape(number)}(?![\d-])"
            code_re = CODE_NAMES.get(code, re.escape(code)) if code else ""
            if re.search(number_re, article_text) and (not code_re or re.search(code_re, article_text, re.I)):
                found.append(entry)
        everything = " ".join(str(v) for v in notice.values() if v)
        for keyword in self.keywords:
            if re.search(rf"(?<!\w){re.escape(keyword)}", everything, re.IGNORECASE):
                found.append(keyword)
        return found


def _field(node: Selector, css: str) -> str:
    if "::" not in css:
        css += " *::text"
        texts = node.css(css).getall() or node.css(css.replace(" *::text", "::text")).getall()
    else:
        texts = node.css(css).getall()
    return " ".join(" ".join(texts).split())


DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})(?:\s+(\d{1,2}:\d{2}))?")


def _split_date(notice: dict) -> None:
    """'18.11.2024 10:00' → date '2024-11-18', time '10:00'."""
    match = DATE_TIME.match(notice.get("date") or "")
    if not match:
        return
    date = match[1]
    if "." in date:
        d, m, y = date.split(".")
        date = f"{y}-{m}-{d}"
    notice["date"] = date
    if match[2] and not notice.get("time"):
        notice["time"] = match[2].zfill(5)


def parse_notices(html: str, config: dict) -> list[dict]:
    """Every notice on the page as {field: text}, fields as configured."""
    sel = Selector(text=html)
    page = {name: _field(sel, css) for name, css in (config.get("page_fields") or {}).items()}
    notices = []
    for row in sel.css(config["row"]):
        notice = dict(page)
        notice.update({name: _field(row, css) for name, css in config["fields"].items()})
        if not notice.get("case_number"):
            continue  # a header or a "no hearings today" row
        _split_date(notice)
        notices.append(notice)
    return notices


def more_pages(html: str, config: dict) -> list[str]:
    """Links to further listing pages (pagination and `follow` links), as written on the page."""
    sel = Selector(text=html)
    return [href for key in ("next_page", "follow") if config.get(key)
            for href in sel.css(config[key]).getall()]
