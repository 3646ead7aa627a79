"""Review web app: sessions, CSRF and login gating for the web app.

The session cookie is signed with a secret generated on first run and kept in the
database (app_settings), so it is never in the code and survives restarts. It also
carries the user's session generation: logout, a password change and disabling raise
it (users.py), so a saved copy of an older cookie is refused at once. Every POST
handler is wrapped by `csrf_protected`; every page but /login and /static needs a
signed-in, enabled user. `CleanInput` answers 400 to control characters in any parameter.
"""
from __future__ import annotations

import hmac
import re
import secrets
from functools import wraps
from urllib.parse import quote, unquote_plus

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse

from .. import i18n
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
            return PlainTextResponse(ui_text(request, "csrf_failed"), status_code=403)
        return await handler(request)
    return checked


def ui_text(request: Request, key: str, **values) -> str:
    """An interface message in the signed-in user's language (or the default before sign-in)."""
    user = request.scope.get("state", {}).get("user")
    return i18n.translate(user.lang if user else i18n.DEFAULT_LANG, key, **values)


def client_address(request: Request) -> str:
    """The client's address: the TCP peer, or what a trusted local proxy forwarded (uvicorn's
    proxy_headers, FORWARDED_ALLOW_IPS); a header from anyone else is not believed."""
    return request.client.host if request.client else "?"


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
        if user and (user.disabled or request.session.get("gen") != user.session_gen):
            request.session.clear()
            user = None
        scope.setdefault("state", {})["user"] = user
        if user is None and not scope["path"].startswith(PUBLIC_PREFIXES):
            if scope["method"] != "GET":
                response = PlainTextResponse(i18n.translate(i18n.DEFAULT_LANG, "sign_in_first"), status_code=401)
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


# C0 control characters and DEL; tab, line feed and carriage return are ordinary text in a form field.
CONTROL_IN_QUERY = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_FORM = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_FORM_BYTES = 1 << 20


class CleanInput:
    """ASGI middleware: a request whose query string or urlencoded form holds a control character
    (NUL above all: SQLite's FTS and C libraries treat it as the end of the text) is answered
    400 before any handler sees it, so no route can turn it into a 500."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if CONTROL_IN_QUERY.search(unquote_plus(scope["query_string"].decode("latin-1"))) \
                or CONTROL_IN_QUERY.search(scope["path"]):
            return await _bad_input(scope, receive, send)
        content_type = dict(scope["headers"]).get(b"content-type", b"")
        if scope["method"] != "POST" or not content_type.startswith(b"application/x-www-form-urlencoded"):
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:   # read the form once here, then hand the same bytes to the app
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_FORM_BYTES:
                return await PlainTextResponse("form too large", status_code=413)(scope, receive, send)
        if CONTROL_IN_FORM.search(unquote_plus(body.decode("latin-1"))):
            return await _bad_input(scope, receive, send)
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await self.app(scope, replay, send)


async def _bad_input(scope, receive, send):
    return await PlainTextResponse(ui_text(Request(scope), "bad_input"), status_code=400)(scope, receive, send)
