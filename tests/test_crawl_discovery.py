"""Feeds, sitemaps (index + lastmod), listings, the feed→sitemap fallback, Telegram
previews and court notices, crawled from local servers into the right rows; then a
second run that fetches no stored article (conditional GET, unchanged sitemaps skipped)."""
import json
import sqlite3
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from crawler.demo_sites.server import DemoSites

from .fixtures.crawl import crawl, write_sources
from .fixtures.pages import (DEMO_COURT_CONFIG, SUD_COURT_CONFIG, sud_schedule_page, telegram_page,
                             telegram_photo_post, telegram_post)
from .fixtures.sites import HTML, XML, Site, article_html, article_text, rss, sitemapindex, urlset

STORY = article_text(1000, paragraphs=7)


def page(title, seed, **kw):
    return (200, HTML, article_html(title, article_text(seed), **kw).encode())


def feed_site() -> Site:
    site = Site()
    etag = '"feed-v1"'

    def feed(handler, query):
        if handler.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        items = [(site.url("/news/1-first"), "Первая", datetime(2024, 10, 1, tzinfo=timezone.utc)),
                 (site.url("/news/2-second?utm_source=telegram&utm_medium=social"), "Вторая",
                  datetime(2024, 10, 2, tzinfo=timezone.utc)),
                 (site.url("/news/3-future"), "Будущая", datetime(2024, 10, 3, tzinfo=timezone.utc)),
                 (site.url("/news/4-story"), "История", datetime(2024, 10, 4, tzinfo=timezone.utc))]
        return 200, {**XML, "ETag": etag}, rss(items)

    site.routes.update({
        "/feed.xml": feed,
        "/news/1-first": page("Первая новость", 1),
        "/news/2-second": page("Вторая новость", 2),
        "/news/3-future": page("Новость из будущего", 3, published="2099-01-01T10:00:00+05:00"),
        "/news/4-story": (200, HTML, article_html("Акимат отказал редакции", STORY,
                                                  header="Ural Week", footer="© Ural Week 2024").encode()),
    })
    return site


def sitemap_site() -> Site:
    site = Site()
    site.routes.update({
        "/sitemap.xml": lambda h, q: (200, XML, sitemapindex([
            (site.url("/sitemap-2024-09.xml"), "2024-09-30"), (site.url("/sitemap-2024-10.xml"), "2024-10-05"),
            (site.url("/sitemap-2023-01.xml"), "2023-01-31")])),
        "/sitemap-2024-09.xml": lambda h, q: (200, XML, urlset([(site.url("/a/11"), "2024-09-10"),
                                                               (site.url("/a/12"), "2024-09-20")])),
        "/sitemap-2024-10.xml": lambda h, q: (200, XML, urlset([(site.url("/a/13"), "2024-10-04"),
                                                               (site.url("/a/14-reprint"), "2024-10-05")])),
        "/sitemap-2023-01.xml": lambda h, q: (200, XML, urlset([(site.url("/a/9"), "2023-01-10")])),
        "/a/9": page("Старая", 9, published="2023-01-10T10:00:00+05:00"),
        "/a/11": page("Одиннадцать", 11), "/a/12": page("Двенадцать", 12), "/a/13": page("Тринадцать", 13),
        # the same story republished with its own lead, header and footer
        "/a/14-reprint": (200, HTML, article_html(
            "Акимат отказал редакции (перепечатка)",
            ["Перепечатано с разрешения редакции Ural Week. Подписывайтесь на наш Telegram-канал."] + STORY
            + ["Если вы нашли ошибку, выделите текст и нажмите Ctrl+Enter."],
            header="Orda.kz", footer="© Orda.kz, при цитировании ссылка обязательна").encode()),
    })
    return site


def fallback_site() -> Site:
    site = Site()  # its feed is gone (404): the sitemap takes over; the listing is not needed
    site.routes.update({
        "/sitemap.xml": lambda h, q: (200, XML, urlset([(site.url("/f/21"), None), (site.url("/f/22"), None)])),
        "/f/21": page("Двадцать один", 21), "/f/22": page("Двадцать два", 22),
        "/news/": (200, HTML, b"<html><body><a href='/f/23'>x</a></body></html>"),
    })
    return site


