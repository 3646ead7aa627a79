"""Acceptance 2: hostile crawled text is inert, CSRF is enforced, pages need login,
passwords are hashed, filters cannot inject SQL."""
import sqlite3

import httpx

import pytest
from starlette.routing import Route

from review_queue.web.app import AppSettings, create_app

from .browser.support import PASSWORD, csrf_from, decision_form, item_id_by_url, seed, signed_in_client

HOSTILE_URL = "javascript:alert(document.cookie)"


def test_hostile_article_is_escaped_and_its_link_is_not_clickable(server):
    base, store = server
    client = signed_in_client(base, "alice")
    page = client.get(f"/items/{item_id_by_url(store, HOSTILE_URL)}").text
    assert "<script>window.__pwned" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page       # shown as text
    assert "<img src=x onerror" not in page and "&lt;img src=x onerror=" in page
    assert 'href="javascript:' not in page.lower()
    assert '<span class="unsafe-url"' in page                                # the javascript: URL is plain text
    queue = client.get("/queue").text
    assert "<script>window.__pwned" not in queue and "&lt;script&gt;" in queue
    assert "script-src 'self'" in client.get("/queue").headers["content-security-policy"]


def _post_routes():
    app = create_app(AppSettings(db=":memory:"))
    return [route.path for route in app.routes if isinstance(route, Route) and "POST" in (route.methods or ())]


def test_every_post_without_the_csrf_token_is_refused_and_changes_nothing(server):
    base, store = server
    client = signed_in_client(base, "alice")
    item_id = item_id_by_url(store, "https://kz.example/detained")
    fields = decision_form(client.get(f"/items/{item_id}").text)
    fields.pop("csrf_token")
    posts = _post_routes()
    assert {"/login", "/logout", "/items/{item_id:int}/decide", "/settings/language"} <= set(posts)
    for path in posts:
        url = path.replace("{item_id:int}", str(item_id))
        for token in ({}, {"csrf_token": "forged"}):
            response = client.post(url, data={**fields, **token, "action": "confirm", "categories": "A.detention",
                                              "lang": "en", "username": "alice", "password": PASSWORD})
            assert response.status_code == 403, url
        assert client.post(url, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert store.db.execute("SELECT status FROM review_items WHERE id = ?", [item_id]).fetchone()[0] == "pending"
    assert store.db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
    assert client.get("/queue").status_code == 200                       # still signed in: logout was refused too


def test_the_csrf_header_works_for_fetch_calls(server):
    base, store = server
    client = signed_in_client(base, "alice")
    item_id = item_id_by_url(store, "https://kz.example/detained")
    token = csrf_from(client.get(f"/items/{item_id}").text)
    response = client.post(f"/items/{item_id}/claim", headers={"X-CSRF-Token": token})
    assert response.status_code == 200 and response.json()["granted"]


@pytest.mark.parametrize("path", ["/", "/queue", "/queue?lang=ru", "/items/1", "/queue/next",
                                  "/export?what=incidents&format=csv"])
def test_pages_send_signed_out_visitors_to_login(server, path):
    base, _ = server
    response = httpx.get(base + path)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_after_logout_and_for_a_disabled_account_pages_need_login_again(server):
    base, store = server
    client = signed_in_client(base, "alice")
    token = csrf_from(client.get("/queue").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/queue").status_code == 303
    bob = signed_in_client(base, "bob")
    store.db.execute("UPDATE users SET disabled = 1 WHERE username = 'bob'")
    store.db.conn.commit()
    assert bob.get("/queue").status_code == 303
    assert "login" in bob.get("/login").text and bob.post("/login", data={
        "csrf_token": csrf_from(bob.get("/login").text), "username": "bob", "password": PASSWORD}).status_code == 401


def test_login_never_redirects_off_site(server):
    base, _ = server
    client = httpx.Client(base_url=base)
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"csrf_token": token, "username": "alice", "password": PASSWORD,
                                           "next": "//evil.example/phish"})
    assert response.headers["location"] == "/queue"


def test_passwords_are_stored_only_as_argon2_hashes(db_path):
    seed(db_path).close()
    hashes = [h for (h,) in sqlite3.connect(db_path).execute("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    for suffix in ("", "-wal"):
        path = db_path.with_name(db_path.name + suffix)
        if path.exists():
            assert PASSWORD.encode() not in path.read_bytes()


INJECTIONS = ["' OR 1=1 --", "x' OR '1'='1", "'; DROP TABLE users; --", '" OR ""="', "1) OR (1=1",
              'title:"x" OR *', "NEAR(a b)", "\\", "%", "A.attack' UNION SELECT password_hash FROM users --"]


def test_filter_parameters_cannot_inject_sql(server):
    base, store = server
    client = signed_in_client(base, "alice")
    for param, value in [(p, v) for p in ("q", "lang", "category", "source", "status", "date_from", "after")
                         for v in INJECTIONS]:
        response = client.get("/queue", params={param: value})
        assert response.status_code == 200, (param, value)
        assert "$argon2" not in response.text
        if param in ("lang", "category", "source", "q"):
            assert 'id="empty"' in response.text, (param, value)   # nothing matches: no tautology got through
    assert store.db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 2
    assert store.db.execute("SELECT COUNT(*) FROM review_items").fetchone()[0] == 5
