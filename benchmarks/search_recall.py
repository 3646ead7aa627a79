"""Search recall: how many of tests/test_search.py's word-form pairs each way of searching finds.

    .venv/bin/python benchmarks/search_recall.py

Three indexes over the same sentences, one article each: the stems this project searches by
(review_queue/storage/search_terms.py, through the queue's own search), SQLite FTS5's `trigram`
tokenizer (a query matches text that contains it, as `pg_trgm` does for LIKE), and the word-prefix
index that search replaced (FTS5 unicode61, `"word"*`). A pair counts when the monitor's form
finds the sentence written with another form; a word that must not match counts when it finds nothing.
"""
from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review_queue.review.queue_view import QueueFilter, list_queue  # noqa: E402
from review_queue.storage.bulk import bulk_add_candidates  # noqa: E402
from review_queue.storage.store import Store  # noqa: E402
from tests.test_search import ENGLISH, KAZAKH, NO_MATCH, RUSSIAN, WITHOUT_KAZAKH_LETTERS  # noqa: E402

FTS_INDEXES = {"trigram substring": "trigram", "word prefix (before)": "unicode61 remove_diacritics 2"}


def sentences() -> list[str]:
    return sorted({text for _, text in RUSSIAN + KAZAKH + ENGLISH + WITHOUT_KAZAKH_LETTERS})


def stems_search(texts: list[str]):
    store = Store(Path(tempfile.mkdtemp(prefix="sozwatch-recall-")) / "queue.db")
    bulk_add_candidates(store, [{"url": f"https://kz.example/{i}", "source": "s", "lang": "kk", "title": "",
                                 "text": text, "published": "2025-01-01", "relevance": 0.5,
                                 "categories": ["A.threat"], "priority": 1.0} for i, text in enumerate(texts)])
    ids = {row[0]: text for row, text in zip(store.db.execute("SELECT id FROM articles ORDER BY id"), texts)}
    return lambda query: {ids[row["article_id"]] for row in
                          list_queue(store, QueueFilter(status="all", q=query), limit=500)["items"]}


def fts_search(texts: list[str], tokenizer: str):
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(text, tokenize='{tokenizer}')")
    db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", list(enumerate(texts)))
    prefix = tokenizer != "trigram"

    def search(query: str) -> set[str]:
        words = " ".join(f'"{w}"' + ("*" if prefix else "") for w in query.replace('"', " ").split())
        return {texts[i] for (i,) in db.execute("SELECT rowid FROM t WHERE t MATCH ?", [words])}
    return search


def main() -> None:
    texts = sentences()
    searches = {"stems (this search)": stems_search(texts),
                **{name: fts_search(texts, tokenizer) for name, tokenizer in FTS_INDEXES.items()}}
    groups = {"Russian forms": RUSSIAN, "Kazakh forms": KAZAKH, "English forms": ENGLISH,
              "Kazakh without Kazakh letters": WITHOUT_KAZAKH_LETTERS}
    print(f"{'pairs':<34}" + "".join(f"{name:>24}" for name in searches))
    for label, pairs in groups.items():
        row = []
        for search in searches.values():
            row.append(f"{sum(text in search(query) for query, text in pairs)} / {len(pairs)}")
        print(f"{label + f' ({len(pairs)})':<34}" + "".join(f"{cell:>24}" for cell in row))
    row = [f"{sum(not search(query) for query in NO_MATCH)} / {len(NO_MATCH)}" for search in searches.values()]
    print(f"{f'must find nothing ({len(NO_MATCH)})':<34}" + "".join(f"{cell:>24}" for cell in row))


if __name__ == "__main__":
    main()
