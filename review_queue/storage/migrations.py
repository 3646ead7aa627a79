"""Storage: schema changes, applied in order and recorded in the `_migrations` table.

Add a function at the end of MIGRATIONS; never edit one that has shipped.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlite_utils

from .search_terms import reindex_all


def m001_initial(db: sqlite_utils.Database) -> None:
    db["articles"].create({
        "id": int, "url": str, "source": str, "lang": str, "title": str, "text": str, "author": str,
        "published": str, "fetched_at": str, "content_hash": str, "encoding": str,
    }, pk="id", not_null={"url"})
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["content_hash"])
    db["predictions"].create({
        "id": int, "article_id": int, "model_version": str, "relevance": float, "is_candidate": int,
        "scores": str, "categories": str, "created_at": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id")])
    db["predictions"].create_index(["article_id"])
    db["review_items"].create({
        "id": int, "article_id": int, "status": str, "priority": float,
        "created_at": str, "updated_at": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id")], defaults={"status": "pending"})
    db["review_items"].create_index(["article_id"], unique=True)
    db["review_items"].create_index(["status", "priority"])


def m101_review_app(db: sqlite_utils.Database) -> None:
    """Accounts, claims and versions on items, the append-only decision log, incidents."""
    db.execute("""CREATE TABLE users (
        id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT 'monitor' CHECK (role IN ('monitor', 'admin')),
        lang TEXT NOT NULL DEFAULT 'ru', disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)""")
    db.execute("CREATE TABLE app_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("""CREATE TABLE incidents (
        id INTEGER PRIMARY KEY, date TEXT, place TEXT, victims TEXT NOT NULL DEFAULT '[]',
        categories TEXT NOT NULL DEFAULT '[]', attack_type TEXT, perpetrator TEXT, notes TEXT,
        created_by INTEGER REFERENCES users(id), created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""")
    db.execute("CREATE INDEX idx_incidents_updated ON incidents(updated_at)")
    for column in ("version INTEGER NOT NULL DEFAULT 1", "claimed_by INTEGER REFERENCES users(id)",
                   "claimed_until TEXT", "decision TEXT", "decided_by INTEGER REFERENCES users(id)",
                   "decided_at TEXT", "incident_id INTEGER REFERENCES incidents(id)"):
        db.execute(f"ALTER TABLE review_items ADD COLUMN {column}")
    # Keyset pagination walks (status, priority DESC, id) without a sort step.
    db.execute("CREATE INDEX idx_review_items_queue ON review_items(status, priority DESC, id)")
    db.execute("CREATE INDEX idx_review_items_priority ON review_items(priority DESC, id)")
    db.execute("CREATE INDEX idx_review_items_incident ON review_items(incident_id)")
    # Optional richer prediction fields (evidence, attack type, perpetrator, legal articles, entities).
    db.execute("ALTER TABLE predictions ADD COLUMN details TEXT")
    # A crawler may group rewrites of one story; exact copies already share content_hash.
    db.execute("ALTER TABLE articles ADD COLUMN story_id TEXT")
    db.execute("CREATE INDEX idx_articles_story ON articles(story_id)")
    db.execute("CREATE INDEX idx_articles_title ON articles(title)")
    db.execute("CREATE INDEX idx_articles_source ON articles(source)")   # the source filter and its menu
    db.execute("""CREATE TABLE decisions (
        id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES review_items(id),
        user_id INTEGER REFERENCES users(id), username TEXT NOT NULL, action TEXT NOT NULL,
        applied INTEGER NOT NULL DEFAULT 1, at TEXT NOT NULL, from_version INTEGER,
        before TEXT NOT NULL, after TEXT NOT NULL)""")
    db.execute("CREATE INDEX idx_decisions_item ON decisions(item_id, id)")
    # The audit trail is append-only: the database itself refuses edits and deletions.
    db.execute("""CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""")
    db.execute("""CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""")


def m102_articles_fts(db: sqlite_utils.Database) -> None:
    """Full-text search over title and text, kept in sync with `articles` by triggers."""
    db.execute("""CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""")
    db.execute("""CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END""")
    db.execute("""CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END""")
    db.execute("""CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END""")
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")


# The priority formula as these migrations shipped (today's lives in classifiers/priority.py).
# A frozen copy: a shipped migration must give the same result whatever the formula becomes later.
_SEVERITY_2026_11 = {"A.attack": 3.0, "A.detention": 3.0, "A.threat": 2.0, "C.criminal": 2.0, "A.summons": 1.0,
                     "A.obstruction": 1.0, "B.closure_blocking": 1.0, "B.cyberattack": 1.0, "C.administrative": 1.0}


def _priority_2026_11(relevance: float, categories: list[str]) -> float:
    severity = max((_SEVERITY_2026_11.get(code, 0.0) for code in categories), default=0.0)
    return round(severity + 0.7 * relevance + 0.3 * (1.0 - abs(2.0 * relevance - 1.0)), 4)


def m103_severity_priority(db: sqlite_utils.Database) -> None:
    """Recompute queued items' priority with category severity (the formula frozen above)."""
    rows = db.execute("""SELECT r.id, p.relevance, p.categories FROM review_items r
        JOIN predictions p ON p.id = (SELECT MAX(id) FROM predictions WHERE article_id = r.article_id)""").fetchall()
    db.conn.executemany("UPDATE review_items SET priority = ? WHERE id = ?",
                        [(_priority_2026_11(rel or 0.0, json.loads(cats or "[]")), item_id) for item_id, rel, cats in rows])


def m201_crawl_state(db: sqlite_utils.Database) -> None:
    """The crawler's memory: seen URLs, a persistent frontier, HTTP validators, per-source runs,
    near-duplicate signatures and court notices (see review_queue/crawl_state.py)."""
    db.execute("""CREATE TABLE seen_urls (
        key TEXT PRIMARY KEY, url TEXT NOT NULL, source TEXT, outcome TEXT NOT NULL, seen_at TEXT NOT NULL)""")
    # Discovered article URLs not fetched yet: a killed crawl resumes from here.
    db.execute("""CREATE TABLE crawl_frontier (
        key TEXT PRIMARY KEY, url TEXT NOT NULL, source TEXT NOT NULL, discovered_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)""")
    db.execute("CREATE INDEX idx_crawl_frontier_source ON crawl_frontier(source)")
    db.execute("""CREATE TABLE http_validators (
        url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, updated_at TEXT NOT NULL)""")
    db.execute("""CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY, source TEXT NOT NULL, spider TEXT, started_at TEXT NOT NULL,
        finished_at TEXT, finish_reason TEXT, fetched INTEGER NOT NULL DEFAULT 0,
        new_items INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
        error_kinds TEXT NOT NULL DEFAULT '{}', stats TEXT NOT NULL DEFAULT '{}')""")
    db.execute("CREATE INDEX idx_crawl_runs_source ON crawl_runs(source, started_at)")
    db.execute("""CREATE TABLE article_minhash (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id), story_id TEXT NOT NULL,
        signature BLOB NOT NULL, created_at TEXT NOT NULL)""")
    db.execute("CREATE INDEX idx_article_minhash_created ON article_minhash(created_at)")
    db.execute("""CREATE TABLE court_notices (
        id INTEGER PRIMARY KEY, source TEXT NOT NULL, url TEXT NOT NULL, court TEXT, date TEXT, time TEXT,
        case_number TEXT, judge TEXT, parties TEXT, article TEXT, subject TEXT, matched TEXT NOT NULL DEFAULT '[]',
        fetched_at TEXT NOT NULL)""")
    db.execute("CREATE UNIQUE INDEX idx_court_notices_case ON court_notices(source, case_number, date, time)")


def m401_learning_loop(db: sqlite_utils.Database) -> None:
    """Double review (agreement between monitors) and where a queue item came from: the model's
    candidates ('model') or the random sample of articles the model scored low ('low_score_sample')."""
    db.execute("ALTER TABLE review_items ADD COLUMN double_review INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE review_items ADD COLUMN origin TEXT NOT NULL DEFAULT 'model'")
    db.execute("CREATE INDEX idx_review_items_double ON review_items(double_review) WHERE double_review = 1")
    # Alerts already sent (review_queue/alerts.py), so each grave incident is announced once.
    db.execute("CREATE TABLE alerts_sent (key TEXT PRIMARY KEY, kind TEXT NOT NULL, item_id INTEGER, "
               "sent_at TEXT NOT NULL, channels TEXT NOT NULL)")
    m103_severity_priority(db)   # priorities now include the model's uncertainty


def m701_login_hardening(db: sqlite_utils.Database) -> None:
    """Sign-in hardening (review_queue/review/auth_guard.py): a per-user session generation that logout,
    a password change and disabling raise (every older cookie stops working at once), failed-login
    counters per account and per client address, and an append-only trail of sign-in events.
    Incidents also keep the confirmed extracted values (outlets, state bodies, amounts, legal articles)."""
    db.execute("ALTER TABLE users ADD COLUMN session_gen INTEGER NOT NULL DEFAULT 0")
    db.execute("""CREATE TABLE login_failures (
        key TEXT PRIMARY KEY, failures INTEGER NOT NULL DEFAULT 0, last_at TEXT NOT NULL, blocked_until TEXT)""")
    db.execute("""CREATE TABLE auth_events (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, username TEXT, client TEXT, event TEXT NOT NULL, detail TEXT)""")
    db.execute("CREATE INDEX idx_auth_events_at ON auth_events(at)")
    db.execute("""CREATE TRIGGER auth_events_no_update BEFORE UPDATE ON auth_events
        BEGIN SELECT RAISE(ABORT, 'auth events are append-only'); END""")
    db.execute("""CREATE TRIGGER auth_events_no_delete BEFORE DELETE ON auth_events
        BEGIN SELECT RAISE(ABORT, 'auth events are append-only'); END""")
    db.execute("ALTER TABLE incidents ADD COLUMN extracted TEXT NOT NULL DEFAULT '{}'")


def m551_articles_reply_to(db: sqlite_utils.Database) -> None:
    """A Telegram reply's article records the post it quotes (its address), since its own text
    often makes sense only beside that post."""
    db.execute("ALTER TABLE articles ADD COLUMN reply_to TEXT")


def m816_search_stems(db: sqlite_utils.Database) -> None:
    """Search by stems (search_terms.py) instead of word beginnings: every article gets its analysed
    title and text as two columns, indexed twice by FTS5: `search_index` (title and text: does the
    article match?) and `search_titles` (title alone: title matches are listed first); no query needs
    word positions or columns, so both keep document ids only (detail='none'). Triggers keep them in
    sync; m102's index goes. The analyser is today's on purpose: the index must be analysed as the
    queries are."""
    for event in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER IF EXISTS articles_fts_{event}")
    db.execute("DROP TABLE IF EXISTS articles_fts")
    db.execute("ALTER TABLE articles ADD COLUMN search_title TEXT")
    db.execute("ALTER TABLE articles ADD COLUMN search_body TEXT")
    reindex_all(db)
    options = "content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 0', detail='none'"
    db.execute(f"CREATE VIRTUAL TABLE search_index USING fts5(search_title, search_body, {options})")
    db.execute(f"CREATE VIRTUAL TABLE search_titles USING fts5(search_title, {options})")
    add = ("INSERT INTO search_index(rowid, search_title, search_body) VALUES (new.id, new.search_title, new.search_body);"
           " INSERT INTO search_titles(rowid, search_title) VALUES (new.id, new.search_title);")
    remove = ("INSERT INTO search_index(search_index, rowid, search_title, search_body)"
              " VALUES ('delete', old.id, old.search_title, old.search_body);"
              " INSERT INTO search_titles(search_titles, rowid, search_title) VALUES ('delete', old.id, old.search_title);")
    db.execute(f"CREATE TRIGGER search_index_insert AFTER INSERT ON articles BEGIN {add} END")
    db.execute(f"CREATE TRIGGER search_index_delete AFTER DELETE ON articles BEGIN {remove} END")
    db.execute(f"CREATE TRIGGER search_index_update AFTER UPDATE OF search_title, search_body ON articles "
               f"BEGIN {remove} {add} END")
    db.execute("INSERT INTO search_index(search_index) VALUES ('rebuild')")
    db.execute("INSERT INTO search_titles(search_titles) VALUES ('rebuild')")


def m901_decision_overrides(db: sqlite_utils.Database) -> None:
    """A re-decision of an item already confirmed or rejected names, in the audit trail, the applied
    decision it overrides (review/decisions.py); NULL for every other decision."""
    db.execute("ALTER TABLE decisions ADD COLUMN overrides INTEGER")


def m501_article_partial(db: sqlite_utils.Database) -> None:
    """An article whose page says it is behind a paywall (crawler/extract.py): its stored text may be
    the teaser only, and monitors see a badge saying so."""
    db.execute("ALTER TABLE articles ADD COLUMN partial INTEGER NOT NULL DEFAULT 0")


def m502_crawl_run_refusals(db: sqlite_utils.Database) -> None:
    """Pages a run fetched and refused as not an article, counted per reason ({"listing_page": 3}),
    so that `sources status` and the crawl summary show them beside the errors."""
    db.execute("ALTER TABLE crawl_runs ADD COLUMN refusals TEXT NOT NULL DEFAULT '{}'")
def m601_classify_state(db: sqlite_utils.Database) -> None:
    """The classify stage's queue (review_queue/storage/classify_state.py): one row per article, its
    state, claim and failures. Articles that already have a prediction are done (with the version
    that scored them last); any other article is pending, so the classify stage scores it."""
    db.execute("""CREATE TABLE classify_state (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'done', 'quarantined')),
        claimed_by TEXT, claimed_until TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
        model_version TEXT, queued_at TEXT NOT NULL, updated_at TEXT NOT NULL)""")
    # what a claim walks: pending first, oldest article first
    db.execute("CREATE INDEX idx_classify_state_state ON classify_state(state, article_id)")
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    db.execute("""INSERT INTO classify_state (article_id, state, model_version, queued_at, updated_at)
        SELECT a.id, CASE WHEN p.id IS NULL THEN 'pending' ELSE 'done' END, p.model_version, ?, ?
        FROM articles a LEFT JOIN predictions p
          ON p.id = (SELECT MAX(id) FROM predictions WHERE article_id = a.id)""", [now, now])


MIGRATIONS = [m001_initial, m101_review_app, m102_articles_fts, m103_severity_priority,
              m201_crawl_state, m401_learning_loop, m701_login_hardening,
              m551_articles_reply_to, m816_search_stems, m901_decision_overrides, m501_article_partial,
              m502_crawl_run_refusals, m601_classify_state]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now."""
    table = db["_migrations"]
    if not table.exists():
        table.create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in table.rows}
    applied = []
    for migration in MIGRATIONS:
        if migration.__name__ in done:
            continue
        with db.atomic():
            migration(db)
            table.insert({"name": migration.__name__, "applied_at": datetime.now(timezone.utc).isoformat()})
        applied.append(migration.__name__)
    return applied
