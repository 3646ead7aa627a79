"""Test machinery for the review web app: a seeded database and a live server on 127.0.0.1.

Shared by tests/test_review_*.py, the browser tests and the screenshot script.
"""
from __future__ import annotations

import itertools
import re
import sqlite3
import tempfile
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from classifiers.model import Prediction
from review_queue.review.users import add_user
from review_queue.storage.store import Store
from review_queue.web.app import AppSettings, create_app

PASSWORD = "correct horse battery"
HOSTILE_TITLE = 'Суд <script>window.__pwned = 1</script> над блогером'
HOSTILE_TEXT = ('Блогера оштрафовали по статье 456-2 КоАП. <img src=x onerror="window.__pwned = 2"> '
                'Подробности <a href="javascript:window.__pwned = 3">здесь</a>.\n\n'
                '<script>window.__pwned = 4</script> Суд прошёл в Алматы.')

ARTICLES = [
    # (url, source, lang, title, text, published, relevance, categories, extras)
    ("https://kz.example/detained", "vlast.kz", "ru", "Журналиста задержали в Уральске",
     "Журналиста Аяна Ахметова задержали в Уральске во время съёмки митинга. "
     "Полиция изъяла камеру и удалила записи.\n\nВечером её отпустили без протокола.",
     "2025-03-02", 0.91, ["A.detention", "A.obstruction"],
     {"evidence": {"A.detention": ["Журналиста Аяна Ахметова задержали в Уральске во время съёмки митинга."],
                   "A.obstruction": ["Полиция изъяла камеру и удалила записи."]},
      "attack_type": "physical", "perpetrator": "state",
      "legal_articles": [{"code": "КоАП 667", "text": "статьи 667 КоАП"}],
      "entities": {"victims": ["Аяна Ахметова"], "places": ["Oral"], "state_bodies": ["police"],
                   "outlets": ["Уральская неделя"], "amounts": [{"tenge": 50000.0, "text": "50 000 тенге"}]}}),
    ("https://kz.example/site-blocked", "orda.kz", "ru", "Сайт издания заблокирован",
     "Сайт независимого издания заблокирован по решению прокуратуры. Редакция узнала об этом от читателей.",
     "2025-03-05", 0.84, ["B.closure_blocking"], {}),
    ("https://kz.example/threats", "kaztag.kz", "kk", "Тілшіге қоқан-лоққы көрсетілді",
     "Тілшіге әлеуметтік желіде қоқан-лоққы көрсетілді. Ол полицияға арыз жазды.",
     "2025-02-20", 0.77, ["A.threat"], {}),
    ("https://kz.example/lawsuit", "tengrinews.kz", "en", "Editor sued over investigation",
     "A businessman filed a lawsuit against the editor for protection of honour and dignity.",
     "2025-01-15", 0.66, ["C.civil"], {}),
    ("javascript:alert(document.cookie)", "hostile.example", "ru", HOSTILE_TITLE, HOSTILE_TEXT,
     "2025-03-03", 0.70, ["C.administrative"], {}),
]


_TEMPLATES: dict[tuple[str, ...], Path] = {}


def seed(db_path: Path, extra_users: tuple[str, ...] = ("bob",)) -> Store:
    """A queue with the articles above and accounts alice (admin) and others (monitors).

    Built once per test session and copied: argon2 hashing is deliberately slow.
    """
    template = _TEMPLATES.get(extra_users)
    if template is None:
        template = Path(tempfile.mkdtemp(prefix="sozwatch-seed-")) / "seed.db"
        _build(template, extra_users).close()
        _TEMPLATES[extra_users] = template
    with sqlite3.connect(template) as source, sqlite3.connect(db_path) as target:
        source.backup(target)
    return Store(db_path)


def _build(db_path: Path, extra_users: tuple[str, ...]) -> Store:
    store = Store(db_path)
    for url, source, lang, title, text, published, relevance, categories, extras in ARTICLES:
        article_id = store.add_article({"url": url, "source": source, "lang": lang, "title": title,
                                        "text": text, "published": published})
        store.add_prediction(article_id.id, Prediction(
            relevance=relevance, is_candidate=True, categories=categories,
            scores={code: round(relevance - 0.05 * i, 2) for i, code in enumerate(categories)},
            model_version="test-1", lang=lang, extras=extras))
    add_user(store, "alice", PASSWORD, role="admin", lang="ru")
    for name in extra_users:
        add_user(store, name, PASSWORD, role="monitor", lang="en")
    return store


def item_id_by_url(store: Store, url: str) -> int:
    return store.db.execute("SELECT r.id FROM review_items r JOIN articles a ON a.id = r.article_id "
                            "WHERE a.url = ?", [url]).fetchone()[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(db_path: Path, claim_minutes: float = 5):
    """The app under uvicorn in a thread on a free 127.0.0.1 port; yields its base URL."""
    port = free_port()
    app = create_app(AppSettings(db=db_path, claim_minutes=claim_minutes))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


_copies = itertools.count()


@contextmanager
def app_on_backend(request, store: Store, backend: str, server_fixture: str = "server"):
    """The review app over `store` (SQLite), or over a copy of it in a throwaway PostgreSQL database:
    (base URL, the Store the app reads). Skips the PostgreSQL case where the server is not installed."""
    url = store.path
    if backend == "postgresql":
        from ..fixtures.postgres import copy_to_postgres, postgres_bin
        if postgres_bin() is None:
            pytest.skip("PostgreSQL (initdb, pg_ctl) is not installed (make system-deps installs it)")
        store = copy_to_postgres(store, request.getfixturevalue(server_fixture), f"app{next(_copies)}")
        url = store.url
    with live_server(url) as base:
        yield base, store


def items_decided_twice(store: Store) -> list[int]:
    """Items with more than one applied decision where none is an explicit re-decision (override):
    what a silent override of a colleague looks like in the audit trail. Empty when all is well."""
    return [item_id for (item_id,) in store.db.execute(
        "SELECT item_id FROM decisions WHERE applied = 1 GROUP BY item_id "
        "HAVING COUNT(*) > 1 AND COUNT(overrides) = 0 ORDER BY item_id").fetchall()]


CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    return match.group(1) or match.group(2)


def signed_in_client(base_url: str, username: str, password: str = PASSWORD) -> httpx.Client:
    """An HTTP client with a signed-in session, as a browser would have after the login form."""
    client = httpx.Client(base_url=base_url, timeout=20)
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"csrf_token": token, "username": username, "password": password})
    assert response.status_code == 303, response.text
    return client


def decision_form(html: str, form_id: str = "decision-form") -> dict:
    """The hidden fields of an item page's decision form (CSRF token, version, filters), or of its
    re-decision form (`redecide-form`, on an item already decided)."""
    form = html[html.index(f'id="{form_id}"'):]
    form = form[:form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def launch_chromium(playwright):
    """Debian's Chromium, never a downloaded browser build."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def sign_in(page, base_url: str, username: str = "alice", password: str = PASSWORD) -> None:
    page.goto(base_url + "/queue")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
    page.wait_for_url("**/queue")
