"""Crawl: court notices (hearing schedules, judicial-act listings) from a portal page, and the
filter that keeps those about media, journalists or the speech-related articles.

Where each field sits on the page comes from the source's `court:` block in
sources.yaml (CSS selectors), so a portal redesign is a config change:

    court:
      row: "table.hearings tbody tr"          # one notice
      fields: {court: "td:nth-child(2)", date: "td:nth-child(3)", case_number: "td:nth-child(4)", …}
      page_fields: {court: "h1.court-name"}   # optional: the same for every row on the page
      next_page: "a.next::attr(href)"         # optional: pagination
      follow: "ul.dates a::attr(href)"        # optional: more listing pages (dates, courts)

Portals that show their listing only after a search (JSF applications such as
office.sud.kz) take a `form:`; the spider GETs the start URL, submits that form
(hidden fields such as javax.faces.ViewState come along) and reads the answer as a listing:

      form:
        css: "form#searchForm"                # which form on the start page (default: the first)
        data: {"searchForm:dateFrom": "{since_dmy}", "searchForm:dateTo": "{today_dmy}"}
        submit: "searchForm:search"           # optional: the button to "click" (JSF wants its name)
        window: 7d                            # optional: {since} without --since is today minus this
      next_button: "searchForm:next"          # optional: a submit button for the next page
      max_pages: 50                           # optional: form pages per start URL (default 50,
                                              # or the SOZWATCH_COURT_MAX_PAGES setting)

Placeholders in `data`: {today} and {since} (yyyy-mm-dd), {today_dmy} and {since_dmy}
(dd.mm.yyyy, as Kazakh portals write dates); {since} is the crawl's --since date, else
today minus `window`. Dates are Kazakhstan's (UTC+5).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # parsel (lxml) loads in ~0.1 s: only parsing needs it, not `sozwatch --help`
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
    from parsel import Selector
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
    from parsel import Selector
    sel = Selector(text=html)
    return [href for key in ("next_page", "follow") if config.get(key)
            for href in sel.css(config[key]).getall()]


# -- search forms (POST) ----------------------------------------------------------------
FORM_KEYS = ("css", "data", "submit", "window")
PLACEHOLDERS = ("today", "since", "today_dmy", "since_dmy")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
DEFAULT_WINDOW = "7d"
DEFAULT_MAX_FORM_PAGES = 50
# Kazakhstan has kept one time zone, UTC+5, since March 2024: "today" is the courts' today.
KZ_TIME = timezone(timedelta(hours=5))


def form_dates(since: datetime | None, window: timedelta, now: datetime | None = None) -> dict[str, str]:
    """The placeholder values: today and the start of the window, ISO and dd.mm.yyyy."""
    today = (now or datetime.now(timezone.utc)).astimezone(KZ_TIME).date()
    start: date = since.astimezone(KZ_TIME).date() if since else today - window
    return {"today": today.isoformat(), "since": start.isoformat(),
            "today_dmy": today.strftime("%d.%m.%Y"), "since_dmy": start.strftime("%d.%m.%Y")}


def fill_form(data: dict | None, dates: dict[str, str]) -> dict[str, str]:
    """The form's `data` with placeholders filled. Only the known names are replaced, so
    a value with other braces in it is sent as written."""
    def fill(value) -> str:
        return PLACEHOLDER.sub(lambda m: dates.get(m[1], m[0]), str(value))
    return {str(name): fill(value) for name, value in (data or {}).items()}


def has_enabled_button(html: str, form_css: str | None, name: str) -> bool:
    """Whether the form has a submit button `name` that is not disabled: JSF keeps the
    "next" button on the last page, only disabled."""
    from parsel import Selector
    sel = Selector(text=html)
    form = sel.css(form_css) if form_css else sel.css("form")[:1]
    buttons = form.xpath(".//input[@name=$n] | .//button[@name=$n]", n=name)
    return any(b.attrib.get("disabled") is None for b in buttons)


def session_cookie(response) -> str:
    """The Cookie header for the next form post: what the request sent, updated by the
    response's Set-Cookie (a JSF session is a JSESSIONID cookie set on the first GET)."""
    jar = {}
    for pair in (response.request.headers.get("Cookie") or b"").decode("latin-1").split(";"):
        name, _, value = pair.strip().partition("=")
        if name:
            jar[name] = value
    for header in response.headers.getlist("Set-Cookie"):
        name, _, value = header.decode("latin-1").split(";", 1)[0].strip().partition("=")
        if name:
            jar[name] = value
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def form_problems(court: dict) -> list[str]:
    """What is wrong with a court block's `form`, `next_button` and `max_pages` ([] when fine)."""
    problems = []
    form = court.get("form")
    if form is None:
        if court.get("next_button"):
            problems.append("court.next_button needs court.form (the form it belongs to)")
        return problems
    if not isinstance(form, dict):
        return ["court.form must be a mapping (css, data, submit, window)"]
    unknown = sorted(set(form) - set(FORM_KEYS))
    if unknown:
        problems.append(f"court.form: unknown key(s) {', '.join(map(repr, unknown))}; known: {', '.join(FORM_KEYS)}")
    for key in ("css", "submit"):
        if key in form and (not isinstance(form[key], str) or not form[key].strip()):
            problems.append(f"court.form.{key} must be a non-empty string")
    data = form.get("data", {})
    if not isinstance(data, dict) or any(isinstance(v, (dict, list)) for v in data.values()):
        problems.append("court.form.data must map field names to values")
    else:
        for value in data.values():
            bad = [m for m in PLACEHOLDER.findall(str(value)) if m not in PLACEHOLDERS]
            if bad:
                problems.append(f"court.form.data: unknown placeholder {{{bad[0]}}}; "
                                f"known: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
    if "window" in form and not re.fullmatch(r"\d+\s*[dh]", str(form["window"]).strip()):
        problems.append("court.form.window: a duration in days or hours, e.g. 7d")
    if "next_button" in court and (not isinstance(court["next_button"], str) or not court["next_button"].strip()):
        problems.append("court.next_button must be the name of a submit button")
    pages = court.get("max_pages", DEFAULT_MAX_FORM_PAGES)
    if not isinstance(pages, int) or isinstance(pages, bool) or not 1 <= pages <= 1000:
        problems.append("court.max_pages: a whole number from 1 to 1000")
    return problems