def listing_site() -> Site:
    site = Site()
    links = ["/news/101-akimat", "/news/102-sud", "/news/103-sponsored-bank", "/private/104-draft",
             "/tag/sud/", "/about", "/news/?page=2"]
    site.routes.update({
        "/news/": (200, HTML, ("<html><body><nav><a href='/'>Главная</a></nav><ul>" + "".join(
            f"<li><a href='{link}'>Заголовок статьи номер {i}</a></li>" for i, link in enumerate(links))
            + "</ul></body></html>").encode()),
        "/news/101-akimat": page("Сто один", 101), "/news/102-sud": page("Сто два", 102),
        "/news/103-sponsored-bank": page("Реклама", 103), "/private/104-draft": page("Черновик", 104),
        "/about": page("О нас", 105),
    })
    return site


def telegram_site() -> Site:
    site = Site(robots="User-agent: *\nAllow: /\n")
    ch = "kazjournalist"
    newest = [telegram_post(ch, i, f"Пост {i}: суд оштрафовал журналиста<br/>Подробнее: "
                            f"<a href='https://vlast.kz/{i}'>vlast.kz/{i}</a>", f"2024-11-{i - 180:02d}T09:00:00+00:00",
                            views="1.5K") for i in range(201, 206)]
    older = [telegram_post(ch, i, f"Пост {i}: прокуратура вызвала редактора", f"2024-10-{i - 180:02d}T09:00:00+00:00",
                           views="845") for i in range(196, 200)]
    oldest = [telegram_post(ch, i, f"Пост {i}: давняя новость", "2023-05-01T09:00:00+00:00") for i in range(190, 195)]
    site.routes.update({
        f"/s/{ch}": (200, HTML, telegram_page(ch, newest + [telegram_photo_post(ch, 206, "2024-11-27T09:00:00+00:00")], 201)),
        f"/s/{ch}?before=201": (200, HTML, telegram_page(ch, older, 196)),
        f"/s/{ch}?before=196": (200, HTML, telegram_page(ch, oldest, 190)),
        f"/s/{ch}?before=190": (200, HTML, telegram_page(ch, [], None)),
    })
    return site


