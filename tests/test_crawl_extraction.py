"""Extraction in a real crawl: articles with links in their paragraphs, short briefs and paywall
stubs are stored (the stub marked partial, with a badge for monitors); listing pages, listing
addresses and empty pages are refused, and every refusal is counted per reason in the run's
`crawl_runs` row, the crawl's summary line and `sozwatch sources status`."""
import json
import sqlite3
import subprocess
from types import SimpleNamespace

import pytest

from .browser.support import item_id_by_url, signed_in_client
from .conftest import ROOT, sozwatch_cmd
from .fixtures.crawl import crawl, write_sources
from .fixtures.sites import HTML, Site, article_text, urlset

NAV = '<header><nav><a href="/">Басты бет</a> <a href="/ru/">Главная</a> <a href="/ru/politika/">Политика</a></nav></header>'
FOOTER = "<footer>© Степной вестник, 2024. Перепечатка только со ссылкой.</footer>"


def page(title: str, body: str, head: str = "") -> bytes:
    return (f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
            f"<body>{NAV}{body}{FOOTER}</body></html>").encode()


QUOTED = ["суд по делу редактора газеты", "аким области встретился с журналистами",
          "прокуратура начала проверку по жалобе", "маслихат утвердил бюджет на следующий год",
          "полиция задержала участников мирного митинга", "министерство отозвало аккредитацию у корреспондента",
          "блогера оштрафовали за пост в соцсетях", "телеканал приостановил вещание в регионе"]


def linked_article() -> bytes:
    """No metadata saying "article": each paragraph quotes other stories by their headlines, inside
    its sentences (the old detector counted 6 such links as a listing)."""
    paragraphs = []
    for i, text in enumerate(article_text(31, paragraphs=4)):
        head, tail = text.split(" ", 8)[:8], text.split(" ", 8)[8]
        paragraphs.append(f'<p>{" ".join(head)} <a href="/ru/news/{i}a">{QUOTED[2 * i]}</a> {tail} '
                          f'Ранее мы писали, что <a href="/ru/news/{i}b">{QUOTED[2 * i + 1]}</a>.</p>')
    return page("Редакция обжаловала решение суда", f'<div class="content"><h1>Редакция обжаловала решение суда</h1>'
                f'{"".join(paragraphs)}</div>')


def one_paragraph_with_a_link() -> bytes:
    """One paragraph, one link inside it (the old detector called it "100% teasers")."""
    text = " ".join(article_text(32, paragraphs=1)[0].split()[:30])
    return page("Депутат ответил на запрос", '<div class="content"><h1>Депутат ответил на запрос</h1>'
                f'<p>{text} — об этом сообщил <a href="/ru/news/7">пресс-секретарь маслихата Западно-Казахстанской области</a> '
                "в среду на брифинге.</p></div>")


HEADLINES = ["Аким области встретился с журналистами региональных изданий",
             "В Уральске задержали блогера за пост о строительстве дороги",
             "Суд оштрафовал редактора газеты за публикацию о депутате",
             "Журналистке отказали в аккредитации на сессию маслихата",
             "Полиция проверит сообщение о нападении на оператора",
             "Министерство ответило на запрос редакции о лицензии",
             "В Атырау прошёл форум региональных СМИ и блогеров",
             "Фотокорреспондента не пустили на открытое заседание суда"]


def listing_page() -> bytes:
    """A category page as Kazakh news sites make them: cards of date, headline link and lead."""
    cards = "".join(
        f'<div class="news-item"><a href="/ru/news/{i}"><img src="/img/{i}.jpg" alt=""></a>'
        f'<span class="date">1{i}.09.2024</span><h3><a href="/ru/news/{i}">{h}</a></h3>'
        f'<p class="lead">{" ".join(article_text(40 + i, paragraphs=1)[0].split()[:18])}.</p></div>'
        for i, h in enumerate(HEADLINES))
    return page("Политика — Степной вестник", f'<main><h1>Политика</h1>{cards}</main>',
                head='<meta property="og:type" content="website">')


# 121 characters, 186 with its headline: a real brief's length
BRIEF_TITLE = "Оралда тілшіге ашық сот отырысын бейнеге түсіруге рұқсат бермеді"
BRIEF = ("Орал қалалық сотында «Жайық Пресс» тілшісіне ашық сот отырысын бейнеге түсіруге рұқсат берілмеді. "
         "Редакция шағым түсірді.")


