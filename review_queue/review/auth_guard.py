"""Review: sign-in throttling per account and per client address, and the trail of sign-in events.

Each wrong password raises a counter for the account name and one for the client address. Past a
few free tries the next attempt must wait (1 s, 2 s, 4 s … up to a minute), and past a limit the
key is locked for a quarter of an hour; an attempt that comes too early is refused (HTTP 429 with
Retry-After) without checking the password, so guessing gains nothing by going faster. The account
limit stops guessing one password; the client limit, higher so that an office behind one address is
not locked out by one forgetful monitor, stops trying many accounts. A success clears the account's
counter; counters are forgotten a quarter of an hour after their last failure.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..storage.store import Store
from ..storage.transactions import write_transaction

FORGET_AFTER = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
MAX_DELAY_SECONDS = 60


@dataclass(frozen=True)
class Limit:
    free: int      # failures allowed before any delay
    lock_at: int   # failures that lock the key for LOCK_FOR


ACCOUNT = Limit(free=5, lock_at=20)
CLIENT = Limit(free=20, lock_at=100)


def _keys(username: str, client: str) -> list[tuple[str, Limit]]:
    return [("account:" + username.strip().lower()[:100], ACCOUNT), ("client:" + (client or "?")[:100], CLIENT)]


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def retry_after(store: Store, username: str, client: str, now: datetime | None = None) -> int:
    """Seconds this attempt must still wait (0: it may go ahead)."""
    now = _now(now)
    wait = 0
    for key, _ in _keys(username, client):
        row = store.db.execute("SELECT blocked_until FROM login_failures WHERE key = ?", [key]).fetchone()
        if row and row[0]:
            wait = max(wait, math.ceil((datetime.fromisoformat(row[0]) - now).total_seconds()))
    return max(wait, 0)


def _blocked_until(failures: int, limit: Limit, now: datetime) -> datetime | None:
    if failures >= limit.lock_at:
        return now + LOCK_FOR
    if failures >= limit.free:
        return now + timedelta(seconds=min(2 ** (failures - limit.free), MAX_DELAY_SECONDS))
    return None


def record_failure(store: Store, username: str, client: str, now: datetime | None = None) -> None:
    """Count a wrong password against the account name and the client address; log it (and any lock)."""
    now = _now(now)
    with write_transaction(store.db):
        for key, limit in _keys(username, client):
            row = store.db.execute("SELECT failures, last_at FROM login_failures WHERE key = ?", [key]).fetchone()
            failures = 1
            if row and now - datetime.fromisoformat(row[1]) < FORGET_AFTER:
                failures = row[0] + 1
            until = _blocked_until(failures, limit, now)
            store.db.execute("INSERT OR REPLACE INTO login_failures (key, failures, last_at, blocked_until) "
                             "VALUES (?, ?, ?, ?)", [key, failures, _iso(now), until and _iso(until)])
            if failures == limit.lock_at:
                _log(store, now, username, client, "login_locked", f"{key} for {int(LOCK_FOR.total_seconds())} s")
        _log(store, now, username, client, "login_failed")


def record_success(store: Store, username: str, client: str, now: datetime | None = None) -> None:
    now = _now(now)
    with write_transaction(store.db):
        store.db.execute("DELETE FROM login_failures WHERE key = ?", [_keys(username, client)[0][0]])
        _log(store, now, username, client, "login")


def log_event(store: Store, event: str, username: str | None, client: str | None = None, detail: str | None = None,
              now: datetime | None = None) -> None:
    """One line in the sign-in trail (refused attempts, logout, password resets, disabled accounts)."""
    with write_transaction(store.db):
        _log(store, _now(now), username, client, event, detail)


def _log(store: Store, now: datetime, username, client, event: str, detail: str | None = None) -> None:
    store.db.execute("INSERT INTO auth_events (at, username, client, event, detail) VALUES (?, ?, ?, ?, ?)",
                     [_iso(now), (username or "")[:100], client, event, detail])


def auth_events(store: Store, limit: int = 200) -> list[dict]:
    """The latest sign-in events, newest first."""
    return store.db.execute_returning_dicts(
        "SELECT at, username, client, event, detail FROM auth_events ORDER BY id DESC LIMIT ?", [limit])
