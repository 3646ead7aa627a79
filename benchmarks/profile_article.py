"""Where an article's time goes between the fetched page and the stored prediction: one row per step.

    .venv/bin/python benchmarks/profile_article.py [--articles 300] [--out benchmarks/profile_article.json]

The pages are benchmarks/site.py's (the crawl benchmark's own), read from disk, so no network
counts; a tenth of them are about media, as in the crawl benchmark (`--domain-share`). Each step
is timed on its own over all articles, in the shape the stages run it today: extraction, language
on a bounded sample (and on the whole text, what it cost before) and the near-duplicate signature
in the crawl's page-reading processes ("reader", crawler/extract_workers.py), the search terms in
the crawl process itself, then the model's steps over one batch as the classify worker runs them
(and embeddings one text at a time, as the crawl's old inline pipeline did), then the costly
extraction for candidates only. Rows marked "-" are the old way, for comparison, and count in
no total. Prints a table (ms per article, totals per stage) and writes JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.site import DOMAIN_SHARE  # noqa: E402 - after the path is set


def timed(fn):
    """(value, wall seconds); the CPU seconds go to CPU, since on a shared machine the wall time
    says how busy it was and the CPU time what the step cost."""
    started, cpu = time.perf_counter(), time.process_time()
    value = fn()
    seconds = time.perf_counter() - started
    timed.cpu = time.process_time() - cpu
    print(f"  {seconds:7.2f} s", file=sys.stderr, flush=True)   # progress: the whole run takes minutes
    return value, seconds


def profile(n: int, batch: int, domain_share: float) -> dict:
    from benchmarks.site import generate
    from classifiers.embeddings import embed_passages
    from classifiers.entities import find_entities
    from classifiers.evidence import find_evidence
    from classifiers.language import _detector, detect_language
    from classifiers.legal import find_articles
    from classifiers.registry import Registry
    from crawler.extract import extract_article
    from crawler.stories import signature
    from review_queue.storage.search_terms import search_columns

    with tempfile.TemporaryDirectory() as tmp:
        site = generate(Path(tmp) / "site", n, domain_share=domain_share)
        pages = [(p.read_bytes(), f"http://127.0.0.1/news/{p.name}") for p in sorted((site / "news").glob("*.html"))]
    rows: list[tuple[str, float, float, str]] = []   # (step, wall and CPU seconds over all articles, stage)

    articles, seconds = timed(lambda: [extract_article(body, url) for body, url in pages])
    rows.append(("extraction (trafilatura + our checks)", seconds, timed.cpu, "reader"))
    texts = [f"{a.title}\n{a.text}".strip() for a in articles]   # what Understander reads
    for text in texts[:50]:   # lingua loads each language's models on first sight: not part of a step
        _detector().detect_language_of(text)
    langs, seconds = timed(lambda: [detect_language(t) for t in texts])
    rows.append(("language ID, bounded sample", seconds, timed.cpu, "reader"))
    _, seconds = timed(lambda: [_detector().detect_language_of(t) for t in texts])
    rows.append(("language ID, whole text (before)", seconds, timed.cpu, "-"))
    _, seconds = timed(lambda: [signature(a.text) for a in articles])
    rows.append(("near-duplicate signature (MinHash)", seconds, timed.cpu, "reader"))
    _, seconds = timed(lambda: [search_columns(a.title, a.text) for a in articles])
    rows.append(("search terms (stems of every word)", seconds, timed.cpu, "crawl"))

    loaded = Registry().load()
    model = loaded.model
    features = model.features
    model.predict(texts[:2])   # load the engine and the lazy parts once

    def add(name, fn):
        value, seconds = timed(fn)
        rows.append((name, seconds, timed.cpu, "classify"))
        return value

    add("fold + char 2-5-grams (hashing, tf-idf)", lambda: features.char_block(texts))
    add("word 1-2-grams", lambda: features.word_block(texts))
    add("trigger terms", lambda: features.trigger_block(texts))
    cheap = features.transform(texts, embeddings=np.zeros((len(texts), 0), dtype=np.float32))
    screened_out = add("screen (logistic regression)",
                       lambda: model.screen_clf.predict_proba(cheap)[:, 1] < model.screen_threshold)
    kept = [t for t, out in zip(texts, screened_out) if not out]
    add(f"e5 embeddings, batches of {batch} ({len(kept)} of {len(texts)} pass the screen)",
        lambda: [embed_passages(kept[i:i + batch]) for i in range(0, len(kept), batch)])
    _, one_by_one = timed(lambda: [embed_passages([t]) for t in kept[:16]])
    share = len(kept) / max(1, min(16, len(kept)))   # the 16 texts timed, scaled to all that pass the screen
    rows.append(("e5 embeddings, one text per call (before)", one_by_one * share, timed.cpu * share, "-"))
    predictions = model.predict(texts)
    candidates = [(t, p, lang) for t, p, lang in zip(texts, predictions, langs) if p.is_candidate]
    add(f"legal articles ({len(candidates)} candidates)", lambda: [find_articles(t) for t, _, _ in candidates])
    add("entities incl. Natasha (candidates)", lambda: [find_entities(t, lang) for t, _, lang in candidates])
    add("evidence sentences (candidates)", lambda: [find_evidence(t, p.categories, model) for t, p, _ in candidates])

    table = [{"step": name, "stage": stage, "ms_per_article": round(1000 * s / len(texts), 2),
              "cpu_ms_per_article": round(1000 * cpu / len(texts), 2)} for name, s, cpu, stage in rows]
    per_stage = {stage: {key: round(sum(r[key] for r in table if r["stage"] == stage), 2)
                         for key in ("ms_per_article", "cpu_ms_per_article")} for stage in ("reader", "crawl", "classify")}
    return {"articles": len(texts), "batch": batch, "model_version": loaded.version,
            "candidates": len(candidates), "ms_per_article_by_stage": per_stage, "steps": table}


def print_table(report: dict) -> None:
    print(f"\nwhere the time goes: {report['articles']} articles of benchmarks/site.py, model {report['model_version']}, "
          f"{report['candidates']} candidates")
    print(f"{'step':<62} {'stage':<9} {'ms/article':>10} {'CPU ms':>8}")
    for row in report["steps"]:
        print(f"{row['step']:<62} {row['stage']:<9} {row['ms_per_article']:>10} {row['cpu_ms_per_article']:>8}")
    for stage, ms in report["ms_per_article_by_stage"].items():
        print(f"{'total, ' + stage + ' stage':<62} {stage:<9} {ms['ms_per_article']:>10} {ms['cpu_ms_per_article']:>8}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--batch", type=int, default=64, help="the classify worker's batch size")
    parser.add_argument("--domain-share", type=float, default=DOMAIN_SHARE, help="share of pages about media")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "profile_article.json")
    args = parser.parse_args()
    report = profile(args.articles, args.batch, args.domain_share)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