def brief() -> bytes:
    return page(BRIEF_TITLE, f'<main><h1>{BRIEF_TITLE}</h1><time datetime="2024-09-12">12.09.2024</time>'
                f"<p>{BRIEF}</p></main>",
                head='<meta property="og:type" content="article">'
                     '<meta property="article:published_time" content="2024-09-12T10:00:00+05:00">')


TEASER = " ".join(article_text(50, paragraphs=1)[0].split()[:34])


def paywall_stub() -> bytes:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Расследование: куда ушли деньги",
          "isAccessibleForFree": False, "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False,
                                                    "cssSelector": ".paywall"}}
    return page("Расследование: куда ушли деньги",
                f'<article><h1>Расследование: куда ушли деньги</h1><p>{TEASER}</p>'
                '<div class="paywall"><p>Продолжение доступно подписчикам.</p></div></article>',
                head=f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')


PAGES = {"/ru/news/linked": linked_article(), "/ru/news/one-paragraph": one_paragraph_with_a_link(),
         "/ru/politika/latest.html": listing_page(), "/kk/news/brief": brief(), "/ru/news/investigation": paywall_stub(),
         "/tag/sud/": linked_article(),
         "/ru/news/gone": page("Страница не найдена", "<main><p>Страница не найдена.</p></main>")}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("extraction")
    with Site() as site:
        site.routes.update({path: (200, HTML, body) for path, body in PAGES.items()})
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"},
                                       urlset([(site.url(path), None) for path in PAGES]))
        sources = write_sources(tmp / "sources.yaml", [{"name": "vestnik", "sitemaps": [site.url("/sitemap.xml")]}])
        result = crawl(tmp / "crawl.db", sources)
        status = subprocess.run([*sozwatch_cmd(), "--db", str(tmp / "crawl.db"), "sources", "status",
                                 "--sources", str(sources)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    conn = sqlite3.connect(tmp / "crawl.db")
    conn.row_factory = sqlite3.Row
    articles = {row["url"][len(site.base):]: dict(row) for row in conn.execute("SELECT * FROM articles")}
    (run,) = conn.execute("SELECT refusals, new_items FROM crawl_runs WHERE source = 'vestnik'")
    yield SimpleNamespace(articles=articles, refusals=json.loads(run["refusals"]), new=run["new_items"],
                          summary=result.stdout, status=status)
    conn.close()


@pytest.mark.parametrize("path", ["/ru/news/linked", "/ru/news/one-paragraph"])
def test_articles_with_links_inside_their_paragraphs_are_stored(crawled, path):
    assert path in crawled.articles
    assert all(quoted in crawled.articles["/ru/news/linked"]["text"] for quoted in QUOTED)


def test_a_category_page_of_headline_cards_is_still_refused_as_a_listing(crawled):
    assert "/ru/politika/latest.html" not in crawled.articles
    assert crawled.refusals["listing_page"] == 1


def test_a_short_kazakh_brief_with_its_headline_is_stored(crawled):
    stored = crawled.articles["/kk/news/brief"]
    assert len(BRIEF) == 121 and BRIEF in stored["text"]
    assert stored["title"] == BRIEF_TITLE and stored["partial"] == 0


def test_a_paywall_stub_is_stored_and_marked_partial(crawled):
    stored = crawled.articles["/ru/news/investigation"]
    assert TEASER in stored["text"] and stored["partial"] == 1
    assert crawled.articles["/ru/news/linked"]["partial"] == 0


def test_every_refusal_is_counted_per_reason_in_the_run(crawled):
    assert crawled.refusals == {"listing_page": 1, "listing_address": 1, "no_text": 1}
    assert crawled.new == 4 and len(crawled.articles) == 4


def test_the_summary_line_and_sources_status_show_the_refusals(crawled):
    assert "4 new articles" in crawled.summary
    assert "3 refused (listing_address 1, listing_page 1, no_text 1)" in crawled.summary
    assert crawled.status.returncode == 0, crawled.status.stderr
    (row,) = [line for line in crawled.status.stdout.splitlines() if line.startswith("vestnik")]
    assert "listing_address 1, listing_page 1, no_text 1" in row


def test_monitors_see_a_paywall_badge_on_a_partial_article_only(server):
    base, store = server
    partial_url, full_url = "https://kz.example/detained", "https://kz.example/site-blocked"
    store.db.execute("UPDATE articles SET partial = 1 WHERE url = ?", [partial_url])
    client = signed_in_client(base, "alice")
    marked = client.get(f"/items/{item_id_by_url(store, partial_url)}").text
    assert 'id="partial-badge"' in marked
    assert 'id="partial-badge"' not in client.get(f"/items/{item_id_by_url(store, full_url)}").text
