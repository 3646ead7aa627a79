"""Review web app: while the database cannot answer, every page says so with a 503 instead of a 500.

A PostgreSQL restart, a server still starting, every pooled connection busy, a SQLite file
locked for longer than the busy timeout: the request fails with a storage error that names no
bug in the page (dialect.database_unavailable). The monitor gets a short page in their language
that reloads itself, and `Retry-After` for scripts; nothing needs restarting, since the store
re-opens its connections on its own (storage/dialect.py).
"""
from __future__ import annotations

import html
import logging

from starlette.datastructures import Headers
from starlette.responses import HTMLResponse

from .. import i18n
from ..storage.dialect import database_unavailable

log = logging.getLogger(__name__)
RETRY_AFTER_S = 5


def _lang(scope) -> str:
    """The signed-in monitor's language if the request got that far, else the session's, else the
    browser's first choice that the app speaks."""
    user = scope.get("state", {}).get("user")
    if user is not None:
        return user.lang
    lang = scope.get("session", {}).get("lang")
    if lang in i18n.LANG_INDEX:
        return lang
    for part in Headers(scope=scope).get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in i18n.LANG_INDEX:
            return code
    return i18n.DEFAULT_LANG


def unavailable_page(scope) -> HTMLResponse:
    lang = _lang(scope)
    message = html.escape(i18n.translate(lang, "db_unavailable", seconds=RETRY_AFTER_S))
    # A GET is safe to repeat, so the page reloads itself; a form is left for the monitor to resend.
    refresh = f'<meta http-equiv="refresh" content="{RETRY_AFTER_S}">' if scope["method"] in ("GET", "HEAD") else ""
    body = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{refresh}'
            f'<title>{html.escape(i18n.translate(lang, "app_name"))}</title>'
            f'<link rel="stylesheet" href="/static/app.css"></head>'
            f'<body><main><p class="error" role="alert" id="db-unavailable">{message}</p></main></body></html>')
    return HTMLResponse(body, status_code=503, headers={"retry-after": str(RETRY_AFTER_S), "cache-control": "no-store"})


class DatabaseOutage:
    """ASGI middleware: a storage error that means "not now" becomes the 503 page (unless the
    response had already begun, which cannot be taken back)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watch(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started or not database_unavailable(exc):
                raise
            log.warning("database unavailable, answered 503 to %s %s: %s", scope["method"], scope["path"], exc)
            await unavailable_page(scope)(scope, receive, send)
