"""Faults around the database and the files a crawl reads (issue 7): a full disk, a database
locked by another process, SIGKILL in the middle of a write, a corrupt sources file, a model
directory with files missing. Each gives a clear error and loses nothing already collected:
every test compares row counts and contents before and after."""
from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone

import pytest

from review_queue.review.decisions import decide
from review_queue.review.users import add_user
from review_queue.storage.store import Store

from .conftest import ROOT, sozwatch_cmd
from .fixtures.crawl import crawl, crawl_args, write_sources
from .fixtures.sites import HTML, XML, Site, article_html, article_text, rss

N_ARTICLES = 40


def news_site(n: int = N_ARTICLES, paragraphs: int = 8) -> Site:
    site = Site()
    site.routes["/feed.xml"] = lambda h, q: (200, XML, rss(
        [(site.url(f"/n/{i}"), f"Новость {i}", datetime(2024, 10, 1 + i % 27, tzinfo=timezone.utc))
         for i in range(n)]))
    for i in range(n):
        site.routes[f"/n/{i}"] = (200, HTML, article_html(f"Новость {i}", article_text(7000 + i, paragraphs)).encode())
    return site


def snapshot(db) -> dict:
    """Everything a fault must not change or lose: each table's rows, hashed."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table in ("articles", "predictions", "review_items", "decisions", "users", "seen_urls"):
            rows = conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            out[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return out
    finally:
        conn.close()


def articles(db) -> dict[str, tuple]:
    conn = sqlite3.connect(db)
    try:
        return {r[0]: r[1:] for r in conn.execute("SELECT url, title, text, content_hash FROM articles")}
    finally:
        conn.close()


def integrity(db) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def site():
    with news_site() as s:
        yield s


@pytest.fixture
def sources(site, tmp_path):
    return write_sources(tmp_path / "sources.yaml", [{"name": "news", "feeds": [site.url("/feed.xml")]}])


# -- a full disk ---------------------------------------------------------------------------------
def _limit_file_size(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))   # writes past it fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return apply


def test_a_full_disk_stops_the_crawl_clearly_and_the_next_run_completes_it(sources, tmp_path):
    db = tmp_path / "full.db"
    Store(db).close()                                  # the schema, as a deployment has it
    limit = 1_000_000                                  # room (WAL included) for a few articles only
    full = subprocess.run(crawl_args(db, sources), capture_output=True, text=True, cwd=ROOT, timeout=120,
                          preexec_fn=_limit_file_size(limit))
    assert full.returncode == 1, full.stderr[-3000:]
    assert "cannot write to the database" in full.stderr and "disk full?" in full.stderr
    assert full.stderr.strip().splitlines()[-1].startswith("sozwatch: the crawl stopped: cannot write")
    assert integrity(db) == "ok"
    first = articles(db)
    assert 0 < len(first) < N_ARTICLES, "the size limit did not hit in the middle of the crawl"

    again = crawl(db, sources)                         # space freed: the same command again
    assert again.returncode == 0, again.stderr[-3000:]
    after = articles(db)
    assert len(after) == N_ARTICLES                    # every article, none twice (url is unique)
    assert {url: after[url] for url in first} == first  # what the first run stored is untouched
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM crawl_frontier").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(DISTINCT content_hash) FROM articles").fetchone()[0] == N_ARTICLES


def test_a_full_disk_during_a_decision_rolls_it_back_whole(tmp_path):
    """The review side: a decision that cannot be written leaves the item and the audit trail
    exactly as they were (run in a child process under a file-size limit)."""
    db = tmp_path / "decide.db"
    store = Store(db)
    _seed_items(store, 30)
    add_user(store, "alice", "correct horse battery")
    store.close()
    before = snapshot(db)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from review_queue.storage.store import Store
        from review_queue.review.decisions import decide
        from review_queue.review.users import get_user
        store = Store({str(db)!r})
        alice = get_user(store, 1)
        note = "x" * 400_000          # a decision far larger than the space left
        try:
            decide(store, 1, alice, 1, "confirm", {{"categories": ["A.detention"], "notes": note}})
        except Exception as exc:
            print(type(exc).__name__, exc)
            sys.exit(3)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          preexec_fn=_limit_file_size(os.path.getsize(db) + 64_000))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "OperationalError" in done.stdout and ("full" in done.stdout or "disk I/O" in done.stdout)
    assert integrity(db) == "ok"
    assert snapshot(db) == before


# -- a database locked by another process ----------------------------------------------------------
def _seed_items(store: Store, n: int) -> None:
    from review_queue.storage.bulk import bulk_add_candidates
    bulk_add_candidates(store, [{"url": f"https://kz.example/{i}", "source": "s", "lang": "ru",
                                 "title": f"Заголовок {i}", "text": f"Текст статьи номер {i}. " * 20,
                                 "published": "2024-10-01", "relevance": 0.9, "categories": ["A.detention"],
                                 "priority": 3.69}
                                for i in range(n)])


def _hold_lock(db, seconds: float) -> subprocess.Popen:
    """Another process takes the write lock (BEGIN EXCLUSIVE) and keeps it for `seconds`, or
    until a line arrives on its stdin."""
    script = textwrap.dedent(f"""
        import select, sqlite3, sys, time
        conn = sqlite3.connect({str(db)!r}, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("INSERT INTO app_settings (key, value) VALUES ('lock-holder', 'x')")
        print("locked", flush=True)
        select.select([sys.stdin], [], [], {seconds})
        conn.execute("ROLLBACK")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _release(holder: subprocess.Popen) -> None:
    holder.communicate("release\n", timeout=30)


def test_a_locked_database_makes_a_writer_wait_then_the_write_goes_through(tmp_path):
    db = tmp_path / "locked.db"
    store = Store(db)
    _seed_items(store, 5)
    alice = add_user(store, "alice", "correct horse battery")
    holder = _hold_lock(db, 1.5)
    started = time.monotonic()
    decide(store, 1, alice, 1, "confirm", {"categories": ["A.detention"]})
    waited = time.monotonic() - started
    holder.wait(10)
    assert waited >= 1.0                      # it waited for the lock rather than failing
    assert store.db.execute("SELECT status, version FROM review_items WHERE id = 1").fetchone() == ("confirmed", 2)
    assert store.db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 1


def test_a_lock_held_past_the_busy_timeout_gives_a_clear_error_and_changes_nothing(tmp_path):
    db = tmp_path / "locked.db"
    store = Store(db)
    _seed_items(store, 5)
    alice = add_user(store, "alice", "correct horse battery")
    store.close()
    before = snapshot(db)
    impatient = Store(db, busy_timeout=0.3)
    holder = _hold_lock(db, 60)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        decide(impatient, 1, alice, 1, "confirm", {"categories": ["A.detention"]})
    # the CLI says so in one line, exit 1 (contracts.md), no traceback
    cli = subprocess.run([*sozwatch_cmd(), "--db", str(db), "users", "add", "bob", "--password-stdin"],
                         input="correct horse battery\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
                         env={**os.environ, "SOZWATCH_BUSY_TIMEOUT": "0.3"})
    _release(holder)
    assert snapshot(db) == before
    assert cli.returncode == 1, cli.stderr
    assert cli.stderr.strip().splitlines()[-1].startswith("sozwatch: database error: database is locked")
    assert "Traceback" not in cli.stderr
    decide(impatient, 1, alice, 1, "confirm", {"categories": ["A.detention"]})   # lock gone: it works
    assert snapshot(db)["decisions"][0] == 1


def test_a_crawl_waits_for_a_lock_held_by_another_process_and_stores_everything(sources, tmp_path):
    db = tmp_path / "crawl.db"
    Store(db).close()
    holder = None
    proc = subprocess.Popen(crawl_args(db, sources), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(articles(db)) < 5:
        time.sleep(0.05)
    holder = _hold_lock(db, 2.0)              # in the middle of the crawl
    out, err = proc.communicate(timeout=120)
    holder.wait(10)
    assert proc.returncode == 0, err[-3000:]
    assert len(articles(db)) == N_ARTICLES
    assert integrity(db) == "ok"


# -- SIGKILL in the middle of writes ---------------------------------------------------------------
WRITER = textwrap.dedent("""
    import sys, types
    sys.path.insert(0, {root!r})
    from review_queue.storage.store import Store
    from review_queue.storage.bulk import bulk_add_candidates
    store = Store({db!r})
    start = store.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    for i in range(start, start + 100000):
        if i % 50 == 49:   # now and then a big multi-row transaction: all of it or none
            bulk_add_candidates(store, [dict(url=f"https://bulk.example/{{i}}/{{j}}", source="bulk", lang="ru",
                title=f"bulk {{i}} {{j}}", text=f"bulk text {{i}} {{j}} " * 30, published="2024-10-01",
                relevance=0.5, categories=["A.threat"], priority=2.65) for j in range(400)])
            print("bulk", i, flush=True)
            continue
        with store.db.atomic():
            stored = store.add_article(dict(url=f"https://kill.example/{{i}}", source="kill", lang="ru",
                title=f"Статья {{i}}", text=f"Текст статьи {{i}}. " * (20 + i % 50)))
            store.add_prediction(stored.id, types.SimpleNamespace(model_version="t", relevance=0.8,
                is_candidate=True, scores={{"A.detention": 0.8}}, categories=["A.detention"], priority=3.68))
        print("one", i, flush=True)
""")


@pytest.mark.parametrize("kill_after", [7, 60, 130])
def test_sigkill_during_writes_loses_nothing_committed_and_leaves_nothing_half_written(tmp_path, kill_after):
    db = tmp_path / "kill.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT), db=str(db))],
                            stdout=subprocess.PIPE, text=True)
    committed = []
    for line in proc.stdout:
        committed.append(line.split())
        if len(committed) >= kill_after:
            break
    os.kill(proc.pid, signal.SIGKILL)   # in the middle of the next write, whatever it is
    proc.wait()

    assert integrity(db) == "ok"
    conn = sqlite3.connect(db)
    urls = {u: (t, x) for u, t, x in conn.execute("SELECT url, title, text FROM articles")}
    for kind, i in committed:        # everything reported committed is there, whole
        i = int(i)
        if kind == "one":
            assert urls[f"https://kill.example/{i}"] == (f"Статья {i}", f"Текст статьи {i}. " * (20 + i % 50))
        else:
            assert all(f"https://bulk.example/{i}/{j}" in urls for j in range(400))
    # nothing half-written: each bulk batch is whole or absent, each article has its prediction and item
    for (prefix, count) in conn.execute("SELECT substr(url, 1, instr(substr(url, 22), '/') + 21), COUNT(*) "
                                        "FROM articles WHERE source = 'bulk' GROUP BY 1"):
        assert count == 400, prefix
    assert conn.execute("SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
                        "(SELECT 1 FROM predictions p WHERE p.article_id = a.id)").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
                        "(SELECT 1 FROM review_items r WHERE r.article_id = a.id)").fetchone()[0] == 0
    n_fts = conn.execute("SELECT COUNT(*) FROM search_index").fetchone()[0]
    assert n_fts == len(urls)        # the full-text index moved with its table
    conn.close()
    # and the database keeps working: the writer resumes where it stopped
    store = Store(db)
    assert store.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(urls)
    store.close()


