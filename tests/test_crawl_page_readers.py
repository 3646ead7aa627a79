"""Pages read in worker processes (crawler/extract_workers.py): the crawl stores exactly what it
stores when it reads them itself, and a reading process that dies costs a warning, not the page."""
import asyncio
import logging
import sqlite3

from crawler.extract_workers import PageReader

from .fixtures.crawl import crawl, write_sources
from .fixtures.sites import HTML, XML, Site, article_html, article_text, urlset

KAZAKH = ["Облыстық сот аудандық газеттің редакторына қатысты істі қарап, шешімді келесі аптаға қалдырды.",
          "Редакция өкілдері сот отырысына кіргізілмегенін айтып, облыс прокуратурасына шағым түсірді.",
          "Прокуратура шағымды тіркегенін және он күн ішінде жауап беретінін хабарлады."]
ENGLISH = ["A district court in Uralsk postponed the hearing in the case against a local newspaper editor.",
           "The editor's lawyer said the court had refused to admit the newsroom's evidence without explanation.",
           "The next hearing is scheduled for the second week of November, the court's press office said."]
LISTING = "".join(f'<li><a href="/news/{i}">Новость номер {i} о событиях в области</a></li>' for i in range(40))


def site_routes(site: Site) -> dict:
    ru = article_text(71)
    pages = {
        "/news/ru": article_html("Суд отложил рассмотрение дела редактора", ru),
        "/news/ru-copy": article_html("Перепечатка: суд отложил дело редактора", ru[:4] + ["Источник: партнёры."]),
        "/news/kk": article_html("Сот редактор ісін кейінге қалдырды", KAZAKH),
        "/news/en": article_html("Court postpones editor's case", ENGLISH),
        "/news/list": f"<html><body><h1>Все новости</h1><ul>{LISTING}</ul></body></html>",
    }
    routes = {path: (200, HTML, html.encode()) for path, html in pages.items()}
    routes["/sitemap.xml"] = (200, XML, urlset([(site.url(path), None) for path in pages]))
    return routes


def stored(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, title, text, lang, published, partial, story_id, encoding "
                            "FROM articles ORDER BY url").fetchall()
        refused = conn.execute("SELECT refusals FROM crawl_runs").fetchone()[0]
    # story ids name the article that began the story: compare which articles share one
    first_of_story: dict[str, str] = {}
    return [(*row[:6], first_of_story.setdefault(row[6], row[0]), row[7]) for row in rows], refused


def test_pages_read_in_worker_processes_are_stored_as_when_the_crawl_reads_them(tmp_path):
    site = Site()
    site.routes.update(site_routes(site))
    with site:
        sources = write_sources(tmp_path / "sources.yaml", [{"name": "site", "sitemaps": [site.url("/sitemap.xml")]}])
        results = {}
        for processes in ("0", "2"):
            db = tmp_path / f"q{processes}.db"
            done = crawl(db, sources, settings={"SOZWATCH_EXTRACT_PROCESSES": processes})
            assert done.returncode == 0, done.stderr
            results[processes] = stored(db)
    articles, refusals = results["2"]
    assert (articles, refusals) == results["0"]
    assert {row[0].rsplit("/", 1)[1]: row[3] for row in articles} == {"ru": "ru", "ru-copy": "ru", "kk": "kk", "en": "en"}
    story = {row[0].rsplit("/", 1)[1]: row[6] for row in articles}
    assert story["ru"] == story["ru-copy"] != story["kk"]      # the reprint joined the story
    assert "listing" in refusals


PAGE = article_html("Суд отложил рассмотрение дела редактора", article_text(72)).encode()


def test_a_dead_page_reading_process_costs_a_warning_not_the_page(caplog):
    reader = PageReader(processes=1)
    try:
        first = asyncio.run(reader.read(PAGE, "http://127.0.0.1/a/1", "utf-8"))
        for process in list(reader._pool._processes.values()):
            process.kill()
            process.join(10)
        with caplog.at_level(logging.WARNING, logger="crawler.extract_workers"):
            second = asyncio.run(reader.read(PAGE, "http://127.0.0.1/a/2", "utf-8"))
        third = asyncio.run(reader.read(PAGE, "http://127.0.0.1/a/3", "utf-8"))   # a new pool
    finally:
        reader.close()
    assert first.article.text == second.article.text == third.article.text and second.lang == "ru"
    assert [r.getMessage() for r in caplog.records if "died" in r.getMessage()] == [
        "a page-reading process died (out of memory?): starting new ones; http://127.0.0.1/a/2 is read "
        "in the crawl process"]
