"""Demo news sites for sozwatch: fictional outlets served on 127.0.0.1.

    python -m crawler.demo_sites.server [--port-base N]

Content lives in outlets/<slug>/ (site.yaml + articles.yaml, or hearings.yaml for the
court portal), HTML in templates/. Each site gets its own ThreadingHTTPServer.
"""
from __future__ import annotations

import argparse
import threading
import time
import xml.etree.ElementTree as ET
import zlib
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import jinja2
import yaml

HERE = Path(__file__).resolve().parent
PER_PAGE = 10
FEED_SIZE = 15
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ET.register_namespace("", ATOM_NS)

ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                         autoescape=True, trim_blocks=True, lstrip_blocks=True)
MONTHS = {
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(),
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split(),
    "en": "January February March April May June July August September October November December".split(),
}
COMMENTS = {  # small pool; 2-4 picked per article, deterministically
    "kk": [("Асқар", "Дұрыс жазылған, рахмет!"), ("Гүлжан", "Біздің ауылда да дәл осындай жағдай."),
           ("Нұрлан_А", "Әкімдік бұған не дейді екен?"), ("Мадина", "Жалғасын күтеміз."),
           ("qonaq77", "Мұны бәрі біледі, бірақ ешкім ештеңе істемейді."), ("Ерболат", "Фотосы бар ма?")],
    "ru": [("Сергей К.", "Спасибо, что пишете об этом."), ("Айжан", "У нас во дворе то же самое."),
           ("гость_2024", "А что говорят в акимате?"), ("Людмила", "Ждём продолжения."),
           ("Марат", "Всё как всегда, ничего не изменится."), ("Олег", "Хорошая статья, поделился с соседями.")],
    "en": [("Aidana", "Thank you for covering this."), ("J. Miller", "Is there an official response yet?"),
           ("steppe_reader", "Same situation in my town."), ("Bolat", "Please follow up on this story."),
           ("anon_almaty", "Nothing will change, as usual."), ("Rachel T.", "Great reporting, shared it.")],
}


def render(name: str, **ctx) -> str:
    return ENV.get_template(name).render(**ctx)


def human_date(dt: datetime, lang: str) -> str:
    m = MONTHS[lang][dt.month - 1]
    if lang == "en":
        return f"{m} {dt.day}, {dt.year}, {dt:%H:%M}"
    return f"{dt.day} {m} {dt.year}, {dt:%H:%M}"


def xml_bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def rss_xml(title: str, link: str, description: str, lang: str, items: list[dict]) -> bytes:
    rss = ET.Element("rss", version="2.0")
    ch = ET.SubElement(rss, "channel")
    for tag, text in (("title", title), ("link", link + "/"), ("description", description),
                      ("language", lang), ("lastBuildDate", format_datetime(items[0]["dt"]))):
        ET.SubElement(ch, tag).text = text
    for a in items:
        it = ET.SubElement(ch, "item")
        ET.SubElement(it, "title").text = a["title"]
        ET.SubElement(it, "link").text = a["url"]
        ET.SubElement(it, "description").text = a["teaser"]
        ET.SubElement(it, "pubDate").text = format_datetime(a["dt"])
        ET.SubElement(it, "guid", isPermaLink="true").text = a["url"]
        ET.SubElement(it, "category").text = a["section"]
    return xml_bytes(rss)


def atom_xml(title: str, link: str, items: list[dict]) -> bytes:
    q = lambda t: f"{{{ATOM_NS}}}{t}"  # noqa: E731
    feed = ET.Element(q("feed"))
    ET.SubElement(feed, q("title")).text = title
    ET.SubElement(feed, q("id")).text = link + "/"
    ET.SubElement(feed, q("link"), href=link + "/")
    ET.SubElement(feed, q("link"), href=link + "/atom.xml", rel="self")
    ET.SubElement(feed, q("updated")).text = items[0]["published"]
    for a in items:
        e = ET.SubElement(feed, q("entry"))
        ET.SubElement(e, q("title")).text = a["title"]
        ET.SubElement(e, q("link"), href=a["url"])
        ET.SubElement(e, q("id")).text = a["url"]
        ET.SubElement(e, q("published")).text = a["published"]
        ET.SubElement(e, q("updated")).text = a["published"]
        ET.SubElement(ET.SubElement(e, q("author")), q("name")).text = a["author"]
        ET.SubElement(e, q("summary")).text = a["teaser"]
    return xml_bytes(feed)


def urlset_xml(entries: list[tuple[str, str | None]]) -> bytes:
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    for loc, lastmod in entries:
        u = ET.SubElement(root, "url")
        ET.SubElement(u, "loc").text = loc
        if lastmod:
            ET.SubElement(u, "lastmod").text = lastmod
    return xml_bytes(root)


def sitemapindex_xml(entries: list[tuple[str, str]]) -> bytes:
    root = ET.Element("sitemapindex", xmlns=SITEMAP_NS)
    for loc, lastmod in entries:
        s = ET.SubElement(root, "sitemap")
        ET.SubElement(s, "loc").text = loc
        ET.SubElement(s, "lastmod").text = lastmod
    return xml_bytes(root)


