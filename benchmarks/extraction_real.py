"""Benchmark: extraction quality on 300 real-world pages, crawled through the real spider and
pipelines, against trafilatura alone on the same pages in the same run.

    .venv/bin/python benchmarks/extraction_real.py [--realweb DIR] [--out FILE.json]

The pages and their gold snippets are ../shared/realweb/ (next to the repository; its README
says where they come from and how to score). Each page is served on 127.0.0.1 at its original
path (so address rules see real addresses), all of them listed in one sitemap; `sozwatch crawl
--no-classify` crawls that sitemap into a fresh database. The text stored for each page is
scored the way trafilatura's own evaluation scores (all pages together: a `with` snippet found
is a true positive, a `without` snippet found a false positive; a page not stored is empty
text), and so is trafilatura's `extract()` with default settings on the same bytes.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_REALWEB = ROOT.parent / "shared" / "realweb"
FAST_CRAWL = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "32",
              "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "SOZWATCH_PROGRESS": "off", "LOG_LEVEL": "WARNING"}


@dataclass
class Page:
    file: str
    path: str        # where it is served: its original path and query, or /<file> when it has none
    body: bytes
    with_: list[str]
    without: list[str]


def load_pages(realweb: Path) -> list[Page]:
    from crawler.urls import url_key
    gold = json.loads((realweb / "gold.json").read_text(encoding="utf-8"))
    pages, keys = [], set()
    for entry in gold:
        parts = urlsplit(entry["url"].strip())
        path = "/" + parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
        # an entry without a real address, or one that would be the same page as another: its file name
        if parts.scheme not in ("http", "https") or url_key("http://127.0.0.1" + path) in keys:
            path = "/" + entry["file"]
        keys.add(url_key("http://127.0.0.1" + path))
        pages.append(Page(entry["file"], path, (realweb / "pages" / entry["file"]).read_bytes(),
                          entry["with"], entry["without"]))
    return pages


def serve(pages: list[Page]) -> tuple[ThreadingHTTPServer, str]:
    """The pages (bytes untouched, no charset in the header) and a sitemap of them; robots.txt 404."""
    by_path = {unquote(p.path): p for p in pages}
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sitemap = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               + "".join(f"<url><loc>{escape(base + p.path)}</loc></url>" for p in pages) + "</urlset>").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            if self.path == "/sitemap.xml":
                body, kind = sitemap, "application/xml"
            elif (page := by_path.get(unquote(self.path))) is not None:
                body, kind = page.body, "text/html"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server.RequestHandlerClass = Handler
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def score(pages: list[Page], texts: dict[str, str]) -> dict:
    tp = fn = fp = 0
    for page in pages:
        text = texts.get(page.file) or ""
        found = sum(snippet in text for snippet in page.with_)
        tp, fn = tp + found, fn + len(page.with_) - found
        fp += sum(snippet in text for snippet in page.without)
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 3), "tp": tp, "fp": fp, "fn": fn}


def crawl(pages: list[Page], base: str, folder: Path) -> dict:
    """`sozwatch crawl` of the sitemap; {file: stored text}, refusals per reason, pages not stored."""
    from crawler.urls import url_key
    sources = folder / "sources.yaml"
    sources.write_text(f"sources:\n  - name: realweb\n    sitemaps: ['{base}/sitemap.xml']\n", encoding="utf-8")
    db = folder / "realweb.db"
    args = [sys.executable, "-m", "sozwatch.cli", "--db", str(db), "crawl", "--sources", str(sources), "--no-classify"]
    for name, value in FAST_CRAWL.items():
        args += ["-s", f"{name}={value}"]
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=1800,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"extraction_real: the crawl failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    file_of = {url_key(base + p.path): p.file for p in pages}
    conn = sqlite3.connect(db)
    try:
        texts = {file_of.get(url_key(url), url): text for url, text in conn.execute("SELECT url, text FROM articles")}
        partial = conn.execute("SELECT COUNT(*) FROM articles WHERE partial = 1").fetchone()[0]
        (refusals,) = conn.execute("SELECT refusals FROM crawl_runs WHERE source = 'realweb'").fetchone()
        outcomes = {file_of.get(key, url): outcome for key, url, outcome in
                    conn.execute("SELECT key, url, outcome FROM seen_urls WHERE outcome != 'article'")}
    finally:
        conn.close()
    missing = {p.file: outcomes.get(p.file, "not fetched") for p in pages if p.file not in texts}
    return {"texts": texts, "refusals": json.loads(refusals), "not_stored": missing, "partial": partial,
            "seconds": round(seconds, 1), "summary": (done.stdout.strip().splitlines() or ["?"])[-1]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--realweb", type=Path, default=DEFAULT_REALWEB,
                        help=f"the real pages and gold snippets (default: {DEFAULT_REALWEB})")
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if not (args.realweb / "gold.json").is_file() or not (args.realweb / "pages").is_dir():
        print(f"extraction_real: no real pages at {args.realweb} (expected gold.json and pages/ there; "
              "they are shared data next to the repository, not part of it): pass --realweb DIR", file=sys.stderr)
        return 2
    import trafilatura

    pages = load_pages(args.realweb)
    server, base = serve(pages)
    try:
        with tempfile.TemporaryDirectory() as folder:
            ours = crawl(pages, base, Path(folder))
    finally:
        server.shutdown()
    started = time.perf_counter()
    reference = {p.file: trafilatura.extract(p.body) or "" for p in pages}
    reference_seconds = round(time.perf_counter() - started, 1)
    figures = {
        "pages": len(pages), "stored": len(ours["texts"]), "partial": ours["partial"],
        "refusals": ours["refusals"], "not_stored": ours["not_stored"],
        "sozwatch": score(pages, ours["texts"]), "trafilatura": score(pages, reference),
        "crawl_seconds": ours["seconds"], "trafilatura_seconds": reference_seconds,
    }
    refused = ", ".join(f"{k} {v}" for k, v in sorted(Counter(ours["refusals"]).items())) or "none"
    print(f"{len(pages)} real pages from {args.realweb}, served on {base}")
    print(f"crawl (news spider, sitemap, all pipelines, --no-classify): stored {figures['stored']} of {len(pages)} "
          f"in {ours['seconds']} s; refused: {refused}; marked partial (paywall): {ours['partial']}")
    print(f"  its summary line: {ours['summary']}")
    for file, outcome in sorted(ours["not_stored"].items()):
        print(f"  not stored: {file} ({outcome})")
    print(f"{'':<34}{'precision':>10}{'recall':>8}{'F1':>7}")
    for label, key in (("sozwatch, the text it stored", "sozwatch"), ("trafilatura alone, defaults", "trafilatura")):
        s = figures[key]
        print(f"{label:<34}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>7.3f}")
    gap = figures["sozwatch"]["f1"] - figures["trafilatura"]["f1"]
    print(f"F1 difference (sozwatch - trafilatura): {gap:+.3f}")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
