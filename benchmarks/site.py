"""A generated local news site for the crawl benchmark: N article pages (default 2,000), each unique,
with a real page's boilerplate (navigation, related links, footer), listed in one sitemap; served
as static files on 127.0.0.1.

A real crawl of Kazakh news sites is mostly ordinary news; press-freedom stories are a small
share. So, by default, 10% of the pages are built from the project's training texts (incidents
and the hard non-incidents about media: what the model's costly path is for) and 90% from the
project-written ordinary-news bank (benchmarks/data/ordinary_news.jsonl: economy, sport,
weather, … and ordinary crime; ru 50%, kk 25%, en 25%). `--domain-share 1` gives the worst case:
every page about media. For scale: the model's cheap screen passes 2% of 50 real ordinary news
passages (benchmarks/data/README.md), 0% of the bank's pages, 12% of 300 real web pages.

    .venv/bin/python benchmarks/site.py --out DIR [--articles 2000] [--domain-share 0.1]   # write the files
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
BANK = ROOT / "benchmarks" / "data" / "ordinary_news.jsonl"
DOMAIN_SHARE = 0.1
ORDINARY_LANGS = ("ru", "ru", "kk", "en")   # the share of each language in the ordinary pages
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


def _ordinary_articles(rng: random.Random, n: int) -> list[tuple[str, list[str]]]:
    """n ordinary-news articles from the bank: a title and 10-14 sentences of one topic, in
    paragraphs of three or four."""
    bank = [json.loads(line) for line in BANK.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_kind: dict[tuple, list[str]] = {}
    for row in bank:
        by_kind.setdefault((row["lang"], row["topic"], row["kind"]), []).append(row["text"])
    topics = sorted({row["topic"] for row in bank})
    articles = []
    for _ in range(n):
        lang, topic = rng.choice(ORDINARY_LANGS), rng.choice(topics)
        sentences = by_kind[(lang, topic, "sentence")]
        chosen = rng.sample(sentences, min(len(sentences), rng.randint(10, 14)))
        paragraphs = [" ".join(chosen[i:i + 4]) for i in range(0, len(chosen), 4)]
        articles.append((rng.choice(by_kind[(lang, topic, "title")]), paragraphs))
    return articles


def _domain_articles(rng: random.Random, n: int) -> list[tuple[str, list[str]]]:
    """n articles from the training texts, each a little longer than its source text."""
    texts = _texts()
    sentences = [s.strip() + "." for t in texts for s in t.replace("\n", " ").split(". ") if len(s) > 40]
    articles = []
    for i in range(n):
        title, _, rest = texts[i % len(texts)].partition("\n")
        paragraphs = [p for p in rest.split("\n") if p.strip()] or [rest]
        articles.append((title[:150], paragraphs + [" ".join(rng.sample(sentences, 3))]))
    return articles


def generate(out: Path, n: int, seed: int = 2025, domain_share: float = DOMAIN_SHARE) -> Path:
    """Write n article pages (a `domain_share` of them about media), robots.txt and sitemap.xml
    under out; return out."""
    rng = random.Random(seed)
    domain = round(n * domain_share)
    articles = _domain_articles(rng, domain) + _ordinary_articles(rng, n - domain)
    rng.shuffle(articles)
    news = out / "news"
    news.mkdir(parents=True, exist_ok=True)
    for i, (title, paragraphs) in enumerate(articles):
        # the page number makes every page unique, even where two drew the same sentences
        paragraphs = paragraphs + [f"Материал № {i} подготовлен редакцией."]
        related = rng.sample(range(n), 6)
        (news / f"{i}.html").write_text(_page(i, title or f"Новость {i}", paragraphs, related), encoding="utf-8")
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
    parser.add_argument("--domain-share", type=float, default=DOMAIN_SHARE,
                        help="share of the pages about media (from the training texts); the rest is ordinary news")
    parser.add_argument("--serve", type=Path)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
    elif args.out:
        generate(args.out, args.articles, domain_share=args.domain_share)
    else:
        parser.error("--out or --serve")


if __name__ == "__main__":
    main()