def sud_site() -> Site:
    site = Site(robots="User-agent: *\nDisallow: /admin/\n")
    court = "Специализированный межрайонный суд по административным правонарушениям г. Алматы"
    first = [
        {"when": "18.11.2024 10:00", "case": "7594-24-00-4/101", "parties": "Лицо, привлекаемое к ответственности: "
         "главный редактор газеты «Алатау» Сеитов Б.", "article": "ч. 3 ст. 456-2 КоАП РК", "judge": "Ахметов А."},
        {"when": "18.11.2024 11:00", "case": "7594-24-00-4/102", "parties": "Иванов И. И.",
         "article": "ч. 1 ст. 610 КоАП РК (нарушение правил дорожного движения)", "judge": "Ахметов А."},
        {"when": "18.11.2024 12:00", "case": "7594-24-00-4/103", "parties": "Истец: Омаров К.; ответчик: журналист "
         "Смагулова Д.", "article": "ст. 143 ГК РК", "judge": "Ким В."},
    ]
    second = [{"when": "19.11.2024 09:30", "case": "7594-24-00-4/110", "parties": "Блогер Жанибеков Д.",
               "article": "ч. 1 ст. 73-3 КоАП РК", "judge": "Ким В."},
              {"when": "19.11.2024 10:30", "case": "7594-24-00-4/111", "parties": "ТОО «Строй»",
               "article": "ст. 95 Земельного кодекса", "judge": "Ким В."}]
    site.routes.update({
        "/ru/schedule": (200, HTML, sud_schedule_page(court, first, next_page="/ru/schedule?page=2")),
        "/ru/schedule?page=2": (200, HTML, sud_schedule_page(court, second)),
    })
    return site


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("discovery")
    db = tmp / "crawl.db"
    sites = SimpleNamespace(feed=feed_site(), sitemap=sitemap_site(), fallback=fallback_site(),
                            listing=listing_site(), telegram=telegram_site(), sud=sud_site())
    for site in vars(sites).values():
        site.start()
    with DemoSites() as demo:
        sources = write_sources(tmp / "sources.yaml", [
            {"name": "feed-site", "language": "ru", "feeds": [sites.feed.url("/feed.xml")]},
            {"name": "sitemap-site", "languages": ["ru"], "sitemaps": [sites.sitemap.url("/sitemap.xml")]},
            {"name": "fallback-site", "feeds": [sites.fallback.url("/feed.xml")],
             "sitemaps": [sites.fallback.url("/sitemap.xml")], "start_urls": [sites.fallback.url("/news/")]},
            {"name": "listing-site", "start_urls": [sites.listing.url("/news/")],
             "link_allow": [r"/news/\d+-"], "link_deny": ["sponsored"]},
            {"name": "tg-kazjournalist", "kind": "telegram", "channel": "kazjournalist",
             "base_url": sites.telegram.base, "max_pages": 5},
            {"name": "sud-almaty", "kind": "court", "start_urls": [sites.sud.url("/ru/schedule")],
             "court": SUD_COURT_CONFIG},
            {"name": "demo-court", "kind": "court", "start_urls": [demo.base_urls["court-notices"] + "/hearings/"],
             "court": DEMO_COURT_CONFIG},
        ])
        first = crawl(db, sources, "--since", "2024-01-01")
        marks = {name: len(site.log) for name, site in vars(sites).items()}
        second = crawl(db, sources, "--since", "2024-01-01")
        hearings = demo.hearings()
    for site in vars(sites).values():
        site.stop()
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    yield SimpleNamespace(db=conn, first=first, second=second, sites=sites, marks=marks, hearings=hearings)


def urls(crawled, source):
    return {r["url"] for r in crawled.db.execute("SELECT url FROM articles WHERE source = ?", [source])}


def second_run_paths(crawled, name):
    site = getattr(crawled.sites, name)
    return [r["path"] for r in site.log[crawled.marks[name]:]]


def test_both_crawls_succeed(crawled):
    assert crawled.first.returncode == 0, crawled.first.stderr[-3000:]
    assert crawled.second.returncode == 0, crawled.second.stderr[-3000:]
    assert "stored 0 new articles" in crawled.second.stdout


def test_feed_articles_are_stored_under_canonical_urls(crawled):
    site = crawled.sites.feed
    assert urls(crawled, "feed-site") == {site.url(p) for p in ("/news/1-first", "/news/2-second",
                                                                "/news/3-future", "/news/4-story")}


def test_a_publication_date_in_the_future_is_not_stored(crawled):
    (row,) = crawled.db.execute("SELECT published FROM articles WHERE url LIKE '%/news/3-future'")
    assert row["published"] is None
    (row,) = crawled.db.execute("SELECT published FROM articles WHERE url LIKE '%/news/1-first'")
    assert row["published"].startswith("2024-10-01")


def test_sitemap_index_is_followed_and_entries_older_than_the_window_are_skipped(crawled):
    site = crawled.sites.sitemap
    assert urls(crawled, "sitemap-site") == {site.url(p) for p in ("/a/11", "/a/12", "/a/13", "/a/14-reprint")}
    assert "/sitemap-2023-01.xml" not in site.paths()  # lastmod 2023 < --since 2024-01-01
    assert "/a/9" not in site.paths()


def test_a_missing_feed_falls_back_to_the_sitemap_not_the_listing(crawled):
    site = crawled.sites.fallback
    assert urls(crawled, "fallback-site") == {site.url("/f/21"), site.url("/f/22")}
    assert "/news/" not in site.paths()


def test_listing_links_follow_the_sources_rules_and_robots_txt(crawled):
    site = crawled.sites.listing
    assert urls(crawled, "listing-site") == {site.url("/news/101-akimat"), site.url("/news/102-sud")}
    fetched = site.paths()
    for never in ("/news/103-sponsored-bank", "/private/104-draft", "/about", "/tag/sud/"):
        assert never not in fetched