# -- a corrupt sources file --------------------------------------------------------------------------
CORRUPT_SOURCES = {
    "binary": b"\x00\x01\xff\xfe\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "truncated": b"sources:\n  - name: news\n    feeds: [\"http://127.0.0.1:9/feed.xml\"\n  - name: ot",
    "not_a_list": b"sources: {name: news}\n",
    "bad_entry": b"sources:\n  - name: UPPER CASE!\n    kind: carrier-pigeon\n    interval: soon\n",
    "empty": b"",
}


@pytest.fixture(scope="module")
def crawled_db(site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corrupt")
    sources = write_sources(tmp / "sources.yaml", [{"name": "news", "feeds": [site.url("/feed.xml")]}])
    db = tmp / "queue.db"
    assert crawl(db, sources).returncode == 0
    return db


@pytest.mark.parametrize("kind", sorted(CORRUPT_SOURCES))
def test_a_corrupt_sources_file_is_refused_clearly_and_the_database_is_untouched(crawled_db, tmp_path, kind,
                                                                                    capsys):
    before = snapshot(crawled_db)
    assert before["articles"][0] == N_ARTICLES
    bad = tmp_path / "sources.yaml"
    bad.write_bytes(CORRUPT_SOURCES[kind])
    rc, err = run_cli(capsys, "--db", str(crawled_db), "crawl", "--sources", str(bad), "--no-classify")
    assert rc == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sozwatch: ") and "sources.yaml" in lines[0], err
    assert "Traceback" not in err
    assert snapshot(crawled_db) == before
    rc, err = run_cli(capsys, "sources", "validate", str(bad))
    assert rc in (1, 2) and "sources.yaml" in err + capsys.readouterr().out


def run_cli(capsys, *args) -> tuple[int, str]:
    """`sozwatch ARGS` in this process (the errors tested here come before any crawl starts)."""
    from sozwatch.cli import main
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    return exited.value.code, capsys.readouterr().err


# -- a model directory with files missing ------------------------------------------------------------
def _models_copy(tmp_path, remove):
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models)
    for pattern in remove:
        for path in models.glob(pattern):
            path.unlink()
    return models


@pytest.mark.parametrize("remove,message", [
    (["*/model.pkl.gz"], "cannot load"),
    (["registry.json"], "no active model"),
    (["*/card.json"], "not found"),
])
def test_a_model_directory_missing_files_is_refused_clearly_and_nothing_is_lost(crawled_db, tmp_path, site,
                                                                                remove, message, capsys):
    before = snapshot(crawled_db)
    models = _models_copy(tmp_path, remove)
    sources = write_sources(tmp_path / "sources.yaml", [{"name": "news", "feeds": [site.url("/feed.xml")]}])
    rc, err = run_cli(capsys, "--db", str(crawled_db), "--models-dir", str(models), "crawl", "--sources", str(sources))
    assert rc == 2, err[-2000:]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in err, err
    assert snapshot(crawled_db) == before
