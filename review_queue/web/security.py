"""Review web app: sessions, CSRF and login gating for the web app.

The session cookie is signed with a secret generated on first run and kept in the
database (app_settings), so it is never in the code and survives restarts. Every
POST handler is wrapped by `csrf_protected`; every page but /login and /static
needs a signed-in, enabled user.
"""
from __future__ import annotations

import hmac
import secrets
from functools import wraps
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse

from ..review.users import get_user
from ..storage.store import Store
from ..storage.transactions import write_transaction

PUBLIC_PREFIXES = ("/login", "/static/")
SECURITY_HEADERS = {
    # Crawled text is hostile: even if something slipped past escaping, no inline script runs.
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def session_secret(store: Store) -> str:
    row = store.db.execute("SELECT value FROM app_settings WHERE key = 'session_secret'").fetchone()
    if row:
        return row[0]
    with write_transaction(store.db):
        store.db.execute("INSERT OR IGNORE INTO app_settings (key, value) VALUES ('session_secret', ?)",
                         [secrets.token_urlsafe(48)])
    return store.db.execute("SELECT value FROM app_settings WHERE key = 'session_secret'").fetchone()[0]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def csrf_ok(request: Request) -> bool:
    expected = request.session.get("csrf")
    given = request.headers.get("x-csrf-token")
    if given is None:
        given = (await request.form()).get("csrf_token")
    return bool(expected and given and hmac.compare_digest(str(given), expected))


def csrf_protected(handler):
    """Wrap a POST handler: a request without the session's CSRF token is refused with 403."""
    @wraps(handler)
    async def checked(request: Request):
        if not await csrf_ok(request):
            return PlainTextResponse("CSRF token missing or wrong: reload the page and try again.", status_code=403)
        return await handler(request)
    return checked


def safe_next(target: str | None) -> str:
    """Only same-site paths as a post-login destination (no //evil.example, no scheme)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/queue"


class LoginGate:
    """ASGI middleware: attach the signed-in user to the request or send the browser to /login."""

    def __init__(self, app, store_getter):
        self.app = app
        self.store_getter = store_getter

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        user_id = request.session.get("user_id")
        user = get_user(self.store_getter(), user_id) if user_id else None
        if user and user.disabled:
            request.session.clear()
            user = None
        scope.setdefault("state", {})["user"] = user
        if user is None and not scope["path"].startswith(PUBLIC_PREFIXES):
            if scope["method"] != "GET":
                response = PlainTextResponse("Sign in first.", status_code=401)
            else:
                target = scope["path"] + ("?" + scope["query_string"].decode() if scope["query_string"] else "")
                response = RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)
        return await self.app(scope, receive, send_with_headers)