def test_telegram_posts_become_articles_across_preview_pages(crawled):
    base = crawled.sites.telegram.base
    rows = {r["url"]: dict(r) for r in crawled.db.execute(
        "SELECT url, title, text, published, author FROM articles WHERE source = 'tg-kazjournalist'")}
    assert set(rows) == {f"{base}/kazjournalist/{i}" for i in [*range(196, 200), *range(201, 206)]}
    post = rows[f"{base}/kazjournalist/203"]
    assert post["title"] == "Пост 203: суд оштрафовал журналиста"
    assert "vlast.kz/203" in post["text"] and post["published"].startswith("2024-11-23")
    assert post["author"] == "@kazjournalist"
    # the page of 2023 posts is outside the window: fetched once, nothing stored, no further page
    assert "/s/kazjournalist?before=190" not in crawled.sites.telegram.paths()


def test_court_notices_matching_the_articles_and_keywords_are_stored_with_their_fields(crawled):
    rows = [dict(r) for r in crawled.db.execute("SELECT * FROM court_notices WHERE source = 'sud-almaty'")]
    assert {r["case_number"] for r in rows} == {"7594-24-00-4/101", "7594-24-00-4/103", "7594-24-00-4/110"}
    (defamation,) = [r for r in rows if r["case_number"] == "7594-24-00-4/103"]
    assert defamation["court"].startswith("Специализированный межрайонный суд")
    assert (defamation["date"], defamation["time"], defamation["judge"]) == ("2024-11-18", "12:00", "Ким В.")
    assert "журналист Смагулова" in defamation["parties"] and "ГК 143" in json.loads(defamation["matched"])


def test_demo_court_portal_yields_exactly_its_media_hearings(crawled):
    stored = {r["case_number"] for r in crawled.db.execute(
        "SELECT case_number FROM court_notices WHERE source = 'demo-court'")}
    assert stored == {h["case_no"] for h in crawled.hearings if h["media"]}


def test_second_run_fetches_no_stored_article_but_rereads_feeds(crawled):
    article_paths = {"/news/1-first", "/news/2-second", "/news/3-future", "/news/4-story", "/a/11", "/a/12",
                     "/a/13", "/a/14-reprint", "/f/21", "/f/22", "/news/101-akimat", "/news/102-sud"}
    for name in ("feed", "sitemap", "fallback", "listing"):
        assert not set(second_run_paths(crawled, name)) & article_paths, name
    feed_requests = crawled.sites.feed.requests_for("/feed.xml")
    assert len(feed_requests) == 2 and feed_requests[1]["headers"].get("If-None-Match") == '"feed-v1"'
    assert "/sitemap.xml" in second_run_paths(crawled, "sitemap")
    # child sitemaps unchanged since the first run are not fetched again
    assert not [p for p in second_run_paths(crawled, "sitemap") if p.startswith("/sitemap-")]
    assert second_run_paths(crawled, "telegram") == ["/robots.txt", "/s/kazjournalist"]
    assert crawled.db.execute("SELECT COUNT(*) FROM court_notices").fetchone()[0] == 7


def test_each_run_of_each_source_is_recorded(crawled):
    runs = crawled.db.execute("SELECT source, COUNT(*) n, SUM(new_items) new FROM crawl_runs GROUP BY source")
    by_source = {r["source"]: (r["n"], r["new"]) for r in runs}
    assert by_source["feed-site"] == (2, 4) and by_source["sud-almaty"] == (2, 3)
    assert len(by_source) == 7


def test_a_republished_story_is_linked_to_the_original(crawled):
    rows = {r["url"].rsplit("/", 1)[1]: r["story_id"] for r in crawled.db.execute(
        "SELECT url, story_id FROM articles WHERE url LIKE '%story' OR url LIKE '%reprint' OR url LIKE '%/a/1_'")}
    assert rows["4-story"] == rows["14-reprint"]
    assert len({rows["11"], rows["12"], rows["13"], rows["4-story"]}) == 4
