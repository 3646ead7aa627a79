"""Court portals whose listings sit behind a search form (JSF, as office.sud.kz): the
court spider GETs the page, POSTs the form with its hidden ViewState, the configured
fields and the search button, then presses "next" until the last page or the page cap.
One crawl of local JSF-like portals, and checks of the config's validation."""
from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from http.cookies import SimpleCookie
from types import SimpleNamespace

import pytest

from crawler.court import KZ_TIME, fill_form, form_dates, has_enabled_button
from crawler.sources import validate_sources

from .fixtures.crawl import crawl, write_sources
from .fixtures.pages import JSF_COURT_CONFIG, SUD_COURT_CONFIG, jsf_search_page, sud_schedule_page
from .fixtures.sites import HTML, Site

COURT = "Специализированный межрайонный суд по административным правонарушениям г. Алматы"


def row(case, article, parties="Иванов И. И.", when="18.11.2024 10:00"):
    return {"when": when, "case": case, "court": COURT, "parties": parties, "article": article, "judge": "Ким В."}


FIRST = [row("7594-24-00-4/201", "ч. 3 ст. 456-2 КоАП РК", "главный редактор газеты «Алатау» Сеитов Б."),
         row("7594-24-00-4/202", "ч. 1 ст. 610 КоАП РК")]
SECOND = [row("7594-24-00-4/203", "ст. 143 ГК РК", "Истец: Омаров К.; ответчик: журналист Смагулова Д.",
              when="19.11.2024 09:30"),
          row("7594-24-00-4/204", "ст. 95 Земельного кодекса", when="19.11.2024 11:00")]


class JsfPortal:
    """One search page at `path` that behaves like a JSF view: a GET opens a session
    (JSESSIONID cookie) and issues a ViewState; a POST must bring that session's ViewState,
    the form id field and a button name, or it is refused (400, as a view-expired page).
    The search button shows page 1, "next" the page after the one the ViewState belongs to.
    `pages` None: the "next" button never goes away (a portal that would loop)."""

    ids = itertools.count(1)

    def __init__(self, site: Site, path: str, pages: list[list[dict]] | None, post_status: int = 200):
        self.site, self.path, self.pages, self.post_status = site, path, pages, post_status
        self.views: dict[str, tuple[str, int]] = {}   # ViewState → (session, page it shows)
        self.refused: list[str] = []
        site.routes[path] = self.get
        site.routes[("POST", path)] = self.post

    def view(self, session: str, page: int) -> str:
        state = f"-{next(self.ids)}:{page}"
        self.views[state] = (session, page)
        return state

    def get(self, handler, query):
        session = f"S{next(self.ids)}"
        headers = {**HTML, "Set-Cookie": f"JSESSIONID={session}; Path=/; HttpOnly"}
        return 200, headers, jsf_search_page(None, self.view(session, 0), action=self.path)

    def refuse(self, why: str):
        self.refused.append(why)
        return 400, HTML, f"<html><body>javax.faces.application.ViewExpiredException: {why}</body></html>".encode()

    def post(self, handler, form):
        if self.post_status != 200:
            return self.post_status, HTML, b"<html><body>Internal Server Error</body></html>"
        cookie = SimpleCookie(handler.headers.get("Cookie") or "")
        session = cookie["JSESSIONID"].value if "JSESSIONID" in cookie else None
        state = (form.get("javax.faces.ViewState") or [""])[0]
        if state not in self.views or self.views[state][0] != session:
            return self.refuse("no such view in this session")
        if form.get("searchForm") != ["searchForm"]:
            return self.refuse("not the search form")
        if "searchForm:search" in form:
            page = 1
        elif "searchForm:next" in form:
            page = self.views[state][1] + 1
        else:
            return self.refuse("no button")
        if self.pages is None:
            rows = [row(f"7594-24-00-4/9{page:02d}", "ч. 3 ст. 456-2 КоАП РК", "журналист Ли А.")]
            has_next = True
        else:
            rows, has_next = self.pages[page - 1], page < len(self.pages)
        return 200, HTML, jsf_search_page(rows, self.view(session, page), has_next=has_next,
                                          date_from=form["searchForm:dateFrom"][0], action=self.path)

    def posts(self) -> list[dict]:
        return [r["form"] for r in self.site.log if r.get("method") == "POST" and r["path"] == self.path]


