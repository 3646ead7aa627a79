"""Entry points: `sozwatch demo`: the whole path on the bundled demo sites, ending in a summary."""
from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from crawler.demo_sites.server import DemoSites
from review_queue.storage.store import Store

from .config import Config
from .crawl import run_crawl


def run_demo(config: Config) -> str:
    with DemoSites() as sites, tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "demo-sources.yaml"
        sites.write_sources(sources)
        result = run_crawl(replace(config, sources=sources, log_level="WARNING"), quiet=True)
    counts = Store(config.db).counts()
    by_lang = ", ".join(f"{lang} {n}" for lang, n in sorted(counts["articles_by_lang"].items())) or "none"
    by_cat = "\n".join(f"    {code:<22} {n}" for code, n in counts["pending_by_category"].items()) or "    (none)"
    return "\n".join([
        "sozwatch demo: done",
        f"  pages fetched:        {result.pages_fetched}",
        f"  new articles stored:  {result.articles_stored} (this run)",
        f"  articles in database: {counts['articles']} ({by_lang})",
        f"  pending review items: {counts['items_by_status'].get('pending', 0)}, by predicted category:",
        by_cat,
        f"  errors:               {result.errors}",
        f"  database:             {config.db.resolve()}",
        "",
        "Look at the queue:",
        f"  .venv/bin/sozwatch queue list --db {config.db}",
        f"  .venv/bin/sozwatch queue list --db {config.db} --category A.detention --lang ru",
    ])
