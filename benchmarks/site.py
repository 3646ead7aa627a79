"""A generated local news site for the crawl benchmark: N article pages (default 2,000) built from
the shipped kk/ru/en training texts, each unique, with a real page's boilerplate (navigation,
related links, footer), listed in one sitemap; served as static files on 127.0.0.1.

    .venv/bin/python benchmarks/site.py --out DIR [--articles 2000]     # write the files
    .venv/bin/python benchmarks/site.py --serve DIR --port P             # serve them
"""
from __future__ import annotations

import argparse
import functools
import json
import random
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "classifiers" / "data" / "train.jsonl"
NAV = ["Главная", "Саясат", "Экономика", "Қоғам", "Sport", "Culture", "Регионы", "Мнения"]


def _texts() -> list[str]:
    return [json.loads(line)["text"] for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def _page(i: int, title: str, paragraphs: list[str], related: list[int]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    nav = " ".join(f'<a href="/section/{n}">{n}</a>' for n in NAV)
    links = "".join(f'<li><a href="/news/{r}.html">Материал {r}</a></li>' for r in related)
    day = 1 + i % 28
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2025-03-{day:02d}T10:00:00+05:00">
<link rel="stylesheet" href="/s.css"><script>var analytics = {{id: {i}}};</script></head>
<body><header><nav>{nav}</nav><div class="banner">Подпишитесь на наш Telegram-канал</div></header>
<main><article><h1>{title}</h1><time datetime="2025-03-{day:02d}">{day:02d}.03.2025</time>
{body}</article><aside><h3>Читайте также</h3><ul>{links}</ul></aside></main>
<footer>© 2025 Редакция. Все права защищены. Перепечатка только со ссылкой. <a href="/about">О нас</a></footer>
</body></html>"""


def generate(out: Path, n: int, seed: int = 2025) -> Path:
    """Write n article pages, robots.txt and sitemap.xml under out; return out."""
    rng = random.Random(seed)
    texts = _texts()
    sentences = [s.strip() + "." for t in texts for s in t.replace("\n", " ").split(". ") if len(s) > 40]
    news = out / "news"
    news.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        base = texts[i % len(texts)]
        title, _, rest = base.partition("\n")
        paragraphs = [p for p in rest.split("\n") if p.strip()] or [rest]
        # each page unique (no two share a text) and a little longer than its source text
        paragraphs += [" ".join(rng.sample(sentences, 3)), f"Материал № {i} подготовлен редакцией."]
        related = rng.sample(range(n), 6)
        (news / f"{i}.html").write_text(_page(i, title[:150] or f"Новость {i}", paragraphs, related),
                                        encoding="utf-8")
    (out / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    urls = "".join(f"<url><loc>{{base}}/news/{i}.html</loc><lastmod>2025-03-{1 + i % 28:02d}</lastmod></url>"
                   for i in range(n))
    (out / "sitemap.template").write_text(
        '<?xml version="1.0" encoding="utf-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>")
    return out


def write_sitemap(out: Path, base: str) -> None:
    (out / "sitemap.xml").write_text((out / "sitemap.template").read_text().replace("{base}", base))


class QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass


def serve(folder: Path, port: int) -> None:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None   # a client hanging up is not news
    print("serving", flush=True)
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--serve", type=Path)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
    elif args.out:
        generate(args.out, args.articles)
    else:
        parser.error("--out or --serve")


if __name__ == "__main__":
    main()
