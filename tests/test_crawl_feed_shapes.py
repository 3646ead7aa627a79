"""Feeds and sites as real ones are, crawled from local servers: a gzip-compressed child
sitemap served as application/x-gzip, an RSS feed printing its links' `&` raw, article
pages whose JSON-LD gives the publication time with its zone, and a Telegram reply post."""
import gzip
import sqlite3
from types import SimpleNamespace

import pytest

from .fixtures.crawl import crawl, write_sources
from .fixtures.pages import telegram_page, telegram_post
from .fixtures.sites import HTML, XML, Site, article_html, article_text, sitemapindex, urlset

PUBLISHED = "2024-10-05T14:30:00+05:00"


def json_ld_article(title: str, seed: int) -> bytes:
    """An article whose visible date is the day only; the JSON-LD holds the full time."""
    html = article_html(title, article_text(seed), published="2024-10-05")
    ld = (f'<script type="application/ld+json">{{"@context": "https://schema.org", "@graph": ['
          f'{{"@type": "WebSite", "name": "x"}}, {{"@type": "NewsArticle", "headline": "{title}", '
          f'"datePublished": "{PUBLISHED}"}}]}}</script>')
    return html.replace("</head>", ld + "</head>").encode()


def sitemap_site() -> Site:
    site = Site()
    child = gzip.compress(urlset([(site.url("/a/gz-1"), "2024-10-05"), (site.url("/a/gz-2"), "2024-10-05")]))
    misnamed = gzip.compress(urlset([(site.url("/a/gz-3"), "2024-10-05")]))
    site.routes.update({
        "/sitemap.xml": lambda h, q: (200, XML, sitemapindex([(site.url("/sitemap-news.xml.gz"), "2024-10-05"),
                                                              (site.url("/sitemap-more.xml"), "2024-10-05")])),
        # a compressed file, not a compressed transfer: no Content-Encoding, so Scrapy leaves it packed
        "/sitemap-news.xml.gz": (200, {"Content-Type": "application/x-gzip"}, child),
        # packed all the same, under a plain name and a generic type
        "/sitemap-more.xml": (200, {"Content-Type": "application/octet-stream"}, misnamed),
        **{f"/a/gz-{i}": (200, HTML, json_ld_article(f"Из сжатой карты сайта {i}", 300 + i)) for i in (1, 2, 3)},
    })
    return site


def feed_site() -> Site:
    site = Site()

    def feed(handler, query):
        items = (f"<item><title>Сырой амперсанд</title><link>{site.url('/news.php')}?id=7&lang=ru&utm_source=rss"
                 f"&utm_medium=rss</link></item>"
                 f"<item><title>В CDATA</title><link><![CDATA[{site.url('/news.php')}?id=8&lang=kk]]></link></item>")
        return 200, XML, (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
                          f"{items}</channel></rss>").encode()

    def article(handler, query):
        number = query.get("id", ["0"])[0]
        return 200, HTML, article_html(f"Новость {number}", article_text(400 + int(number))).encode()

    site.routes.update({"/rss": feed, "/news.php": article})
    return site


def telegram_site() -> Site:
    site = Site()
    posts = [telegram_post("kazmedia", 50, "Аким района пообещал отремонтировать дорогу к селу до осени, "
                           "сообщила пресс-служба акимата.", "2024-11-20T09:00:00+00:00"),
             telegram_post("kazmedia", 51, "Дорогу так и не отремонтировали: жители села записали обращение "
                           "и отправили его в редакцию.", "2024-11-21T09:00:00+00:00",
                           reply_to=(50, "Аким района пообещал отремонтировать дорогу к селу до осени"))]
    site.routes["/s/kazmedia"] = (200, HTML, telegram_page("kazmedia", posts, before=None))
    return site


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shapes")
    sites = SimpleNamespace(sitemap=sitemap_site().start(), feed=feed_site().start(), telegram=telegram_site().start())
    sources = write_sources(tmp / "sources.yaml", [
        {"name": "gz-sitemap", "sitemaps": [sites.sitemap.url("/sitemap.xml")]},
        {"name": "raw-feed", "feeds": [sites.feed.url("/rss")]},
        {"name": "tg-kazmedia", "kind": "telegram", "channel": "kazmedia", "base_url": sites.telegram.base}])
    result = crawl(tmp / "crawl.db", sources)
    for site in vars(sites).values():
        site.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite3.connect(tmp / "crawl.db")
    db.row_factory = sqlite3.Row
    yield SimpleNamespace(db=db, sites=sites, result=result)
    db.close()


def stored(crawled, source: str) -> dict[str, dict]:
    return {r["url"]: dict(r) for r in crawled.db.execute("SELECT * FROM articles WHERE source = ?", [source])}


def test_articles_of_gzip_compressed_child_sitemaps_are_stored_whatever_their_name_or_type(crawled):
    site = crawled.sites.sitemap
    assert set(stored(crawled, "gz-sitemap")) == {site.url(f"/a/gz-{i}") for i in (1, 2, 3)}
    assert "is not a sitemap" not in crawled.result.stderr


def test_json_ld_publication_time_keeps_its_time_and_zone(crawled):
    assert {a["published"] for a in stored(crawled, "gz-sitemap").values()} == {PUBLISHED}


def test_a_raw_ampersand_in_a_feed_link_is_kept(crawled):
    paths = crawled.sites.feed.paths()
    assert "/news.php?id=7&lang=ru&utm_source=rss&utm_medium=rss" in paths
    assert "/news.php?id=8&lang=kk" in paths   # a link in CDATA stays as written
    site = crawled.sites.feed
    assert set(stored(crawled, "raw-feed")) == {site.url("/news.php?id=7&lang=ru"), site.url("/news.php?id=8&lang=kk")}


def test_a_telegram_reply_keeps_its_own_text_and_records_the_post_it_quotes(crawled):
    base = crawled.sites.telegram.base
    posts = stored(crawled, "tg-kazmedia")
    reply = posts[f"{base}/kazmedia/51"]
    assert reply["text"].startswith("Дорогу так и не отремонтировали") and "пообещал" not in reply["text"]
    assert reply["reply_to"] == "https://t.me/kazmedia/50"
    assert posts[f"{base}/kazmedia/50"]["reply_to"] is None
