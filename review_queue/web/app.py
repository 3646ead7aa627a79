"""Review web app: the Starlette application, wiring store, sessions, security, templates and routes (wiring only)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ..review.decisions import DEFAULT_CLAIM_MINUTES
from ..storage.dialect import is_postgres_url
from ..storage.store import Store
from .routes.auth import routes as auth_routes
from .routes.learn import routes as learn_routes
from .routes.review import routes as review_routes
from .outage import DatabaseOutage
from .security import CleanInput, LoginGate, SecurityHeaders, session_secret
from .templating import templates

HERE = Path(__file__).parent
SESSION_MAX_AGE = 12 * 3600   # one working day


@dataclass(frozen=True)
class AppSettings:
    db: Path
    claim_minutes: float = DEFAULT_CLAIM_MINUTES
    https_only: bool = False      # set behind TLS so the cookie is never sent in clear


# While PostgreSQL is away a request waits this long (seconds) for a connection, then gets the 503
# page: short, since the routes run on the event loop and hold up every other request meanwhile.
DB_WAIT = 2.0


class Stores:
    """The Store a request uses. SQLite: one per thread, since sqlite3 connections must stay in
    their thread. PostgreSQL: one for the whole app, its connections pooled (storage/dialect.py)."""

    def __init__(self, path: Path):
        self.path = path
        self.local = threading.local()
        self.shared: Store | None = None
        self.lock = threading.Lock()

    def __call__(self) -> Store:
        if is_postgres_url(self.path):
            with self.lock:
                if self.shared is None:   # not when the server is down: the request gets a 503, the next tries again
                    self.shared = Store(self.path, wait=DB_WAIT)
                return self.shared
        store = getattr(self.local, "store", None)
        if store is None:
            store = self.local.store = Store(self.path)
        return store


def create_app(settings: AppSettings) -> Starlette:
    stores = Stores(Path(settings.db))
    bootstrap = Store(settings.db)   # applies migrations and makes the session secret once, up front
    secret = session_secret(bootstrap)
    bootstrap.refresh_statistics()
    bootstrap.close()
    app = Starlette(
        routes=[*auth_routes, *review_routes, *learn_routes, Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(DatabaseOutage),
            Middleware(SessionMiddleware, secret_key=secret, session_cookie="sozwatch_session",
                       max_age=SESSION_MAX_AGE, same_site="lax", https_only=settings.https_only),
            Middleware(LoginGate, store_getter=stores),
            Middleware(CleanInput),
        ])
    app.state.stores = stores
    app.state.settings = settings
    app.state.templates = templates()
    return app