def kz_today() -> str:
    return datetime.now(timezone.utc).astimezone(KZ_TIME).strftime("%d.%m.%Y")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("court_forms")
    site = Site().start()
    portals = SimpleNamespace(
        schedule=JsfPortal(site, "/new/scheduleOfCases/index.xhtml", [FIRST, SECOND]),
        capped=JsfPortal(site, "/capped/index.xhtml", None),
        setting_capped=JsfPortal(site, "/setting-capped/index.xhtml", None),
        broken=JsfPortal(site, "/broken/index.xhtml", [FIRST], post_status=500),
    )
    plain = sud_schedule_page(COURT, [row("7594-24-00-4/301", "ч. 1 ст. 73-3 КоАП РК", "Блогер Жанибеков Д.")])
    site.routes["/plain/schedule"] = site.routes["/no-form/schedule"] = (200, HTML, plain)
    url = site.url
    sources = write_sources(tmp / "sources.yaml", [
        {"name": "jsf-schedule", "kind": "court", "start_urls": [url(portals.schedule.path)], "court": JSF_COURT_CONFIG},
        {"name": "jsf-capped", "kind": "court", "start_urls": [url(portals.capped.path)],
         "court": {**JSF_COURT_CONFIG, "max_pages": 3}},
        {"name": "jsf-setting-capped", "kind": "court", "start_urls": [url(portals.setting_capped.path)],
         "court": JSF_COURT_CONFIG},
        {"name": "jsf-no-form", "kind": "court", "start_urls": [url("/no-form/schedule")], "court": JSF_COURT_CONFIG},
        {"name": "jsf-broken", "kind": "court", "start_urls": [url(portals.broken.path)], "court": JSF_COURT_CONFIG},
        {"name": "plain-court", "kind": "court", "start_urls": [url("/plain/schedule")], "court": SUD_COURT_CONFIG},
    ])
    today_before = kz_today()
    result = crawl(tmp / "crawl.db", sources, "--since", "2024-01-01", settings={"SOZWATCH_COURT_MAX_PAGES": "4"})
    today_after = kz_today()
    site.stop()
    conn = sqlite3.connect(tmp / "crawl.db")
    conn.row_factory = sqlite3.Row
    runs = {r["source"]: SimpleNamespace(errors=json.loads(r["error_kinds"]), stats=json.loads(r["stats"]))
            for r in conn.execute("SELECT * FROM crawl_runs")}
    yield SimpleNamespace(result=result, db=conn, portals=portals, site=site, runs=runs,
                          today={today_before, today_after})


def cases(crawled, source: str) -> set[str]:
    return {r["case_number"] for r in crawled.db.execute(
        "SELECT case_number FROM court_notices WHERE source = ?", [source])}