class Site:
    """One outlet: its config, its content and its routes."""

    def __init__(self, folder: Path):
        self.cfg = yaml.safe_load((folder / "site.yaml").read_text("utf-8"))
        self.slug, self.kind = self.cfg["slug"], self.cfg.get("kind", "news")
        self.base = ""  # set once the server is bound
        if self.kind == "court":
            self.hearings = yaml.safe_load((folder / "hearings.yaml").read_text("utf-8"))["hearings"]
            self.articles = []
            return
        arts = yaml.safe_load((folder / "articles.yaml").read_text("utf-8"))["articles"]
        arts.sort(key=lambda a: a["published"])
        for i, a in enumerate(arts):
            a["dt"] = datetime.fromisoformat(a["published"])
            a.setdefault("encoding", "utf-8")
            a["id"] = self.cfg.get("first_id", 1) + i
            a["path"] = self.cfg["article_url"].format(
                lang=a["lang"], id=a["id"], slug=a["slug"], section=a["section"],
                yyyy=f"{a['dt']:%Y}", mm=f"{a['dt']:%m}")
            a["date_text"] = human_date(a["dt"], a["lang"])
            first = a["body"][0]
            a["teaser"] = first if len(first) < 220 else first[:first.rfind(" ", 0, 210)] + "…"
        self.articles = arts[::-1]  # newest first
        self.by_path = {a["path"]: a for a in self.articles}
        self.tags = sorted({t for a in self.articles for t in a["tags"]})

    # -- helpers ---------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base + path

    def absolutize(self) -> None:
        for a in self.articles:
            a["url"] = self.url(a["path"])

    def tag_path(self, tag: str) -> str:
        return f"/tag/{quote(tag)}/"

    def page(self, name: str, **ctx) -> tuple[int, str, bytes]:
        ctx.update(site=self.cfg, base=self.base, tag_path=self.tag_path,
                   tags=self.tags if self.kind == "news" else [])
        return 200, "text/html; charset=utf-8", render(name, **ctx).encode("utf-8")

    def not_found(self) -> tuple[int, str, bytes]:
        return 404, "text/html; charset=utf-8", render("error.html", site=self.cfg).encode("utf-8")

    # -- routes ----------------------------------------------------------
    def handle(self, raw_path: str) -> tuple[int, str, bytes]:
        parts = urlsplit(raw_path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        if path == "/robots.txt":
            body = f"User-agent: *\nDisallow: /admin/\n\nSitemap: {self.url('/sitemap.xml')}\n"
            if self.kind == "court":
                body = "User-agent: *\nDisallow: /admin/\nAllow: /hearings/\n"
            return 200, "text/plain; charset=utf-8", body.encode("utf-8")
        if path == "/admin/" or path.startswith("/admin/"):
            return self.page("admin.html")
        if self.kind == "court":
            return self.court(path, query)
        try:
            page_no = max(1, int(query.get("page", ["1"])[0]))
        except ValueError:
            page_no = 1
        if path == "/":
            return self.listing(self.articles, 1, None, "/news/")
        if path == "/news/":
            return self.listing(self.articles, page_no, None, "/news/")
        if path.startswith("/tag/") and path.endswith("/"):
            tag = path[len("/tag/"):-1]
            items = [a for a in self.articles if tag in a["tags"]]
            return self.listing(items, page_no, tag, self.tag_path(tag)) if items else self.not_found()
        if path == self.cfg["feed"]["path"]:
            return self.feed()
        if path == "/sitemap.xml" or (path.startswith("/sitemap-") and path.endswith(".xml")):
            return self.sitemap(path)
        if path in self.by_path:
            return self.article(self.by_path[path])
        return self.not_found()

    def listing(self, items, page_no, tag, page_path):
        pages = max(1, -(-len(items) // PER_PAGE))
        if page_no > pages:
            return self.not_found()
        chunk = items[(page_no - 1) * PER_PAGE: page_no * PER_PAGE]
        return self.page(f"{self.cfg['template']}_listing.html", items=chunk, page_no=page_no,
                         pages=pages, tag=tag, page_path=page_path)

    def article(self, a):
        others = [o for o in self.articles if o is not a]
        others.sort(key=lambda o: (-len(set(o["tags"]) & set(a["tags"])), o["section"] != a["section"]))
        seed = zlib.crc32(a["slug"].encode())
        pool = COMMENTS[a["lang"]]
        comments = [dict(zip(("name", "text"), pool[(seed + k * 5) % len(pool)]),
                         when=human_date(a["dt"].replace(minute=(seed + 17 * k) % 60), a["lang"]))
                    for k in range(2 + seed % 3)]
        jsonld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"],
                  "datePublished": a["published"], "inLanguage": a["lang"], "mainEntityOfPage": a["url"],
                  "author": {"@type": "Person", "name": a["author"]},
                  "publisher": {"@type": "Organization", "name": self.cfg["name"]}}
        html = render(f"{self.cfg['template']}_article.html", site=self.cfg, base=self.base, a=a,
                      related=others[:4], comments=comments, jsonld=jsonld, tag_path=self.tag_path,
                      tags=self.tags, charset=a["encoding"])
        if a["encoding"] != "utf-8":  # legacy page: no charset in the header, only in <meta>
            return 200, "text/html", html.encode(a["encoding"], errors="xmlcharrefreplace")
        return 200, "text/html; charset=utf-8", html.encode("utf-8")

    def feed(self):
        items = self.articles[:FEED_SIZE]
        if self.cfg["feed"]["kind"] == "atom":
            return 200, "application/atom+xml; charset=utf-8", atom_xml(self.cfg["name"], self.base, items)
        return 200, "application/rss+xml; charset=utf-8", rss_xml(
            self.cfg["name"], self.base, self.cfg["description"], self.cfg["language"], items)

    def sitemap(self, path):
        months = sorted({a["published"][:7] for a in self.articles})
        xml = "application/xml; charset=utf-8"
        if self.cfg["sitemap"]["kind"] == "index":
            if path == "/sitemap.xml":
                return 200, xml, sitemapindex_xml(
                    [(self.url(f"/sitemap-{m}.xml"),
                      max(a["published"] for a in self.articles if a["published"].startswith(m)))
                     for m in months])
            month = path[len("/sitemap-"):-len(".xml")]
            if month not in months:
                return self.not_found()
            return 200, xml, urlset_xml([(a["url"], a["published"]) for a in self.articles
                                         if a["published"].startswith(month)])
        if path != "/sitemap.xml":
            return self.not_found()
        entries = [(a["url"], a["published"]) for a in self.articles]
        if self.cfg["sitemap"].get("list_pages"):  # real sites list non-article pages too
            newest = self.articles[0]["published"]
            entries = [(self.url("/"), newest), (self.url("/news/?page=2"), newest),
                       (self.url(self.tag_path(self.articles[0]["tags"][0])), newest)] + entries
        return 200, xml, urlset_xml(entries)

    def court(self, path, query):
        if path == "/":
            return self.page("court.html", hearings=None, dates=sorted({h["date"] for h in self.hearings}))
        if path == "/hearings/":
            date = query.get("date", [None])[0]
            rows = [h for h in self.hearings if date in (None, h["date"])]
            return self.page("court.html", hearings=rows, date=date,
                             dates=sorted({h["date"] for h in self.hearings}))
        return self.not_found()


def make_handler(site: Site, log: list, lock: threading.Lock):
    class Handler(BaseHTTPRequestHandler):
        server_version = "nginx/1.24.0"
        sys_version = ""

        def do_GET(self, head=False):
            with lock:
                log.append((site.slug, self.path))
            status, ctype, body = site.handle(self.path)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET(head=True)

        def log_message(self, *args):  # keep test output quiet
            pass

    return Handler


class DemoSites:
    """All demo sites, each on its own port. Use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", port_base: int | None = None):
        self.host, self.port_base = host, port_base
        self.sites = [Site(d) for d in sorted((HERE / "outlets").iterdir()) if (d / "site.yaml").exists()]
        self.base_urls: dict[str, str] = {}
        self.request_log: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []

    def start(self) -> "DemoSites":
        for i, site in enumerate(self.sites):
            port = 0 if self.port_base is None else self.port_base + i
            srv = ThreadingHTTPServer((self.host, port), make_handler(site, self.request_log, self._lock))
            srv.daemon_threads = True
            site.base = f"http://{self.host}:{srv.server_address[1]}"
            site.absolutize()
            self.base_urls[site.slug] = site.base
            threading.Thread(target=srv.serve_forever, name=f"demo-{site.slug}", daemon=True).start()
            self._servers.append(srv)
        return self

    def stop(self) -> None:
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        self._servers.clear()

    def __enter__(self) -> "DemoSites":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def news_sites(self) -> list[Site]:
        return [s for s in self.sites if s.kind == "news"]

    def write_sources(self, path) -> None:
        sources = [{"name": s.slug, "title": s.cfg["name"], "language": s.cfg["language"],
                    "feeds": [s.url(s.cfg["feed"]["path"])], "sitemaps": [s.url("/sitemap.xml")],
                    "start_urls": [s.url("/")], "allowed_domains": [self.host],
                    # the demo feeds carry only the newest 15 articles: read the sitemaps too
                    "discovery": "all"}
                   for s in self.news_sites()]
        Path(path).write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True, sort_keys=False),
                              encoding="utf-8")

    def articles(self) -> list[dict]:
        return [{"site": s.slug, "url": a["url"], "lang": a["lang"], "title": a["title"],
                 "labels": list(a["labels"]), "encoding": a["encoding"],
                 "published": a["published"], "author": a["author"]}
                for s in self.news_sites() for a in s.articles]

    def hearings(self) -> list[dict]:
        return [dict(h, site=s.slug, url=s.url("/hearings/"))
                for s in self.sites if s.kind == "court" for h in s.hearings]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Serve the sozwatch demo sites until Ctrl-C.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port-base", type=int, default=None, help="first port (default: free ports)")
    args = ap.parse_args(argv)
    with DemoSites(args.host, args.port_base) as demo:
        for slug, url in demo.base_urls.items():
            print(f"{slug:18} {url}/")
        print("Ctrl-C to stop.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
