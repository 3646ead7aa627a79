"""Latency of the review app's queue and item pages with 100,000 items in the database.

    .venv/bin/python benchmarks/review_ui.py [--items 100000] [--requests 60] [--out benchmarks/review_ui.json]

Requests go over HTTP to the app under uvicorn on 127.0.0.1, signed in, as a browser's would.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classifiers.priority import priority_of  # noqa: E402
from review_queue.review.users import add_user  # noqa: E402
from review_queue.storage.bulk import bulk_add_candidates  # noqa: E402
from review_queue.storage.store import Store  # noqa: E402
from tests.browser.support import PASSWORD, live_server, signed_in_client  # noqa: E402

CODES = ["A.attack", "A.detention", "A.threat", "A.obstruction", "A.summons", "B.closure_blocking",
         "B.info_refusal", "C.civil", "C.criminal", "C.administrative"]
WORDS = ("журналист суд задержание блогер редакция полиция сайт блокировка иск штраф аким "
         "тілші сот блогер редакция полиция журналист court editor police blocked").split()
SOURCES = [f"source{i}.kz" for i in range(40)]


def generate(store: Store, n: int, seed: int = 7) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    batch = []
    for i in range(n):
        words = rng.choices(WORDS, k=60)
        batch.append({"url": f"https://bench.example/{i}", "source": rng.choice(SOURCES),
                      "lang": rng.choice(["ru", "ru", "kk", "en"]), "title": " ".join(words[:7]).capitalize(),
                      "text": " ".join(words) + f" {i}.", "published": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                      "relevance": round(rng.random(), 4), "categories": rng.sample(CODES, rng.randint(1, 2))})
        batch[-1]["priority"] = priority_of(batch[-1]["relevance"], batch[-1]["categories"])
        if len(batch) == 10_000:
            bulk_add_candidates(store, batch)
            batch = []
    bulk_add_candidates(store, batch)
    return time.perf_counter() - started


def measure(client, paths: list[str]) -> dict:
    timings = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return {"n": len(timings), "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1), "max_ms": round(timings[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "review_ui.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = Store(db)
        load_s = generate(store, args.items)
        add_user(store, "bench", PASSWORD)
        ids = [i for (i,) in store.db.execute("SELECT id FROM review_items")]
        deep = store.db.execute("SELECT priority, id FROM review_items WHERE status = 'pending' "
                                "ORDER BY priority DESC, id LIMIT 1 OFFSET ?", [args.items * 9 // 10]).fetchone()
        rng = random.Random(1)
        n = args.requests
        cases = {
            "queue, first page": ["/queue"] * n,
            "queue, page at item 90,000 (keyset)": [f"/queue?after={deep[0]}:{deep[1]}"] * n,
            "queue, lang + category filter": ["/queue?lang=kk&category=A.detention"] * n,
            "queue, source + date range": ["/queue?source=source3.kz&date_from=2025-03-01&date_to=2025-05-31"] * n,
            "queue, full-text search": [f"/queue?q={rng.choice(WORDS)}+{rng.choice(WORDS)}" for _ in range(n)],
            "queue, search for an absent name": ["/queue?q=Жаксылыкова"] * n,
            "item page": [f"/items/{rng.choice(ids)}" for _ in range(n)],
        }
        with live_server(db) as base:
            client = signed_in_client(base, "bench")
            client.get("/queue")   # warm up caches and templates
            results = {name: measure(client, paths) for name, paths in cases.items()}

    report = {"items": args.items, "load_seconds": round(load_s, 1), "machine": {
        "cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2)},   # other jobs on a shared machine
        "pages": results}
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"{args.items:,} review items (loaded in {load_s:.1f} s); {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; {n} requests per row")
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for name, r in results.items():
        print(f"{name:<40} {r['median_ms']:>10} {r['p95_ms']:>8} {r['max_ms']:>8}")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
