"""Bad input gets a clear log line and the crawl goes on (issue: end-to-end skeleton)."""
import sqlite3
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import ROOT, sozwatch_cmd

GOOD_TEXT = ("Полицейские в Павлодаре задержали корреспондента местного телеканала, который снимал "
             "сюжет о протекающей крыше детского сада. Журналиста продержали в отделе три часа. ") * 4
CP1251_TEXT = ("Акимат Семея отказался отвечать на запрос редакции о расходах на ремонт дорог. "
               "Журналисты ждут ответа уже второй месяц, хотя срок по закону — пятнадцать дней. ") * 4


def page(title: str, text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>{title}</title></head><body><article><h1>{title}</h1>" \
           f"<p>{text}</p></article></body></html>"


ROUTES = {
    "/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
    "/rss.xml": ("application/rss+xml; charset=utf-8", b""),  # filled in below
    "/good.html": ("text/html; charset=utf-8", page("Корреспондента задержали", GOOD_TEXT).encode()),
    "/empty.html": ("text/html; charset=utf-8", b"<html><body><nav>Menu</nav><p>Coming soon.</p></body></html>"),
    # windows-1251 bytes, no charset in the header and none in the page
    "/cp1251.html": ("text/html", page("Акимат не ответил на запрос", CP1251_TEXT).encode("cp1251")),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/rss.xml":
            base = f"http://127.0.0.1:{self.server.server_port}"
            items = "".join(f"<item><title>x</title><link>{base}{p}</link></item>"
                            for p in ("/good.html", "/empty.html", "/cp1251.html"))
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
            content_type = "application/rss+xml; charset=utf-8"
        elif self.path in ROUTES:
            content_type, body = ROUTES[self.path]
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, ):
    tmp = tmp_path_factory.mktemp("bad")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    import socket
    with socket.socket() as s:  # a port nobody listens on: the dead source
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    sources = tmp / "sources.yaml"
    sources.write_text(f"""sources:
  - name: dead-site
    language: ru
    feeds: ["http://127.0.0.1:{dead_port}/rss.xml"]
  - name: live-site
    language: ru
    feeds: ["http://127.0.0.1:{server.server_port}/rss.xml"]
""")
    db = tmp / "bad.db"
    result = subprocess.run([*sozwatch_cmd(), "--log-level", "INFO", "--db", str(db), "crawl", "--sources", str(sources)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    server.shutdown()
    yield result, sqlite3.connect(db)


def test_the_crawl_goes_on_and_stores_the_readable_articles(crawled):
    result, db = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    urls = sorted(u.rsplit("/", 1)[1] for (u,) in db.execute("SELECT url FROM articles"))
    assert urls == ["cp1251.html", "good.html"]


def test_an_unreachable_source_is_logged_by_name(crawled):
    result, _ = crawled
    assert any("dead-site" in line and ("refused" in line.lower() or "failed" in line.lower())
               for line in result.stderr.splitlines())


def test_a_page_without_article_text_is_logged_as_such(crawled):
    result, _ = crawled
    assert any("empty.html" in line and "no article text" in line for line in result.stderr.splitlines())


def test_a_non_utf8_page_without_charset_is_detected_logged_and_read(crawled):
    result, db = crawled
    assert any("cp1251.html" in line and "no charset declared" in line for line in result.stderr.splitlines())
    (text,) = db.execute("SELECT text FROM articles WHERE url LIKE '%cp1251.html'").fetchone()
    assert "Акимат Семея отказался" in text