def test_the_crawl_finishes_without_a_traceback(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr[-3000:]
    assert "Traceback" not in crawled.result.stderr


def test_matching_notices_of_both_result_pages_are_stored(crawled):
    assert cases(crawled, "jsf-schedule") == {"7594-24-00-4/201", "7594-24-00-4/203"}
    (notice,) = crawled.db.execute("SELECT * FROM court_notices WHERE case_number = '7594-24-00-4/203'")
    assert (notice["date"], notice["time"], notice["court"]) == ("2024-11-19", "09:30", COURT)


def test_the_form_is_posted_with_its_hidden_fields_the_filled_dates_and_the_button(crawled):
    search, following = crawled.portals.schedule.posts()
    assert search["searchForm"] == ["searchForm"]
    assert search["javax.faces.ViewState"][0] in crawled.portals.schedule.views
    assert search["searchForm:dateFrom"] == ["01.01.2024"]          # {since_dmy} from --since
    assert search["searchForm:dateTo"][0] in crawled.today           # {today_dmy}, Kazakhstan's date
    assert search["searchForm:region"] == [""]                       # the page's own default comes along
    assert "searchForm:search" in search and "searchForm:next" not in search
    assert "langForm" not in search                                  # form.css picked the search form
    assert "searchForm:next" in following and "searchForm:search" not in following
    assert following["javax.faces.ViewState"] != search["javax.faces.ViewState"]  # the results page's own
    assert crawled.portals.schedule.refused == []


def test_pagination_stops_when_the_next_button_is_disabled(crawled):
    assert len(crawled.portals.schedule.posts()) == 2
    assert "form_page_cap" not in crawled.runs["jsf-schedule"].stats


def test_a_next_button_that_never_goes_away_stops_at_the_sources_max_pages(crawled):
    assert len(crawled.portals.capped.posts()) == 3
    assert cases(crawled, "jsf-capped") == {"7594-24-00-4/901", "7594-24-00-4/902", "7594-24-00-4/903"}
    assert crawled.runs["jsf-capped"].stats.get("form_page_cap") == 1
    assert "jsf-capped: stopped after 3 form pages" in crawled.result.stderr


def test_without_max_pages_the_setting_caps_the_pages(crawled):
    assert len(crawled.portals.setting_capped.posts()) == 4


def test_a_form_selector_matching_nothing_is_one_counted_error_line(crawled):
    lines = [line for line in crawled.result.stderr.splitlines() if "jsf-no-form" in line]
    assert len(lines) == 1, lines
    assert "cannot submit the search form" in lines[0] and "form#searchForm" in lines[0]
    assert crawled.runs["jsf-no-form"].errors == {"form_not_found": 1}
    assert cases(crawled, "jsf-no-form") == set()


def test_a_server_error_on_the_post_is_counted_and_the_other_sources_still_crawl(crawled):
    assert crawled.runs["jsf-broken"].errors == {"http_500": 1}
    assert cases(crawled, "plain-court") == {"7594-24-00-4/301"}   # the GET path is unchanged


# -- the pieces, without a crawl ---------------------------------------------------------------
def test_placeholders_are_filled_with_iso_and_kazakh_dates():
    now = datetime(2024, 11, 18, 20, 30, tzinfo=timezone.utc)    # already the 19th in Kazakhstan
    dates = form_dates(None, timedelta(days=7), now=now)
    assert dates == {"today": "2024-11-19", "since": "2024-11-12", "today_dmy": "19.11.2024",
                     "since_dmy": "12.11.2024"}
    since = datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert form_dates(since, timedelta(days=7), now=now)["since_dmy"] == "01.01.2024"
    filled = fill_form({"from": "{since_dmy}", "range": "{since}..{today}", "size": 20, "raw": "{x}"}, dates)
    assert filled == {"from": "12.11.2024", "range": "2024-11-12..2024-11-19", "size": "20", "raw": "{x}"}


def test_a_disabled_next_button_counts_as_no_next_page():
    assert has_enabled_button(jsf_search_page([], "v", has_next=True).decode(), "form#searchForm", "searchForm:next")
    assert not has_enabled_button(jsf_search_page([], "v").decode(), "form#searchForm", "searchForm:next")
    assert not has_enabled_button(jsf_search_page([], "v", has_next=True).decode(), "form#langForm",
                                  "searchForm:next")


def court_source(**court) -> dict:
    return {"name": "portal", "kind": "court", "start_urls": ["https://office.sud.kz/new/searchActs/index.xhtml"],
            "court": {**JSF_COURT_CONFIG, **court}}


def test_validation_refuses_an_unknown_form_key_naming_the_source(tmp_path):
    path = write_sources(tmp_path / "s.yaml", [court_source(form={"css": "form#searchForm", "fields": {}})])
    (problem,) = validate_sources(path)
    assert "'portal'" in problem.message and "unknown key(s) 'fields'" in problem.message
    assert path.read_text().splitlines()[problem.line - 1].strip().startswith("form:")


@pytest.mark.parametrize("court, message", [
    ({"form": {"data": {"d": "{yesterday}"}}}, "unknown placeholder {yesterday}"),
    ({"form": {"window": "a week"}}, "court.form.window"),
    ({"form": "form#searchForm"}, "court.form must be a mapping"),
    ({"max_pages": 0}, "court.max_pages"),
    ({"form": None, "next_button": "searchForm:next"}, "next_button needs court.form"),
])
def test_validation_checks_the_form_settings(tmp_path, court, message):
    config = court_source(**court)
    if config["court"].get("form") is None:
        del config["court"]["form"]
    path = write_sources(tmp_path / "s.yaml", [config])
    assert [message in p.message for p in validate_sources(path)] == [True]


def test_a_valid_form_source_and_the_shipped_office_sud_kz_entries_validate(tmp_path):
    assert validate_sources(write_sources(tmp_path / "s.yaml", [court_source()])) == []
    from crawler.sources import load_sources
    office = [s for s in load_sources() if s.name.startswith("office-sud-kz")]
    assert len(office) == 2 and all(s.court["form"]["css"] and s.court["next_button"] for s in office)
