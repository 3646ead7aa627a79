"""The Starlette application: wiring of store, sessions, security, templates and routes."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ..review import DEFAULT_CLAIM_MINUTES
from ..store import Store
from . import i18n
from .rendering import as_label
from .security import LoginGate, SecurityHeaders, csrf_token, session_secret

HERE = Path(__file__).parent
SESSION_MAX_AGE = 12 * 3600   # one working day


@dataclass(frozen=True)
class AppSettings:
    db: Path
    claim_minutes: float = DEFAULT_CLAIM_MINUTES
    https_only: bool = False      # set behind TLS so the cookie is never sent in clear


class Stores:
    """One Store (one SQLite connection) per thread: sqlite3 connections must stay in their thread."""

    def __init__(self, path: Path):
        self.path = path
        self.local = threading.local()

    def __call__(self) -> Store:
        store = getattr(self.local, "store", None)
        if store is None:
            store = self.local.store = Store(self.path)
        return store


def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["qs"] = lambda params: urlencode(params)
    env.filters["label"] = as_label
    env.filters["clock"] = lambda iso: (iso or "")[11:16] + " UTC" if iso else ""   # claim expiry, HH:MM
    # Audit before/after as readable JSON (Cyrillic kept); escaped like any other text.
    env.filters["pretty_json"] = lambda value: json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return env


def render(request, template: str, context: dict | None = None, status_code: int = 200) -> HTMLResponse:
    user = request.state.user
    lang = user.lang if user else request.session.get("lang", i18n.DEFAULT_LANG)
    env = request.app.state.templates
    html = env.get_template(template).render(
        request=request, user=user, lang=lang, csrf_token=csrf_token(request),
        t=lambda key, **kw: i18n.translate(lang, key, **kw),
        cat_name=lambda code: i18n.category_name(lang, code),
        lang_names=i18n.LANG_NAMES, **(context or {}))
    return HTMLResponse(html, status_code=status_code)


def create_app(settings: AppSettings) -> Starlette:
    from .auth_routes import routes as auth_routes
    from .learn_routes import routes as learn_routes
    from .review_routes import routes as review_routes

    stores = Stores(Path(settings.db))
    bootstrap = Store(settings.db)   # applies migrations and makes the session secret once, up front
    secret = session_secret(bootstrap)
    bootstrap.refresh_statistics()
    bootstrap.close()
    app = Starlette(
        routes=[*auth_routes, *review_routes, *learn_routes, Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(SessionMiddleware, secret_key=secret, session_cookie="sozwatch_session",
                       max_age=SESSION_MAX_AGE, same_site="lax", https_only=settings.https_only),
            Middleware(LoginGate, store_getter=stores),
        ])
    app.state.stores = stores
    app.state.settings = settings
    app.state.templates = _templates()
    return app
