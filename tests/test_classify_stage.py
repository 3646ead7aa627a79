"""The classify stage: claims never overlap, a killed worker loses nothing, each article is classified once."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from review_queue.storage import classify_state
from review_queue.storage.store import Store

from .conftest import ROOT, sozwatch_cmd
from .fixtures.postgres import any_url, server  # noqa: F401 - fixtures

FALLBACK = "2026-11-23-tfidflr-3"   # the shipped TF-IDF-only model: fast, no embedding engine to start


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    """A registry whose active model is the shipped TF-IDF-only one (the stage is under test, not e5)."""
    root = tmp_path_factory.mktemp("models")
    shutil.copytree(ROOT / "models" / FALLBACK, root / FALLBACK)
    (root / "registry.json").write_text(json.dumps({"active": FALLBACK, "fallback": FALLBACK, "history": []}))
    return root


def stored(db, n: int) -> Store:
    """A queue with n articles waiting for the classifier, as the crawl leaves them."""
    lines = (ROOT / "classifiers" / "data" / "heldout.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines[:n + 3]]
    store = Store(db)
    for i in range(n):
        title, _, body = texts[i].partition("\n")
        # each article several texts long, so that one batch takes a while to score
        article = store.add_article({"url": f"http://127.0.0.1/a/{i}", "source": "test", "title": title,
                                     "text": "\n".join([body or title, *texts[i + 1:i + 4]]) + f"\n№ {i}"})
        classify_state.enqueue(store, article.id)
    return store


def classify(db, models, *args, env=None, **popen) -> subprocess.Popen:
    return subprocess.Popen([*sozwatch_cmd(), "--db", str(db), "--models-dir", str(models), "--log-level", "INFO",
                             "classify", *args], cwd=ROOT, env={**os.environ, **(env or {})}, text=True, **popen)


def predictions_per_article(db) -> dict[int, int]:
    store = Store(db)
    try:
        return dict(store.db.execute("SELECT a.id, COUNT(p.id) FROM articles a LEFT JOIN predictions p "
                                     "ON p.article_id = a.id GROUP BY a.id").fetchall())
    finally:
        store.close()


def count(store: Store, sql: str) -> int:
    return store.db.execute(sql).fetchone()[0]


def test_a_worker_killed_mid_batch_loses_nothing_and_each_article_is_classified_once_after_a_restart(
        any_url, models):
    watch = stored(any_url, 160)
    for _ in range(5):   # SIGKILL lands mid-batch: between the claim's commit and the results' commit
        worker = classify(any_url, models, "--batch-size", "80", env={"SOZWATCH_CLASSIFY_LEASE": "2"},
                          stderr=subprocess.DEVNULL)
        while worker.poll() is None and not count(watch, "SELECT COUNT(*) FROM classify_state WHERE state = 'claimed'"):
            time.sleep(0.005)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        held = count(watch, "SELECT COUNT(*) FROM classify_state WHERE state = 'claimed'")
        if held:
            break
    assert held, "the worker was never caught holding a batch"
    assert count(watch, "SELECT COUNT(*) FROM classify_state WHERE state = 'pending'") > 0
    time.sleep(2.5)   # its lease runs out: nobody clears claims at start-up, the lease does
    restarted = classify(any_url, models, "--json", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = restarted.communicate(timeout=300)
    assert restarted.returncode == 0, err[-2000:]
    assert set(predictions_per_article(any_url).values()) == {1}
    assert classify_state.status(watch)["counts"] == {"pending": 0, "claimed": 0, "done": 160, "quarantined": 0}
    candidates = count(watch, "SELECT COUNT(*) FROM predictions WHERE is_candidate = 1")
    assert count(watch, "SELECT COUNT(*) FROM review_items") == candidates > 0


def test_two_workers_on_one_store_never_classify_an_article_twice(any_url, models):
    stored(any_url, 120).close()
    run = classify(any_url, models, "--workers", "2", "--batch-size", "8", "--json",
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err[-2000:]
    assert json.loads(out.strip().splitlines()[-1])["classified"] == 120
    assert set(predictions_per_article(any_url).values()) == {1}
    # both took batches: the claims really ran side by side
    workers = {line.split(": ")[1] for line in err.splitlines() if ": batch of " in line}
    assert len(workers) == 2, err[-2000:]


def test_a_worker_that_lost_its_lease_writes_nothing_and_the_new_holder_writes_once(any_url, models):
    from classifiers.registry import Registry
    from classifiers.understand import Understander
    store = stored(any_url, 3)
    slow = classify_state.claim(store, "slow:1", 10, lease_seconds=-1)   # its lease is already over
    taken = classify_state.claim(store, "other:2", 10, lease_seconds=300)
    assert [a["id"] for a in taken] == [a["id"] for a in slow]
    assert classify_state.claim(store, "third:3", 10, lease_seconds=300) == []   # nothing left to take
    understander = Understander.from_registry(Registry(models))
    results = list(zip([a["id"] for a in slow], understander.understand_many([(a["title"], a["text"]) for a in slow])))
    assert classify_state.finish(store, "slow:1", understander.version, results) == []
    assert classify_state.finish(store, "other:2", understander.version, results) == [a["id"] for a in taken]
    count = store.db.execute("SELECT COUNT(*) FROM predictions").fetchone()[0]
    assert count == 3
    assert classify_state.status(store)["counts"]["done"] == 3


def test_an_article_that_keeps_failing_is_quarantined_and_the_rest_of_its_batch_is_classified(tmp_path, models):
    store = stored(tmp_path / "queue.db", 4)
    from workers.classify import ClassifyWorker
    worker = ClassifyWorker(store.path, models, batch_size=4, max_attempts=2)
    understander = worker.load_model()
    original = understander.understand_many

    def fails_on_poison(docs, langs=None):
        if any("№ 2" in text for _, text in docs):
            raise ValueError("cannot read this one")
        return original(docs, langs)

    understander.understand_many = fails_on_poison
    counts = worker.run()
    assert (counts.classified, counts.failed, counts.quarantined) == (3, 2, 1)
    report = classify_state.status(Store(store.path))
    assert report["counts"] == {"pending": 0, "claimed": 0, "done": 3, "quarantined": 1}
    assert "cannot read this one" in report["quarantined"][0]["last_error"]


def test_a_crawl_without_the_classifier_stores_languages_and_leaves_articles_pending_for_the_stage(tmp_path, models):
    from w3lib.url import canonicalize_url

    from crawler.demo_sites.server import DemoSites

    from .fixtures.crawl import crawl
    db, sources = tmp_path / "queue.db", tmp_path / "sources.yaml"
    with DemoSites() as sites:
        sites.write_sources(sources)
        done = crawl(db, sources, timeout=300)
        truth = {canonicalize_url(a["url"]): a["lang"] for a in sites.articles()}
    assert done.returncode == 0, done.stderr[-2000:]
    assert "0 queued for review" in done.stdout
    with sqlite3.connect(db) as conn:
        langs = dict(conn.execute("SELECT url, lang FROM articles").fetchall())
        assert {url: langs.get(url) for url in truth} == truth
        assert conn.execute("SELECT COUNT(*) FROM predictions").fetchone()[0] == 0
    status = subprocess.run([*sozwatch_cmd(), "--db", str(db), "classify", "status", "--json"],
                            capture_output=True, text=True, cwd=ROOT)
    assert json.loads(status.stdout)["counts"]["pending"] == len(langs)
    run = classify(db, models, "--json", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err[-2000:]
    counts = json.loads(out.strip().splitlines()[-1])
    with sqlite3.connect(db) as conn:
        assert counts["classified"] == len(langs)
        assert conn.execute("SELECT COUNT(*) FROM review_items").fetchone()[0] == counts["candidates"] > 0
